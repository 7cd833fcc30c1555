"""Shared helpers for the privacy tests."""

from __future__ import annotations

import pytest

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


def write_under_old_key(database, kind: str, record_id: str, payload: dict, when=None, key: bytes | None = None) -> bytes:
    """Write a record the way a stale window did before key epochs existed: sealed under
    a data key that is no longer the store's (a fresh random one unless ``key`` is given),
    straight into ``private_record``. Returns that key."""
    from datetime import datetime, timezone

    from services.models import PrivateRecord
    from services.privacy import crypto

    key = key or crypto.new_data_key()
    moment = when or datetime.now(timezone.utc)
    sealed = crypto.seal(key, crypto.dumps_payload(payload), crypto.record_aad(kind, record_id))
    with database.transaction() as session:
        session.merge(
            PrivateRecord(id=record_id, kind=kind, occurred_at=moment, created_at=moment, updated_at=moment, ciphertext=sealed)
        )
    return key


def private_rows(database) -> dict[str, bytes]:
    """Every row of ``private_record`` as it is on disk: id -> ciphertext."""
    from sqlalchemy import select

    from services.models import PrivateRecord

    with database.transaction() as session:
        return {row.id: bytes(row.ciphertext) for row in session.scalars(select(PrivateRecord))}


@pytest.fixture
def env(monkeypatch):
    """The CLI, non-interactive, with the passphrase in $KINDRED_PASSPHRASE."""
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("cli.common.stdin_is_interactive", lambda: False)


def run(data_dir, *args) -> int:
    """``kindred --data-dir DATA_DIR ARGS…`` in this process; its exit status."""
    from cli import main as kindred

    return kindred(["--data-dir", str(data_dir), *args])
