"""Encrypted backups: one authenticated, versioned file with all of a person's private data.

File format (version 1), all integers big-endian::

    b"KINDRED-BACKUP\\n"            15 bytes, the magic
    header length                   4 bytes
    header                          JSON, UTF-8 (not secret, but authenticated)
    body                            12-byte nonce || AES-256-GCM(zlib(JSON payload))

The header carries the format version, the creation time, the scrypt parameters and salt,
the body's length and a *key check* (a short AES-GCM seal under the backup key), so that a
wrong passphrase can be told apart from a damaged file. The body's associated data is the
magic, the header length and the header itself: changing any byte anywhere — created date,
KDF parameters, body — makes the file fail to open.

The backup key is derived from the person's NFC-normalised passphrase with scrypt (N=2^17, r=8, p=1, a
fresh 16-byte salt per file). The payload holds every private record (id, kind, times,
payload) in plain JSON *inside* the encryption; counts per kind are inside too, so nothing
about the person's data is readable without the passphrase. Records that do not decrypt
under the current key (kept aside, or found unreadable now) are carried as they are, still
encrypted, in ``kept_aside`` (base64); restoring brings them back as kept aside. Older
Kindred versions ignore that list.

Restoring never changes anything until the whole file has been read, authenticated and
decoded; then it snapshots the current database file into ``<data dir>/snapshots/`` and
replaces every record in one transaction.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from services.i18n import N_, _
from services.private_files import create_private_file, read_limited, write_private_file
from services.privacy import crypto
from services.privacy.store import PrivateRecordView, PrivateStore, RawRecord
from services.privacy.vault import PrivateVault, VaultError
from services.storage import Database
from services.version import __version__

MAGIC = b"KINDRED-BACKUP\n"
FORMAT_VERSION = 2  # the newest this Kindred reads
PASSPHRASE_VERSION = 1  # backups locked with a passphrase (what `backup create` writes)
SLOTS_VERSION = 2  # automatic backups: locked by the data key, opened through its key slots
AUTO_BACKUP_KEY_LABEL = b"kindred/auto-backup/v1"
FILE_SUFFIX = ".kindred-backup"
KEY_CHECK_PLAINTEXT = b"kindred-backup-key-check"
KEY_CHECK_AAD = b"kindred/backup-key-check/v1"
MAX_HEADER_BYTES = 64 * 1024
SNAPSHOT_DIR = "snapshots"


class BackupError(Exception):
    """The file cannot be used; the message says why, in plain words. Nothing was changed."""


class BackupWrongPassphrase(BackupError):
    pass


@dataclass(frozen=True)
class BackupSummary:
    created_at: datetime
    app_version: str
    counts: dict[str, int]
    kept_aside: int = 0  # records carried as they were (they did not decrypt when it was made)
    first: datetime | None = None  # the earliest and latest record dates (the review before a restore)
    last: datetime | None = None
    device: str | None = None  # the device that made it, where the backup says
    automatic: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class OpenedBackup:
    summary: BackupSummary
    records: list[PrivateRecordView] = field(repr=False)
    kept_aside: list[RawRecord] = field(default_factory=list, repr=False)  # still encrypted, as they were


@dataclass(frozen=True)
class CreatedBackup:
    data: bytes = field(repr=False)
    written: int  # records that decrypt, in the backup readable
    kept_aside: int  # records that do not decrypt: in the backup as they are, still encrypted


@dataclass(frozen=True)
class RestoreResult:
    restored: int
    store: PrivateStore
    snapshot_path: Path | None  # the data as it was just before, kept in the data folder
    recovery_code: str | None  # set on a fresh device: a new one-time recovery code


# --- writing --------------------------------------------------------------------------
def _record_to_json(record: PrivateRecordView) -> dict:
    return {
        "id": record.id,
        "kind": record.kind,
        "occurred_at": record.occurred_at.isoformat(),
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "payload": record.payload,
    }


def _record_from_json(item: dict) -> PrivateRecordView:
    return PrivateRecordView(
        id=str(item["id"]),
        kind=str(item["kind"]),
        occurred_at=datetime.fromisoformat(item["occurred_at"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]),
        payload=item["payload"],
    )


def _raw_to_json(raw: RawRecord) -> dict:
    return {
        "id": raw.record_id,
        "kind": raw.kind,
        "occurred_at": raw.occurred_at.isoformat(),
        "created_at": raw.created_at.isoformat(),
        "updated_at": raw.updated_at.isoformat(),
        "set_aside_at": raw.set_aside_at.isoformat() if raw.set_aside_at else None,
        "ciphertext": base64.b64encode(raw.ciphertext).decode("ascii"),
    }


def _raw_from_json(item: dict) -> RawRecord:
    return RawRecord(
        record_id=str(item["id"]),
        kind=str(item["kind"]),
        occurred_at=datetime.fromisoformat(item["occurred_at"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]),
        ciphertext=base64.b64decode(item["ciphertext"], validate=True),
        set_aside_at=datetime.fromisoformat(item["set_aside_at"]) if item.get("set_aside_at") else None,
    )


def encode_backup(
    records: list[PrivateRecordView], passphrase: str, kdf_params: dict | None = None, kept_aside: list[RawRecord] = (),
    device: str | None = None,
) -> bytes:
    """The backup file's bytes. ``kdf_params`` exists for fast property tests only."""
    params = kdf_params or crypto.new_kdf_params()
    passphrase = crypto.normalise_passphrase(passphrase)
    key = crypto.derive_key(passphrase, params)
    created_at = datetime.now(timezone.utc)
    payload = _payload(records, kept_aside, device, created_at)
    return _seal_body(payload, _header(PASSPHRASE_VERSION, created_at, kdf=params), key)


