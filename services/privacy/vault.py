"""The vault: sets up the data key and unlocks it.

The data key is random and never leaves this process unwrapped. It is stored wrapped
under every way of unlocking: always a passphrase and a one-time recovery code (scrypt),
and a random key kept in the OS keyring where a keyring backend works. Changing the
passphrase re-wraps the key; it never re-encrypts data.

Which key is current is kept in ``key_epoch`` (its id, derived from the key, and an
epoch renewed on set-up and restore); every store checks it on every read and write
(see ``services/privacy/store.py``).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from sqlalchemy import delete, select, text

from services.i18n import N_, _
from services.models import (
    KeyEpoch, KeySlot, PrivateRecord, PrivateSummary, RecordGeneration, SetAsideRecord, SyncMeta, SyncRecord, SyncSeen,
)
from services.privacy import crypto, keychain
from services.privacy.store import KEY_EPOCH_ROW, PrivateStore, StaleKeyError
from services.storage import Database

MIN_PASSPHRASE_LENGTH = 8


class VaultError(Exception):
    """A problem the person can act on (message is for them)."""


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise VaultError(_("Choose a passphrase of at least {n} characters.").format(n=MIN_PASSPHRASE_LENGTH))


class PrivateVault:
    def __init__(self, database: Database):
        self._db = database

    def _slots(self) -> dict[str, KeySlot]:
        with self._db.transaction() as session:
            return {slot.method: slot for slot in session.scalars(select(KeySlot))}

    def is_set_up(self) -> bool:
        return "passphrase" in self._slots()

    def _store_slot(self, session, method: str, data_key: bytes, secret: str) -> None:
        secret = crypto.normalise_passphrase(secret)
        params = crypto.new_kdf_params()
        wrapped = crypto.wrap_key(data_key, crypto.derive_key(secret, params), method)
        existing = session.scalar(select(KeySlot).where(KeySlot.method == method))
        if existing is None:
            session.add(KeySlot(method=method, kdf=json.dumps(params), wrapped_key=wrapped, created_at=datetime.now(timezone.utc)))
        else:
            existing.kdf = json.dumps(params)
            existing.wrapped_key = wrapped

    def set_up(self, passphrase: str, use_keyring: bool = True) -> tuple[PrivateStore, str]:
        """Create the data key. Returns the unlocked store and the one-time recovery code.

        Where an OS keyring works (and ``use_keyring``), a third slot wraps the data key
        under a random key kept in the keyring.
        """
        check_passphrase(passphrase)
        if self.is_set_up():
            raise VaultError(N_("Kindred is already set up on this device; unlock it instead."))
        return self._create(crypto.new_data_key(), passphrase, use_keyring)

    def _create(self, data_key: bytes, passphrase: str, use_keyring: bool) -> tuple[PrivateStore, str]:
        recovery_code = crypto.new_recovery_code()
        epoch = uuid.uuid4().hex
        with self._db.transaction() as session:
            self._store_slot(session, "passphrase", data_key, passphrase)
            self._store_slot(session, "recovery", data_key, recovery_code)
            if use_keyring:
                self._add_keyring_slot(session, data_key)
            session.merge(KeyEpoch(id=KEY_EPOCH_ROW, key_id=crypto.key_id(data_key), epoch=epoch, changed_at=datetime.now(timezone.utc)))
        return PrivateStore(self._db, data_key, epoch), recovery_code

    def recovery_slot(self) -> dict | None:
        """The recovery slot as stored (scrypt settings and the wrapped data key): what a
        second device needs, with the recovery code, to get the same data key. Opens only
        with the code."""
        slot = self._slots().get("recovery")
        if slot is None:
            return None
        # ``created``: when this code was made here (a re-wrap of the same code keeps it).
        return {"kdf": json.loads(slot.kdf), "wrapped_key": bytes(slot.wrapped_key), "created": str(slot.created_at)}

    def adopt_recovery_slot(self, store: PrivateStore, slot: dict) -> None:
        """Keep another device's recovery slot (a newer recovery code made there) in place of
        this device's: the old code stops opening this device. The caller has checked that
        the slot belongs to this data key (its stamp, see ``services/devices/folder.py``)."""
        try:
            kdf = crypto.checked_kdf_params(slot["kdf"])
            wrapped = bytes(slot["wrapped_key"])
        except (ValueError, TypeError, KeyError) as error:
            raise VaultError(_("The recovery key settings are not valid ({error}). Nothing was changed.").format(error=error)) from None
        with self._db.transaction() as session:
            existing = session.scalar(select(KeySlot).where(KeySlot.method == "recovery"))
            if existing is None:
                session.add(KeySlot(method="recovery", kdf=json.dumps(kdf), wrapped_key=wrapped,
                                    created_at=datetime.now(timezone.utc)))
            else:
                existing.kdf, existing.wrapped_key = json.dumps(kdf), wrapped
            session.flush()
            store.verify_current(session)

    def backup_slots(self) -> list[dict]:
        """The passphrase and recovery slots as stored, for automatic backups (they open with
        either secret, never without one)."""
        slots = self._slots()
        return [{"method": method, "kdf": json.loads(slots[method].kdf), "wrapped_key": bytes(slots[method].wrapped_key)}
                for method in ("passphrase", "recovery") if method in slots]

    @staticmethod
    def unwrap_recovery_slot(slot: dict, code: str) -> bytes:
        """The data key from a recovery slot (see ``recovery_slot``) and its code; raises
        ``WrongSecret`` or ``VaultError`` (settings not valid)."""
        try:
            params = crypto.checked_kdf_params(slot["kdf"])
        except (ValueError, TypeError, KeyError) as error:
            raise VaultError(_("The key settings are not valid ({error}). Nothing was changed.").format(error=error)) from None
        kek = crypto.derive_key(crypto.normalise_passphrase(crypto.normalise_recovery_code(code)), params)
        return crypto.unwrap_key(slot["wrapped_key"], kek, "recovery")

    def join(self, data_key: bytes, passphrase: str, recovery_code: str | None = None, use_keyring: bool = True,
             recovery_slot: dict | None = None) -> PrivateStore:
        """Set this device up with another device's data key (proved with the recovery code,
        or a one-time pairing code): its own passphrase, the same recovery code — wrapped anew
        from ``recovery_code``, or ``recovery_slot`` (the other device's, as stored) kept as it
        is when this device never saw the code. Refused on a device that is set up."""
        check_passphrase(passphrase)
        if self.is_set_up():
            raise VaultError(N_("Kindred is already set up on this device; unlock it instead."))
        if recovery_code is None:
            if recovery_slot is None:
                raise VaultError(_("Joining needs the recovery code or the other device's recovery slot."))
            try:
                kdf = crypto.checked_kdf_params(recovery_slot["kdf"])
                wrapped = bytes(recovery_slot["wrapped_key"])
            except (ValueError, TypeError, KeyError) as error:
                raise VaultError(_("The recovery key settings are not valid ({error}). Nothing was changed.").format(error=error)) from None
        epoch = uuid.uuid4().hex
        with self._db.transaction() as session:
            self._store_slot(session, "passphrase", data_key, passphrase)
            if recovery_code is None:
                session.add(KeySlot(method="recovery", kdf=json.dumps(kdf), wrapped_key=wrapped,
                                    created_at=datetime.now(timezone.utc)))
            else:
                self._store_slot(session, "recovery", data_key, crypto.normalise_recovery_code(recovery_code))
            if use_keyring:
                self._add_keyring_slot(session, data_key)
            session.merge(KeyEpoch(id=KEY_EPOCH_ROW, key_id=crypto.key_id(data_key), epoch=epoch, changed_at=datetime.now(timezone.utc)))
        return PrivateStore(self._db, data_key, epoch)

    def _open_store(self, data_key: bytes) -> PrivateStore:
        """A store for a key just unwrapped from a slot, with the current epoch.

        A store set up before migration p0003 has no ``key_epoch`` row yet: the passphrase
        slot's key is the current one, so it is recorded now. A key that is not the
        current one (a slot read just before another window reset everything) is refused.
        """
        kid = crypto.key_id(data_key)
        with self._db.transaction() as session:
            row = session.get(KeyEpoch, KEY_EPOCH_ROW)
            if row is None:
                if session.scalar(select(KeySlot.id).where(KeySlot.method == "passphrase")) is None:
                    raise VaultError(N_("Kindred is not set up on this device yet."))
                row = KeyEpoch(id=KEY_EPOCH_ROW, key_id=kid, epoch=uuid.uuid4().hex, changed_at=datetime.now(timezone.utc))
                session.add(row)
            elif row.key_id != kid:
                raise StaleKeyError()
            return PrivateStore(self._db, data_key, row.epoch)

    # --- the OS keyring ---------------------------------------------------------------
    @staticmethod
    def keyring_available() -> bool:
        return keychain.available()

    def _add_keyring_slot(self, session, data_key: bytes) -> bool:
        username = f"data-key-{uuid.uuid4().hex}"
        wrapping_key = keychain.store_new_wrapping_key(username)
        if wrapping_key is None:
            return False
        params = {"algorithm": "keyring", "service": keychain.SERVICE_NAME, "username": username}
        session.add(
            KeySlot(
                method="keyring",
                kdf=json.dumps(params),
                wrapped_key=crypto.wrap_key(data_key, wrapping_key, "keyring"),
                created_at=datetime.now(timezone.utc),
            )
        )
        return True

    def has_keyring_slot(self) -> bool:
        return "keyring" in self._slots()

    def unlock_with_keyring(self) -> PrivateStore | None:
        """The store, if the OS keyring still holds this device's key; else None."""
        slot = self._slots().get("keyring")
        if slot is None:
            return None
        wrapping_key = keychain.load_wrapping_key(json.loads(slot.kdf)["username"])
        if wrapping_key is None:
            return None
        try:
            data_key = crypto.unwrap_key(slot.wrapped_key, wrapping_key, "keyring")
        except crypto.WrongSecret:
            return None
        return self._open_store(data_key)

    def _unlock_slot(self, method: str, secret: str) -> PrivateStore:
        slot = self._slots().get(method)
        if slot is None:
            raise VaultError(N_("Kindred is not set up on this device yet."))
        try:
            params = crypto.checked_kdf_params(json.loads(slot.kdf))
        except (ValueError, TypeError) as error:
            raise VaultError(
                _("Kindred's key settings on this device are not valid ({error}); the file may have been "
                  "changed. Nothing was changed. Restore a backup, or a copy from the snapshots folder.").format(error=error)) from None
        forms = crypto.passphrase_forms(secret)
        for index, form in enumerate(forms):
            try:
                data_key = crypto.unwrap_key(slot.wrapped_key, crypto.derive_key(form, params), method)
            except crypto.WrongSecret:
                if index == len(forms) - 1:
                    raise
                continue
            if index > 0 or not crypto.is_current(params):
                # An older slot (weaker settings, or the passphrase as typed, not NFC): re-wrap it now.
                with self._db.transaction() as session:
                    self._store_slot(session, method, data_key, form)
            return self._open_store(data_key)
        raise crypto.WrongSecret()

    def unlock(self, passphrase: str) -> PrivateStore:
        """Raises ``WrongSecret`` for a wrong passphrase; nothing is changed either way."""
        return self._unlock_slot("passphrase", passphrase)

    def unlock_with_recovery_code(self, code: str) -> PrivateStore:
        return self._unlock_slot("recovery", crypto.normalise_recovery_code(code))

    def verify_passphrase(self, passphrase: str) -> bool:
        """Asked again before plain exports and backups; changes nothing."""
        try:
            self.unlock(passphrase).lock()
            return True
        except crypto.WrongSecret:
            return False

    def change_passphrase(self, store: PrivateStore, new_passphrase: str) -> None:
        """Re-wrap the same data key: every window stays unlocked and valid. Refused
        (``StaleKeyError``) for a store whose key is no longer the current one."""
        check_passphrase(new_passphrase)
        with self._db.transaction() as session:
            self._store_slot(session, "passphrase", store.data_key, new_passphrase)
            session.flush()
            store.verify_current(session)

    def replace_recovery_code(self, store: PrivateStore) -> str:
        """A new one-time recovery code for the same data key; the old code stops working
        at once on this device, and on linked devices once they have synced with it (the
        slot travels, newest first: ``services/devices/sync.py``). Returns the new code
        (show it once)."""
        code = crypto.new_recovery_code()
        with self._db.transaction() as session:
            self._store_slot(session, "recovery", store.data_key, code)
            slot = session.scalar(select(KeySlot).where(KeySlot.method == "recovery"))
            slot.created_at = datetime.now(timezone.utc)  # a new code, not a re-wrap of the old one
            session.flush()
            store.verify_current(session)
        return code

    def delete_everything(self) -> None:
        """Remove every private record (also those kept aside), every key slot, the
        current key's id (so every open window is stale) and the keyring entry.

        Device preferences (theme, crisis-line country) stay so that help keeps working.
        Afterwards the file is vacuumed and the WAL truncated, so the deleted ciphertext
        and wrapped keys do not linger in free pages.
        """
        slots = self._slots()
        with self._db.transaction() as session:
            session.execute(delete(PrivateRecord))
            session.execute(delete(SetAsideRecord))
            session.execute(delete(KeySlot))
            session.execute(delete(KeyEpoch))
            session.execute(delete(SyncRecord))
            session.execute(delete(SyncSeen))
            session.execute(delete(SyncMeta))
            session.execute(delete(PrivateSummary))  # derived from the records: goes with them
            session.execute(delete(RecordGeneration))  # after the records (their deletion bumps it)
        keyring_slot = slots.get("keyring")
        if keyring_slot is not None:
            keychain.delete_wrapping_key(json.loads(keyring_slot.kdf)["username"])
        with self._db.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM"))
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
