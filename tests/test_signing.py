"""Ed25519 keys and detached feed signatures; the ``kindred feed`` publishing commands."""

from __future__ import annotations

import stat
import threading

import pytest

from cli import main as kindred
from services.sync import signing
from services.sync.fetch import Fetcher, FetchLimits, HTTPStatusError
from services.sync.serve import make_server

FEED = b'{"kindred_feed": 1, "groups": []}\n'


@pytest.fixture
def feed_file(tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(FEED)
    return path


@pytest.mark.parametrize("fmt", ["pem", "raw"])
def test_keygen_writes_a_private_key_only_its_owner_can_read_and_a_one_line_public_key(tmp_path, fmt):
    pair = signing.generate_keypair(tmp_path / "acme", fmt=fmt)
    assert pair.private_path == tmp_path / "acme.key" and pair.public_path == tmp_path / "acme.pub"
    assert stat.S_IMODE(pair.private_path.stat().st_mode) == 0o600
    public_text = pair.public_path.read_text()
    assert public_text.count("\n") == 1 and len(public_text.strip()) == 44
    assert public_text.strip() == pair.public_key
    private_text = pair.private_path.read_text()
    assert ("BEGIN PRIVATE KEY" in private_text) == (fmt == "pem")
    key = signing.load_private_key(pair.private_path)
    assert signing.public_key_text(key.public_key()) == pair.public_key
    assert len(pair.fingerprint.replace(" ", "")) == 16


def test_keygen_never_overwrites_a_key(tmp_path):
    signing.generate_keypair(tmp_path / "acme")
    before = (tmp_path / "acme.key").read_bytes()
    with pytest.raises(signing.SigningError, match="will not overwrite"):
        signing.generate_keypair(tmp_path / "acme")
    assert (tmp_path / "acme.key").read_bytes() == before


def test_sign_and_verify_the_exact_bytes(tmp_path, feed_file):
    pair = signing.generate_keypair(tmp_path / "acme")
    sig = signing.sign_file(feed_file, [pair.private_path])
    assert sig == tmp_path / "feed.json.sig"
    assert signing.verify_file(feed_file, pair.public_path) == pair.fingerprint
    signing.verify_bytes(pair.public_key, FEED, sig.read_bytes())
    with pytest.raises(signing.BadSignature, match="does not match"):
        signing.verify_bytes(pair.public_key, FEED + b" ", sig.read_bytes())  # one byte more
    with pytest.raises(signing.BadSignature):
        signing.verify_bytes(pair.public_key, FEED.replace(b"[]", b"[ ]"), sig.read_bytes())


def test_a_wrong_key_does_not_verify(tmp_path, feed_file):
    ours = signing.generate_keypair(tmp_path / "ours")
    theirs = signing.generate_keypair(tmp_path / "theirs")
    signing.sign_file(feed_file, [theirs.private_path])
    with pytest.raises(signing.BadSignature):
        signing.verify_file(feed_file, ours.public_path)


def test_rotation_signs_with_two_keys_and_either_verifies(tmp_path, feed_file):
    old = signing.generate_keypair(tmp_path / "old")
    new = signing.generate_keypair(tmp_path / "new", fmt="raw")
    sig = signing.sign_file(feed_file, [old.private_path, new.private_path])
    assert len(sig.read_text().split()) == 2
    signing.verify_file(feed_file, old.public_path)
    signing.verify_file(feed_file, new.public_path)


def test_keys_and_signatures_in_other_shapes(tmp_path):
    from cryptography.hazmat.primitives import serialization

    pair = signing.generate_keypair(tmp_path / "acme")
    key = signing.load_private_key(pair.private_path)
    pem_public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    assert signing.fingerprint(signing.parse_public_key(pem_public)) == pair.fingerprint
    assert signing.fingerprint("# a comment\n" + pair.public_key + "\n") == pair.fingerprint
    binary = key.sign(FEED)
    signing.verify_bytes(pair.public_key, FEED, binary)  # a raw 64-byte signature file
    seed = tmp_path / "seed.key"
    import base64

    seed.write_text(base64.b64encode(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())).decode())
    assert signing.public_key_text(signing.load_private_key(seed).public_key()) == pair.public_key


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "one line"),
        ("not base64 at all!", "not a Kindred public key"),
        ("AAAA", "not a Kindred public key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "not a readable public key"),
    ],
)
def test_bad_public_keys_are_explained(text, words):
    with pytest.raises(signing.SigningError, match=words):
        signing.parse_public_key(text)


