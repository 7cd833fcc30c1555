"""The OS keyring ("keychain"), where one works.

Kindred keeps a random 256-bit *wrapping key* in the OS keyring under the service name
"Kindred"; the data key is stored wrapped by it in the ``keyring`` key slot. Nothing else
goes into the keyring. The keyring is always optional: there is no backend on headless
Linux, Android, iOS or in the browser, and every function here degrades to "not
available" instead of failing.
"""

from __future__ import annotations

import base64
import logging
import os

import keyring
import keyring.errors
from keyring.backends import chainer, fail, null

SERVICE_NAME = "Kindred"

log = logging.getLogger(__name__)


def available() -> bool:
    """Whether a real keyring backend is configured (never probes by writing)."""
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
        keyring.set_password(SERVICE_NAME, username, base64.b64encode(key).decode())
    except (keyring.errors.KeyringError, RuntimeError, OSError):
        log.info("the OS keyring refused to store a key; continuing with the passphrase only")
        return None
    return key


def load_wrapping_key(username: str) -> bytes | None:
    if not available():
        return None
    try:
        value = keyring.get_password(SERVICE_NAME, username)
    except (keyring.errors.KeyringError, RuntimeError, OSError):
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
        keyring.delete_password(SERVICE_NAME, username)
    except (keyring.errors.KeyringError, RuntimeError, OSError):
        pass
