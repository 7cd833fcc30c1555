"""The vault: sets up the data key and unlocks it.

The data key is random and never leaves this process unwrapped. It is stored wrapped
under every way of unlocking: always a passphrase and a one-time recovery code (scrypt),
and a key in the OS keyring where one works (later). Changing the passphrase re-wraps the
key; it never re-encrypts data.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select

from services.models import KeySlot
from services.privacy import crypto
from services.privacy.store import PrivateStore
from services.storage import Database

MIN_PASSPHRASE_LENGTH = 8


class VaultError(Exception):
    """A problem the person can act on (message is for them)."""


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise VaultError(f"Choose a passphrase of at least {MIN_PASSPHRASE_LENGTH} characters.")


class PrivateVault:
    def __init__(self, database: Database):
        self._db = database

    def _slots(self) -> dict[str, KeySlot]:
        with self._db.transaction() as session:
            return {slot.method: slot for slot in session.scalars(select(KeySlot))}

    def is_set_up(self) -> bool:
        return "passphrase" in self._slots()

    def _store_slot(self, session, method: str, data_key: bytes, secret: str) -> None:
        params = crypto.new_kdf_params()
        wrapped = crypto.wrap_key(data_key, crypto.derive_key(secret, params), method)
        existing = session.scalar(select(KeySlot).where(KeySlot.method == method))
        if existing is None:
            session.add(KeySlot(method=method, kdf=json.dumps(params), wrapped_key=wrapped, created_at=datetime.now(timezone.utc)))
        else:
            existing.kdf = json.dumps(params)
            existing.wrapped_key = wrapped

    def set_up(self, passphrase: str) -> tuple[PrivateStore, str]:
        """Create the data key. Returns the unlocked store and the one-time recovery code."""
        check_passphrase(passphrase)
        if self.is_set_up():
            raise VaultError("Kindred is already set up on this device; unlock it instead.")
        data_key = crypto.new_data_key()
        recovery_code = crypto.new_recovery_code()
        with self._db.transaction() as session:
            self._store_slot(session, "passphrase", data_key, passphrase)
            self._store_slot(session, "recovery", data_key, recovery_code)
        return PrivateStore(self._db, data_key), recovery_code

    def _unlock_slot(self, method: str, secret: str) -> PrivateStore:
        slot = self._slots().get(method)
        if slot is None:
            raise VaultError("Kindred is not set up on this device yet.")
        params = json.loads(slot.kdf)
        data_key = crypto.unwrap_key(slot.wrapped_key, crypto.derive_key(secret, params), method)
        return PrivateStore(self._db, data_key)

    def unlock(self, passphrase: str) -> PrivateStore:
        """Raises ``WrongSecret`` for a wrong passphrase; nothing is changed either way."""
        return self._unlock_slot("passphrase", passphrase)

    def unlock_with_recovery_code(self, code: str) -> PrivateStore:
        return self._unlock_slot("recovery", crypto.normalise_recovery_code(code))

    def change_passphrase(self, store: PrivateStore, new_passphrase: str) -> None:
        check_passphrase(new_passphrase)
        with self._db.transaction() as session:
            self._store_slot(session, "passphrase", store.data_key, new_passphrase)