def _payload(records: list[PrivateRecordView], kept_aside: list[RawRecord], device: str | None,
             created_at: datetime) -> dict:
    """What every backup holds: the records as stored, counts per kind, which device made it."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    return {
        "created_at": created_at.isoformat(),
        "counts": counts,
        "device": device or this_device_name(),
        "records": [_record_to_json(r) for r in records],
        "kept_aside": [_raw_to_json(r) for r in kept_aside],
    }


def _header(version: int, created_at: datetime, **fields) -> dict:
    return {"format": "kindred-backup", "version": version, "created_at": created_at.isoformat(),
            "app_version": __version__, "cipher": "AES-256-GCM", "compression": "zlib", **fields}


def _seal_body(payload: dict, header: dict, key: bytes) -> bytes:
    compressed = zlib.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)
    header["body_bytes"] = crypto.NONCE_BYTES + len(compressed) + 16
    header["key_check"] = crypto.seal(key, KEY_CHECK_PLAINTEXT, KEY_CHECK_AAD).hex()
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    prefix = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    return prefix + crypto.seal(key, compressed, prefix)


def this_device_name() -> str:
    import socket

    return (socket.gethostname() or "this device")[:60]


def auto_backup_key(data_key: bytes) -> bytes:
    import hashlib
    import hmac

    return hmac.new(data_key, AUTO_BACKUP_KEY_LABEL, hashlib.sha256).digest()


def encode_backup_with_slots(
    records: list[PrivateRecordView], data_key: bytes, slots: list[dict], kept_aside: list[RawRecord] = (),
    device: str | None = None,
) -> bytes:
    """An automatic backup (format 2): no passphrase is asked, so the body is locked with a key
    derived from the data key, and the header carries the key slots (the data key wrapped
    under the passphrase and under the recovery code, as the vault keeps them): it opens
    with the passphrase or the recovery code this device had when it was made."""
    created_at = datetime.now(timezone.utc)
    payload = _payload(records, kept_aside, device, created_at)
    slots_json = [{"method": slot["method"], "kdf": slot["kdf"], "wrapped_key": slot["wrapped_key"].hex()} for slot in slots]
    return _seal_body(payload, _header(SLOTS_VERSION, created_at, slots=slots_json), auto_backup_key(data_key))


def write_file_atomically(path: Path, data: bytes) -> Path:
    return write_private_file(path, data)  # 0600, fsynced, renamed


def create_backup(vault: PrivateVault, store: PrivateStore, passphrase: str, path: Path | None = None) -> CreatedBackup:
    """A backup of everything private, locked with the person's current passphrase.

    The passphrase is asked again on purpose: someone holding an unlocked phone should not
    be able to carry the data away under a passphrase of their own. Records that do not
    decrypt never stop a backup: they go in as they are (``kept_aside`` counts them).
    """
    if not vault.verify_passphrase(passphrase):
        raise BackupWrongPassphrase(_("That is not your current passphrase. Nothing was written."))
    contents = store.backup_contents()
    data = encode_backup(contents.records, passphrase, kept_aside=contents.kept_aside)
    if path is not None:
        write_file_atomically(path, data)
    return CreatedBackup(data=data, written=len(contents.records), kept_aside=len(contents.kept_aside))


def default_backup_name(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"kindred-{now:%Y-%m-%d-%H%M%S}{FILE_SUFFIX}"


# --- reading --------------------------------------------------------------------------
def _parse(data: bytes) -> tuple[dict, bytes, bytes]:
    if not data:
        raise BackupError(N_("This file is empty: it is not a Kindred backup. Nothing was changed."))
    if len(data) < len(MAGIC) or not data.startswith(MAGIC):
        if MAGIC.startswith(data[: len(MAGIC)]) and len(data) < len(MAGIC) + 4:
            raise BackupError(N_("This backup file is incomplete (it was cut short). Nothing was changed."))
        raise BackupError(N_("This is not a Kindred backup file. Nothing was changed."))
    if len(data) < len(MAGIC) + 4:
        raise BackupError(N_("This backup file is incomplete (it was cut short). Nothing was changed."))
    (header_length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    if header_length > MAX_HEADER_BYTES:
        raise BackupError(N_("This backup file is damaged: its header is not valid. Nothing was changed."))
    header_end = len(MAGIC) + 4 + header_length
    if len(data) < header_end:
        raise BackupError(N_("This backup file is incomplete (it was cut short). Nothing was changed."))
    try:
        header = json.loads(data[len(MAGIC) + 4 : header_end].decode("utf-8"))
        if header.get("format") != "kindred-backup":
            raise ValueError("format")
        version = int(header["version"])
        body_bytes = int(header["body_bytes"])
        bytes.fromhex(header["key_check"])
        if version > FORMAT_VERSION:
            pass  # refused below, with advice
        elif version >= SLOTS_VERSION:
            if not isinstance(header["slots"], list) or not header["slots"]:
                raise ValueError("slots")
        else:
            header["kdf"]["salt"]  # noqa: B018 - presence check
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise BackupError(N_("This backup file is damaged: its header is not valid. Nothing was changed.")) from None
    if version > FORMAT_VERSION:
        raise BackupError(
            _("This backup was made by a newer version of Kindred (format {version}). Update Kindred, "
              "then try again.").format(version=version)
        )
    body = data[header_end:]
    if len(body) < body_bytes:
        raise BackupError(N_("This backup file is incomplete (it was cut short). Nothing was changed."))
    if len(body) > body_bytes:
        raise BackupError(N_("This backup file has extra data at the end: it was changed after it was made. Nothing "
                             "was changed."))
    return header, data[:header_end], body


def read_backup(data: bytes, passphrase: str) -> OpenedBackup:
    """Authenticate and decode a backup. Raises ``BackupError`` with a plain reason."""
    header, prefix, body = _parse(data)
    key = _key_from_slots(header, passphrase) if int(header["version"]) >= SLOTS_VERSION else _key_from_passphrase(header, passphrase)
    return _open_body(header, prefix, body, key)


def _key_from_slots(header: dict, secret: str) -> bytes:
    """The automatic backup's key: the data key from its passphrase slot (the passphrase of
    then) or its recovery slot (the recovery code of then)."""
    for slot in header["slots"]:
        try:
            method = slot["method"]
            params = crypto.checked_kdf_params(slot["kdf"])
            wrapped = bytes.fromhex(slot["wrapped_key"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError(N_("This backup file is damaged: its key settings are not valid. Nothing was changed.")) from None
        if method not in ("passphrase", "recovery"):
            continue
        forms = crypto.passphrase_forms(secret) if method == "passphrase" else [crypto.normalise_recovery_code(secret)]
        for form in forms:
            try:
                data_key = crypto.unwrap_key(wrapped, crypto.derive_key(form, params), method)
            except crypto.WrongSecret:
                continue
            key = auto_backup_key(data_key)
            try:
                crypto.open_sealed(key, bytes.fromhex(header["key_check"]), KEY_CHECK_AAD)
            except crypto.DecryptionError:
                raise BackupError(N_("This backup file was changed or damaged after it was made. Nothing was changed.")) from None
            return key
    raise BackupWrongPassphrase(
        _("Neither that passphrase nor that recovery code opens this automatic backup. Use the "
          "passphrase (or the recovery code) this device had when it was made. Nothing was changed."))


def _key_from_passphrase(header: dict, passphrase: str) -> bytes:
    try:
        params = crypto.checked_kdf_params(header["kdf"])  # before any work: p=600 would cost a minute
    except (ValueError, KeyError, TypeError):
        raise BackupError(N_("This backup file is damaged: its key settings are not valid. Nothing was changed.")) from None
    for form in crypto.passphrase_forms(passphrase):  # NFC first; backups made before it used the bytes as typed
        key = crypto.derive_key(form, params)
        try:
            crypto.open_sealed(key, bytes.fromhex(header["key_check"]), KEY_CHECK_AAD)
            return key
        except crypto.DecryptionError:
            continue
    else:
        raise BackupWrongPassphrase(
            _("That passphrase does not open this backup. Use the passphrase you had when the backup "
              "was made. Nothing was changed.")
        ) from None


def _open_body(header: dict, prefix: bytes, body: bytes, key: bytes) -> OpenedBackup:
    try:
        compressed = crypto.open_sealed(key, body, prefix)
    except crypto.DecryptionError:
        raise BackupError(N_("This backup file was changed or damaged after it was made, so it cannot be trusted. "
                             "Nothing was changed.")) from None
    try:
        payload = json.loads(zlib.decompress(compressed).decode("utf-8"))
        records = [_record_from_json(item) for item in payload["records"]]
        kept_aside = [_raw_from_json(item) for item in payload.get("kept_aside") or []]
        counts = {str(k): int(v) for k, v in payload["counts"].items()}
        created_at = datetime.fromisoformat(payload["created_at"])
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error, UnicodeDecodeError):
        raise BackupError(N_("This backup file's contents are not valid. Nothing was changed.")) from None
    dates = [record.occurred_at for record in records]
    device = payload.get("device")
    summary = BackupSummary(
        created_at=created_at, app_version=str(header.get("app_version", "?")), counts=counts, kept_aside=len(kept_aside),
        first=min(dates) if dates else None, last=max(dates) if dates else None,
        device=str(device)[:60] if device else None, automatic=int(header["version"]) >= SLOTS_VERSION,
    )
    return OpenedBackup(summary=summary, records=records, kept_aside=kept_aside)


MAX_BACKUP_BYTES = 2 * 1024**3


def read_backup_file(path: Path, passphrase: str) -> OpenedBackup:
    try:
        data = read_limited(Path(path), MAX_BACKUP_BYTES)
    except FileNotFoundError:
        raise BackupError(_("There is no file at {path}.").format(path=path)) from None
    except OSError as error:
        raise BackupError(_("The file {path} cannot be read: {strerror}.").format(path=path, strerror=error.strerror)) from None
    return read_backup(data, passphrase)


# --- restoring ------------------------------------------------------------------------
def snapshot_database(database: Database, data_dir: Path, reason: str = "before-restore") -> Path:
    """A consistent copy of the private database file (still encrypted, same key slots).

    To go back, quit Kindred and put this file in place of ``private.sqlite``.
    """
    folder = Path(data_dir) / SNAPSHOT_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"private-{reason}-{datetime.now():%Y-%m-%d-%H%M%S-%f}.sqlite"
    raw = database.engine.raw_connection()
    try:
        create_private_file(target)
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    return target


def restore_backup(
    vault: PrivateVault,
    database: Database,
    data_dir: Path,
    opened: OpenedBackup,
    passphrase: str,
    store: PrivateStore | None = None,
) -> RestoreResult:
    """Replace all private records with the backup's.

    On a device that is set up, ``store`` (unlocked) is required: the current data is first
    copied to a snapshot in the data folder, then replaced in one transaction; the keys and
    passphrase stay as they are. On a fresh device, Kindred is set up with ``passphrase``
    (the backup's) and a new recovery code is returned.

    The data key stays the same; the store's epoch is renewed, so every other window that
    had unlocked is stale and must unlock again (it would show data that is gone). Records
    the backup carried as they were come back kept aside.
    """
    if vault.is_set_up():
        if store is None or store.is_locked:
            raise VaultError(N_("Unlock Kindred first: restoring replaces the data that is here now."))
        store.check_current()  # a stale window must not even snapshot
        snapshot = snapshot_database(database, data_dir)
        restored = store.replace_all(opened.records, opened.kept_aside)
        return RestoreResult(restored=restored, store=store, snapshot_path=snapshot, recovery_code=None)
    new_store, code = vault.set_up(passphrase)
    restored = new_store.replace_all(opened.records, opened.kept_aside)
    return RestoreResult(restored=restored, store=new_store, snapshot_path=None, recovery_code=code)


# --- merging ------------------------------------------------------------------------------
@dataclass(frozen=True)
class MergeResult:
    added: int  # records only the backup had
    updated: int  # records the backup had in a newer version
    unchanged: int  # the same here and in the backup
    kept_newer_here: int  # records newer here (the backup's version is kept as a conflict copy)
    copies: int  # older versions kept as conflict copies (nothing is lost)
    snapshot_path: Path | None


def merge_backup(database: Database, data_dir: Path, opened: OpenedBackup, store: PrivateStore) -> MergeResult:
    """Merge a backup into the data here, record by record: a record only one side has is
    kept; where both have it, the newer (by when it was last changed) wins and the other
    version is kept whole as a conflict copy (shown in Settings, like a sync conflict). A
    snapshot of the data as it was is kept first; one transaction, all or nothing."""
    from services.devices.sync import keep_copy

    if store is None or store.is_locked:
        raise VaultError(N_("Unlock Kindred first: merging adds to the data that is here now."))
    store.check_current()
    snapshot = snapshot_database(database, data_dir, reason="before-merge")
    added = updated = unchanged = newer_here = copies = 0
    from services.models import PrivateRecord, SetAsideRecord

    with store.record_transaction() as session:
        for record in opened.records:
            row = session.get(PrivateRecord, record.id)
            here = store.open_row(row) if row is not None else None
            if here is None:
                store.write_record(session, record)  # a row that does not decrypt is kept aside first
                added += 1
                continue
            if here.kind == record.kind and here.payload == record.payload and here.occurred_at == record.occurred_at:
                unchanged += 1
                continue
            if record.updated_at > here.updated_at:
                copies += keep_copy(session, store, here, "this device")
                store.write_record(session, record)
                updated += 1
            else:
                copies += keep_copy(session, store, record, "the backup")
                newer_here += 1
        present = {(row.record_id, bytes(row.ciphertext)) for row in session.query(SetAsideRecord)}
        now = datetime.now(timezone.utc)
        for raw in opened.kept_aside:
            if (raw.record_id, raw.ciphertext) in present:
                continue
            present.add((raw.record_id, raw.ciphertext))
            session.add(SetAsideRecord(record_id=raw.record_id, kind=raw.kind, occurred_at=raw.occurred_at,
                                       created_at=raw.created_at, updated_at=raw.updated_at, ciphertext=raw.ciphertext,
                                       set_aside_at=raw.set_aside_at or now))
    return MergeResult(added=added, updated=updated, unchanged=unchanged, kept_newer_here=newer_here, copies=copies,
                       snapshot_path=snapshot)
