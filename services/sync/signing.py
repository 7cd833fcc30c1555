"""Ed25519 signatures for feeds.

A publisher keeps a private key (``PREFIX.key``, readable only by its owner) and hands out
the public key (``PREFIX.pub``: one line of base64, 32 bytes). Signing a feed writes a
detached signature next to it (``feed.json.sig``) over the feed's exact bytes, as served.
The app pins a source's public key and refuses an update whose signature does not verify.

File formats, kept deliberately plain so any tool can produce them:

- ``PREFIX.key`` — PKCS#8 PEM (``-----BEGIN PRIVATE KEY-----``, unencrypted), or one line
  of base64 of the 64-byte key in libsodium's layout, seed then public key (``--format raw``;
  a bare 32-byte seed is read too);
- ``PREFIX.pub`` — the 32-byte public key as one line of base64; a PEM
  ``PUBLIC KEY`` block is accepted too when reading;
- ``FEED.sig`` — one line of base64 per signature (64 bytes each). Several lines are
  allowed so that a publisher can sign with an old and a new key while rotating; a feed
  verifies when any line verifies with the pinned key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from services import platform
from services.i18n import N_, Message, _
from services.private_files import read_limited

try:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
except ImportError:  # the in-browser build (Pyodide) cannot bundle ``cryptography``
    serialization = None

    class InvalidSignature(Exception):  # noqa: N818 - cryptography's name, for the browser's key
        pass

SIGNATURE_SUFFIX = ".sig"
MAX_SIGNATURE_FILE = 16 * 1024  # a .sig holds a few lines of base64; anything bigger is wrong
MAX_KEY_FILE = 16 * 1024
MAX_FEED_FILE = 512 * 1024 * 1024
KEY_FORMATS = ("pem", "raw")


class SigningError(Exception):
    """A key or signature problem, worded for the person reading it."""


class BadSignature(SigningError):
    """The signature does not match the feed and the key."""


@dataclass(frozen=True)
class KeyPairFiles:
    private_path: Path
    public_path: Path
    public_key: str  # the text written to the .pub file
    fingerprint: str


class BrowserPublicKey:
    """An Ed25519 public key in the browser build, which has no ``cryptography``: checked by
    the bundled ``@noble/curves`` through the browser bridge (``platform.ed25519_verify``)."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def verify(self, signature: bytes, data: bytes) -> None:
        if not platform.ed25519_verify(self.raw, signature, data):
            raise InvalidSignature()


def available() -> bool:
    """Whether this build can check publishers' signatures (natively with ``cryptography``, in
    the browser with the bundled ``@noble/curves``)."""
    return serialization is not None or _browser_can_verify()


def _browser_can_verify() -> bool:
    return platform.IS_BROWSER  # the bridge's @noble/curves (services/platform.ed25519_verify)


def can_sign() -> bool:
    """Whether this build can make keys and sign (not the browser build)."""
    return serialization is not None


def _require_crypto() -> None:
    if serialization is None:
        raise SigningError("Making keys and signing feeds is not available in this version of Kindred.")


def _require_verifier() -> None:
    if not available():
        raise SigningError(Message(N_("Checking feed signatures is not available in this version of Kindred.")))


def _raw_public(key) -> bytes:
    if isinstance(key, BrowserPublicKey):
        return key.raw
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# An Ed25519 public key as a PEM block holds this fixed DER prefix, then the 32 key bytes
# (RFC 8410: SubjectPublicKeyInfo with the id-Ed25519 algorithm).
_ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def _public_key_from_raw(raw: bytes):
    if serialization is None:
        return BrowserPublicKey(raw)
    return Ed25519PublicKey.from_public_bytes(raw)


# --- public keys ---------------------------------------------------------------------


def public_key_text(key: Ed25519PublicKey | BrowserPublicKey) -> str:
    return base64.b64encode(_raw_public(key)).decode("ascii")


def fingerprint(public_key: str | Ed25519PublicKey) -> str:
    """A short, readable name for a public key: ``SHA256:`` + the first 16 hex digits, grouped."""
    key = parse_public_key(public_key) if isinstance(public_key, str) else public_key
    digest = hashlib.sha256(_raw_public(key)).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def parse_public_key(text: str | bytes) -> Ed25519PublicKey | BrowserPublicKey:
    """A public key from one line of base64 (32 bytes) or a PEM ``PUBLIC KEY`` block."""
    _require_verifier()
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise SigningError(_("That is not a Kindred public key (it is not text).")) from None
    stripped = text.strip()
    if stripped.startswith("-----BEGIN") and serialization is None:
        return _public_key_from_raw(_pem_public_raw(stripped))
    if stripped.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(stripped.encode("ascii"))
        except (ValueError, UnsupportedAlgorithm):
            raise SigningError(_("That PEM block is not a readable public key.")) from None
        if not isinstance(key, Ed25519PublicKey):
            raise SigningError(_("That public key is not an Ed25519 key; Kindred feeds are signed with Ed25519."))
        return key
    lines = [line.strip() for line in stripped.splitlines() if line.strip() and not line.strip().startswith("#")]
    if len(lines) != 1:
        raise SigningError(_("A public key is one line of text (44 characters of base64)."))
    raw = _b64decode(lines[0])
    if raw is None or len(raw) != 32:
        raise SigningError(_("That is not a Kindred public key: expected 44 characters of base64 (32 bytes)."))
    return _public_key_from_raw(raw)


