"""Shared helpers for the privacy tests."""

from __future__ import annotations

from jaraco.classes import properties
from keyring.backend import KeyringBackend

CANARY = "CANARY-7f3a9c-private-words"
PASSPHRASE = "correct horse battery staple"


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring backend: the keyring path without an OS keychain."""

    @properties.classproperty
    def priority(cls):
        # Not "viable" for keyring's automatic discovery: only tests that ask for it
        # (keyring.set_keyring) get it; every other test sees the machine's real (absent) keyring.
        raise RuntimeError("an in-memory keyring is for tests that ask for it")

    def __init__(self):
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


def raw_bytes(path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")