def test_bad_signature_files_are_explained(tmp_path):
    pair = signing.generate_keypair(tmp_path / "acme")
    with pytest.raises(signing.SigningError, match="empty"):
        signing.verify_bytes(pair.public_key, FEED, b"\n\n")
    with pytest.raises(signing.SigningError, match="damaged"):
        signing.verify_bytes(pair.public_key, FEED, b"bm90IGEgc2lnbmF0dXJl\n")
    with pytest.raises(signing.SigningError, match="far too big"):
        signing.verify_bytes(pair.public_key, FEED, b"A" * 20000)


def test_signing_with_a_public_key_is_refused(tmp_path, feed_file):
    pair = signing.generate_keypair(tmp_path / "acme")
    with pytest.raises(signing.SigningError, match="is a public key"):
        signing.sign_file(feed_file, [pair.public_path])
    damaged = tmp_path / "damaged.key"
    damaged.write_text("this is not a key")
    with pytest.raises(signing.SigningError, match="not a Kindred private key"):
        signing.sign_file(feed_file, [damaged])
    assert not (tmp_path / "feed.json.sig").exists()


# --- the CLI ---------------------------------------------------------------------------


def test_three_commands_publish_a_signed_feed(tmp_path, feed_file, capsys):
    prefix = tmp_path / "acme"
    assert kindred(["feed", "keygen", "-o", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "acme.key" in out and "acme.pub" in out and "Fingerprint" in out
    assert kindred(["feed", "sign", str(feed_file), "--key", f"{prefix}.key"]) == 0
    assert (tmp_path / "feed.json.sig").exists()
    capsys.readouterr()
    assert kindred(["feed", "verify", str(feed_file), "--pub", f"{prefix}.pub"]) == 0
    assert "Verified" in capsys.readouterr().out
    feed_file.write_bytes(FEED.replace(b"[]", b'[{"id":"x"}]'))
    assert kindred(["feed", "verify", str(feed_file), "--pub", f"{prefix}.pub"]) == 2
    assert "NOT VERIFIED" in capsys.readouterr().err


def test_cli_errors_are_plain(tmp_path, feed_file, capsys):
    assert kindred(["feed", "verify", str(feed_file), "--pub", str(tmp_path / "missing.pub")]) == 1
    assert "no public key file" in capsys.readouterr().err
    assert kindred(["feed", "sign", str(tmp_path / "missing.json"), "--key", str(tmp_path / "x.key")]) == 1
    assert "no feed file" in capsys.readouterr().err
    assert kindred(["feed", "keygen", "-o", str(tmp_path / "no-such-folder" / "k")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert kindred(["feed", "serve", str(tmp_path / "nowhere")]) == 1
    assert "is not a folder" in capsys.readouterr().err


# --- the local test server ---------------------------------------------------------------


@pytest.fixture
def served(tmp_path, feed_file):
    (tmp_path / "secret.key").write_text("never served")
    server = make_server(tmp_path, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_serve_gives_validators_304s_and_gzip(served, feed_file):
    big = feed_file.parent / "big.json"
    big.write_bytes(b'{"groups": [' + b",".join(b'{"name": "a group"}' for _ in range(500)) + b"]}")
    with Fetcher(FetchLimits(retries=0, read_timeout=5)) as fetcher:
        first = fetcher.fetch(f"{served}/big.json")
        assert first.body == big.read_bytes() and first.etag and first.last_modified
        assert first.wire_bytes < len(first.body)  # gzip
        assert fetcher.fetch(f"{served}/big.json", etag=first.etag).not_modified
        assert fetcher.fetch(f"{served}/big.json", last_modified=first.last_modified).not_modified
        big.write_bytes(big.read_bytes() + b"\n")
        changed = fetcher.fetch(f"{served}/big.json", etag=first.etag)
        assert changed.status == 200 and changed.etag != first.etag
        for path in ("/secret.key", "/..%2f..%2f..%2fetc%2fpasswd", "/", "/missing.json"):
            with pytest.raises(HTTPStatusError) as caught:
                fetcher.fetch(served + path)
            assert caught.value.status == 404
