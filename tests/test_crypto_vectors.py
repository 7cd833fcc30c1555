"""The shared crypto vectors, checked with the native backend (the browser checks the same file)."""

from __future__ import annotations

import json
from pathlib import Path

from services.privacy import backends
from services.privacy.selftest import check_vectors

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