def _pem_public_raw(text: str) -> bytes:
    """The 32 key bytes of an Ed25519 ``PUBLIC KEY`` PEM block (where ``cryptography`` is missing)."""
    lines = text.splitlines()
    if lines[0].strip() != "-----BEGIN PUBLIC KEY-----" or lines[-1].strip() != "-----END PUBLIC KEY-----":
        raise SigningError(_("That PEM block is not a readable public key."))
    der = _b64decode("".join(lines[1:-1]))
    if der is None or not der.startswith(_ED25519_SPKI_PREFIX) or len(der) != len(_ED25519_SPKI_PREFIX) + 32:
        raise SigningError(_("That public key is not an Ed25519 key; Kindred feeds are signed with Ed25519."))
    return der[len(_ED25519_SPKI_PREFIX):]


def load_public_key(path: str | os.PathLike) -> Ed25519PublicKey | BrowserPublicKey:
    path = Path(path)
    try:
        data = read_limited(path, MAX_SIGNATURE_FILE)
    except FileNotFoundError:
        raise SigningError(f"There is no public key file at {path}.") from None
    except OSError as error:
        raise SigningError(f"Could not read the public key file {path}: {error.strerror or error}.") from None
    if len(data) > MAX_SIGNATURE_FILE:
        raise SigningError(f"{path} is too big to be a public key.")
    try:
        return parse_public_key(data)
    except SigningError as error:
        raise SigningError(f"{path}: {error}") from None


# --- private keys --------------------------------------------------------------------


def load_private_key(path: str | os.PathLike) -> Ed25519PrivateKey:
    _require_crypto()
    path = Path(path)
    try:
        data = read_limited(path, MAX_KEY_FILE)
    except FileNotFoundError:
        raise SigningError(f"There is no private key file at {path}.") from None
    except OSError as error:
        raise SigningError(f"Could not read the private key file {path}: {error.strerror or error}.") from None
    if data.lstrip().startswith(b"-----BEGIN"):
        if b"ENCRYPTED" in data:
            raise SigningError(f"{path} is protected with a password, which Kindred does not support.")
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise SigningError(f"{path} is not a readable private key.") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningError(f"{path} is not an Ed25519 private key; Kindred feeds are signed with Ed25519.")
        return key
    if path.suffix == ".pub" or _looks_like_pem_public(data):
        raise SigningError(f"{path} is a public key; signing needs the private key (PREFIX.key).")
    raw = _b64decode(data.strip().decode("ascii", errors="replace"))
    if raw is not None and len(raw) == 64:
        # libsodium's layout: the 32-byte seed followed by the public key, which must match.
        key = Ed25519PrivateKey.from_private_bytes(raw[:32])
        if key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) != raw[32:]:
            raise SigningError(f"{path} is damaged: its private and public halves do not belong together.")
        return key
    if raw is not None and len(raw) == 32:
        return Ed25519PrivateKey.from_private_bytes(raw)  # a bare seed, as some tools write it
    raise SigningError(f"{path} is not a Kindred private key (PEM, or base64 of the 64-byte key).")


def _looks_like_pem_public(data: bytes) -> bool:
    return b"-----BEGIN PUBLIC KEY-----" in data


def private_key_bytes(key: Ed25519PrivateKey, fmt: str = "pem") -> bytes:
    if fmt == "pem":
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    if fmt == "raw":
        seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(seed + public) + b"\n"  # 64 bytes, libsodium's layout
    raise SigningError(f"unknown key format {fmt!r}; use one of: {', '.join(KEY_FORMATS)}")


