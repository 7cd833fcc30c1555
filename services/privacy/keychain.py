"""The OS keyring ("keychain"), where one works.

Kindred keeps a random 256-bit *wrapping key* in the OS keyring under the service name
"Kindred"; the data key is stored wrapped by it in the ``keyring`` key slot. Nothing else
goes into the keyring. The keyring is always optional: there is no backend on headless
Linux, Android, iOS or in the browser, and every function here degrades to "not
available" instead of failing.
"""

from __future__ import annotations

import base64
import functools
import logging
import os

SERVICE_NAME = "Kindred"

log = logging.getLogger(__name__)


@functools.cache
def _keyring():
    """The ``keyring`` package, imported on first use (it is slow to import and the browser
    build does not ship it: there it is None, and there is no keyring)."""
    try:
        import keyring  # noqa: PLC0415
        import keyring.errors  # noqa: PLC0415, F401
    except ImportError:
        return None
    return keyring


def _refusals() -> tuple[type[BaseException], ...]:
    return (_keyring().errors.KeyringError, RuntimeError, OSError)


def available() -> bool:
    """Whether a real keyring backend is configured (never probes by writing)."""
    keyring = _keyring()
    if keyring is None:
        return False
    from keyring.backends import chainer, fail, null  # noqa: PLC0415

    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring configuration is "no keyring"
        return False
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


def store_new_wrapping_key(username: str) -> bytes | None:
    """Create a wrapping key and keep it in the keyring. None when the keyring refuses."""
    if not available():
        return None
    key = os.urandom(32)
    try:
        _keyring().set_password(SERVICE_NAME, username, base64.b64encode(key).decode())
    except _refusals():
        log.info("the OS keyring refused to store a key; continuing with the passphrase only")
        return None
    return key


def load_wrapping_key(username: str) -> bytes | None:
    if not available():
        return None
    try:
        value = _keyring().get_password(SERVICE_NAME, username)
    except _refusals():
        return None
    if not value:
        return None
    try:
        return base64.b64decode(value)
    except ValueError:
        return None


def delete_wrapping_key(username: str) -> None:
    if not available():
        return
    try:
        _keyring().delete_password(SERVICE_NAME, username)
    except _refusals():
        pass
