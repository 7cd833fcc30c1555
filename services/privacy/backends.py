"""AES-256-GCM and scrypt behind one small interface: native libraries or the browser's.

Both backends produce and accept exactly the same bytes (``tests/vectors/crypto.json``).
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from services.platform import IS_BROWSER


class InvalidCiphertext(Exception):
    """The tag did not verify: wrong key, wrong associated data, or changed bytes."""


class CryptoBackend(Protocol):
    name: str

    def aesgcm_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes: ...

    def aesgcm_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes: ...

    def scrypt(self, secret: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes: ...


class NativeBackend:
    """``cryptography``'s AES-GCM (OpenSSL) and ``hashlib.scrypt``."""

    name = "native"

    def aesgcm_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

        return AESGCM(key).encrypt(nonce, plaintext, aad)

    def aesgcm_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag  # noqa: PLC0415
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

        try:
            return AESGCM(key).decrypt(nonce, ciphertext, aad)
        except InvalidTag as error:
            raise InvalidCiphertext() from error

    def scrypt(self, secret: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
        return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=dklen)


_backend: CryptoBackend | None = None


def get_backend() -> CryptoBackend:
    global _backend
    if _backend is None:
        if IS_BROWSER:
            from services.privacy.browser_crypto import BrowserBackend  # noqa: PLC0415

            _backend = BrowserBackend()
        else:
            _backend = NativeBackend()
    return _backend


def set_backend(backend: CryptoBackend | None) -> None:
    """Tests (and the browser self-test) choose a backend explicitly; None restores the default."""
    global _backend
    _backend = backend