def generate_keypair(prefix: str | os.PathLike, *, fmt: str = "pem", overwrite: bool = False) -> KeyPairFiles:
    """Write ``PREFIX.key`` (mode 0600) and ``PREFIX.pub``. Refuses to overwrite unless asked."""
    _require_crypto()
    if fmt not in KEY_FORMATS:
        raise SigningError(f"unknown key format {fmt!r}; use one of: {', '.join(KEY_FORMATS)}")
    prefix = Path(prefix)
    private_path = prefix.with_name(prefix.name + ".key")
    public_path = prefix.with_name(prefix.name + ".pub")
    if not overwrite:
        for existing in (private_path, public_path):
            if existing.exists():
                raise SigningError(
                    f"{existing} already exists. Kindred will not overwrite a key: losing it would lock "
                    "every subscriber out of your updates. Choose another name."
                )
    if not private_path.parent.is_dir():
        raise SigningError(f"The folder {private_path.parent} does not exist.")
    key = Ed25519PrivateKey.generate()
    text = public_key_text(key.public_key())
    _write_private(private_path, private_key_bytes(key, fmt), overwrite)
    public_path.write_text(text + "\n", encoding="ascii")
    return KeyPairFiles(private_path, public_path, text, fingerprint(key.public_key()))


def _write_private(path: Path, data: bytes, overwrite: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)  # also when overwriting a file that had looser permissions
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
    finally:
        if fd >= 0:
            os.close(fd)


# --- signatures ----------------------------------------------------------------------


def sign_bytes(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def signature_path(feed_path: str | os.PathLike) -> Path:
    feed_path = Path(feed_path)
    return feed_path.with_name(feed_path.name + SIGNATURE_SUFFIX)


def sign_file(feed_path: str | os.PathLike, key_paths: list[str | os.PathLike]) -> Path:
    """Sign a feed file with one or more private keys; writes ``FEED.sig`` (one line each)."""
    feed_path = Path(feed_path)
    try:
        data = read_limited(feed_path, MAX_FEED_FILE)
    except FileNotFoundError:
        raise SigningError(f"There is no feed file at {feed_path}.") from None
    except OSError as error:
        raise SigningError(f"Could not read the feed file {feed_path}: {error.strerror or error}.") from None
    keys = [load_private_key(p) for p in key_paths]
    if not keys:
        raise SigningError("Give at least one private key to sign with.")
    lines = [sign_bytes(key, data) for key in keys]
    out = signature_path(feed_path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="ascii")
    os.replace(tmp, out)  # a half-written .sig is never served
    return out


def parse_signatures(data: bytes | str) -> list[bytes]:
    """The signatures in a ``.sig`` file (base64 lines; a bare 64-byte binary signature too)."""
    if isinstance(data, bytes):
        if len(data) > MAX_SIGNATURE_FILE:
            raise SigningError(Message(N_("The signature file is far too big to be a signature.")))
        if len(data) == 64:
            try:
                data.decode("ascii")
            except UnicodeDecodeError:
                return [data]
        try:
            data = data.decode("ascii")
        except UnicodeDecodeError:
            raise SigningError(Message(N_("The signature file is not a Kindred signature (it is not text)."))) from None
    signatures = []
    for line in data.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        raw = _b64decode(line)
        if raw is None or len(raw) != 64:
            raise SigningError(Message(N_("The signature file is damaged: a line is not a 64-byte Ed25519 signature in base64.")))
        signatures.append(raw)
    if not signatures:
        raise SigningError(Message(N_("The signature file is empty.")))
    return signatures


def verify_bytes(public_key: Ed25519PublicKey | BrowserPublicKey | str, data: bytes, signature_file: bytes | str) -> None:
    """Raise :class:`BadSignature` unless one of the signatures verifies ``data`` with the key."""
    key = parse_public_key(public_key) if isinstance(public_key, str) else public_key
    for signature in parse_signatures(signature_file):
        try:
            key.verify(signature, data)
            return
        except InvalidSignature:
            continue
    raise BadSignature(
        "The feed's signature does not match the publisher's key: the feed may have been changed "
        "by someone else, or signed with a different key."
    )


def verify_file(feed_path: str | os.PathLike, public_key_path: str | os.PathLike, signature: str | os.PathLike | None = None) -> str:
    """Verify ``FEED`` against ``FEED.sig`` (or ``signature``). Returns the key's fingerprint."""
    feed_path = Path(feed_path)
    sig_path = Path(signature) if signature else signature_path(feed_path)
    key = load_public_key(public_key_path)
    try:
        data = read_limited(feed_path, MAX_FEED_FILE)
    except FileNotFoundError:
        raise SigningError(f"There is no feed file at {feed_path}.") from None
    except OSError as error:
        raise SigningError(f"Could not read the feed file {feed_path}: {error.strerror or error}.") from None
    try:
        sig = read_limited(sig_path, MAX_SIGNATURE_FILE)
    except FileNotFoundError:
        raise SigningError(f"There is no signature file at {sig_path}. Sign the feed first (kindred feed sign).") from None
    except OSError as error:
        raise SigningError(f"Could not read the signature file {sig_path}: {error.strerror or error}.") from None
    verify_bytes(key, data, sig)
    return fingerprint(key)


def _b64decode(text: str) -> bytes | None:
    text = "".join(text.split())
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            return None
