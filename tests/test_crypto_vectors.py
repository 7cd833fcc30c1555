"""The shared crypto vectors, checked with the native backend (the browser checks the same file)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from services.privacy import backends
from services.privacy.selftest import check_signature_vectors, check_vectors
from services.sync import signing
from tests.sync_support import check_signatures_as_in_the_browser

VECTORS = json.loads((Path(__file__).parent / "vectors" / "crypto.json").read_text())


def test_native_backend_matches_the_shared_vectors():
    assert check_vectors(VECTORS, backends.NativeBackend()) == []


def test_vectors_include_the_rfc_7914_scrypt_values():
    # Independent of our own generator: the published test vectors.
    assert VECTORS["scrypt"][0]["key"].startswith("77d6576238657b203b19ca42c18a0497")
    assert VECTORS["scrypt"][1]["key"].startswith("fdbabe1c9d3472007856e7190d01e9fe")


class _WrongScrypt(backends.NativeBackend):
    def scrypt(self, secret, salt, n, r, p, dklen):
        return bytes(dklen)


class _NoTagCheck(backends.NativeBackend):
    def aesgcm_decrypt(self, key, nonce, ciphertext, aad):
        return b""


def test_the_checker_catches_a_wrong_backend():
    assert any("scrypt" in line for line in check_vectors(VECTORS, _WrongScrypt()))
    assert any("changed tag" in line for line in check_vectors(VECTORS, _NoTagCheck()))


def test_default_backend_is_native_off_the_browser():
    assert backends.get_backend().name == "native"


def test_signature_vectors_hold_natively():
    assert check_signature_vectors(VECTORS) == []
    # RFC 8032 7.1 TEST 1, independent of our generator.
    assert VECTORS["ed25519"][0]["signature_file"].startswith("5VZDAMNgrHKQhuLMgG6CioSHfx6")


def test_the_browser_key_path_checks_signatures_with_the_platform_verifier(monkeypatch):
    """What the browser build runs (no ``cryptography``: keys parsed by hand, PEM included,
    and verified by ``platform.ed25519_verify``), here with a verifier that really verifies."""
    check_signatures_as_in_the_browser(monkeypatch)
    assert signing.available() and not signing.can_sign()
    assert check_signature_vectors(VECTORS) == []
    pem = next(v["public_key"] for v in VECTORS["ed25519"] if v["public_key"].startswith("-----BEGIN"))
    assert signing.public_key_text(signing.parse_public_key(pem)) == VECTORS["ed25519"][0]["public_key"]
    # A PEM block holding another kind of key (X25519, id 1.3.101.110) is refused in plain words.
    x25519_der = bytes.fromhex("302a300506032b656e032100") + bytes(32)
    x25519_pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(x25519_der).decode() + "\n-----END PUBLIC KEY-----"
    with pytest.raises(signing.SigningError, match="not an Ed25519 key"):
        signing.parse_public_key(x25519_pem)
