"""The plain-Python Ed25519 verifier (services/sync/ed25519_verify.py, for the browser build)
agrees with cryptography (OpenSSL) on good signatures, altered ones, non-canonical scalars and
keys that are not curve points; and the catalogue uses it where cryptography is missing."""

from __future__ import annotations

import os
import random

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.sync import ed25519_verify, signing

RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def openssl_says(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


# RFC 8032, 7.1, TEST 1 and TEST 2.
RFC_VECTORS = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]


@pytest.mark.parametrize(("public", "message", "signature"), RFC_VECTORS)
def test_rfc_8032_vectors(public, message, signature):
    public, message, signature = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
    assert ed25519_verify.verify(public, signature, message)
    assert not ed25519_verify.verify(public, signature, message + b"x")


def test_agrees_with_openssl_on_random_keys_messages_and_alterations():
    rng = random.Random(18)
    for round_ in range(40):
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(*RAW)
        message = os.urandom(rng.randrange(0, 300))
        signature = key.sign(message)
        assert ed25519_verify.verify(public, signature, message), round_
        # One bit flipped anywhere in the signature, the message or the key.
        for target in ("signature", "message", "key"):
            sig, msg, pub = bytearray(signature), bytearray(message or b"\0"), bytearray(public)
            chosen = {"signature": sig, "message": msg, "key": pub}[target]
            chosen[rng.randrange(len(chosen))] ^= 1 << rng.randrange(8)
            expected = openssl_says(bytes(pub), bytes(sig), bytes(msg))
            assert ed25519_verify.verify(bytes(pub), bytes(sig), bytes(msg)) == expected, (round_, target)


def test_a_non_canonical_scalar_and_bad_keys_are_refused_as_openssl_does():
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(*RAW)
    signature = key.sign(b"catalogue")
    s = int.from_bytes(signature[32:], "little") + ed25519_verify.L  # the same point, S not reduced
    malleated = signature[:32] + s.to_bytes(32, "little")
    assert not openssl_says(public, malleated, b"catalogue")
    assert not ed25519_verify.verify(public, malleated, b"catalogue")
    for bad in (b"\xff" * 32, (2**255 - 19).to_bytes(32, "little"), b"\x02" + b"\0" * 31):
        assert ed25519_verify.verify(bad, signature, b"catalogue") == openssl_says(bad, signature, b"catalogue")
    assert not ed25519_verify.verify(public[:31], signature, b"catalogue")
    assert not ed25519_verify.verify(public, signature[:63], b"catalogue")


def test_signing_verify_portable_uses_it_without_cryptography(monkeypatch, tmp_path):
    pair = signing.generate_keypair(tmp_path / "k")
    key = signing.load_private_key(pair.private_path)
    sig = signing.sign_bytes(key, b"data") + "\n"
    monkeypatch.setattr(signing, "serialization", None)  # as in the browser build
    assert not signing.available()
    signing.verify_portable(pair.public_key, b"data", sig)
    with pytest.raises(signing.BadSignature):
        signing.verify_portable(pair.public_key, b"dada", sig)
    with pytest.raises(signing.SigningError):
        signing.verify_portable("not a key", b"data", sig)
