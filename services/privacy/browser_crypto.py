"""AES-256-GCM and scrypt through the browser, for Python running under Pyodide.

The JavaScript half is ``pwa/kindred.mjs`` (loaded by the browser entry point as
``globalThis.kindredBridge``). AES-GCM uses the bundled ``@noble/ciphers``, which is
synchronous. WebCrypto stays available as ``mode="webcrypto"`` (the self-test checks both
against the shared vectors) but is not the default: from synchronous Python it needs
``pyodide.ffi.run_sync`` (JavaScript Promise Integration), which *suspends* this Python
stack while the promise settles, and meanwhile the event loop runs other Python tasks. An
encryption inside a database transaction then let a second transaction start beside it
("database is locked" after a sync-file import), followed by a Pyodide fatal error (issue 17).
Nothing may interleave with a call that looks synchronous.
scrypt always comes from the bundled ``@noble/hashes``: WebCrypto offers no scrypt.
"""

from __future__ import annotations

from services.privacy.backends import InvalidCiphertext


def _u8(data: bytes):
    from pyodide.ffi import to_js  # noqa: PLC0415

    return to_js(data)


def _bytes(value) -> bytes:
    return bytes(value.to_py())


class BrowserBackend:
    def __init__(self, mode: str = "auto") -> None:
        """mode: "auto" (= "noble"), "webcrypto" (needs JSPI; suspends Python, see above) or "noble"."""
        from pyodide.ffi import can_run_sync  # noqa: PLC0415

        from services.platform import _bridge  # noqa: PLC0415

        self._bridge = _bridge()
        if mode == "auto":
            mode = "noble"
        if mode == "webcrypto" and not can_run_sync():
            raise RuntimeError("WebCrypto from synchronous Python needs JavaScript Promise Integration")
        self.mode = mode
        self.name = f"browser-{mode}"

    def aesgcm_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        if self.mode == "webcrypto":
            from pyodide.ffi import run_sync  # noqa: PLC0415

            return _bytes(run_sync(self._bridge.webcryptoSeal(_u8(key), _u8(nonce), _u8(plaintext), _u8(aad))))
        return _bytes(self._bridge.nobleSeal(_u8(key), _u8(nonce), _u8(plaintext), _u8(aad)))

    def aesgcm_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        from pyodide.ffi import JsException, run_sync  # noqa: PLC0415

        try:
            if self.mode == "webcrypto":
                result = run_sync(self._bridge.webcryptoOpen(_u8(key), _u8(nonce), _u8(ciphertext), _u8(aad)))
            else:
                result = self._bridge.nobleOpen(_u8(key), _u8(nonce), _u8(ciphertext), _u8(aad))
        except JsException as error:  # WebCrypto: OperationError; noble: "invalid tag"
            raise InvalidCiphertext() from error
        return _bytes(result)

    def scrypt(self, secret: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
        return _bytes(self._bridge.scrypt(_u8(secret), _u8(salt), n, r, p, dklen))
