"""Folder sync: merge a person's private records between their devices, record by record.

How it works (one ``FolderSync.sync()``):

1. **Capture.** Every record in the private store is compared with the version last
   written or merged (``sync_record``: a keyed digest of its content). A record that changed
   here gets a new version: this device's entry in its *version vector* is set to a new
   hybrid-logical-clock time (``hlc.py``). A record that is gone gets a *tombstone* (a
   version that says "deleted"), so that the deletion travels too.
2. **Merge.** Every change file in the folder not merged yet is read; one that does not
   open (still being copied, cut short) is left for next time. Each file is merged in one
   transaction together with the note that it was merged: a ``kill -9`` leaves either the
   whole file merged or none of it, and merging the same file again changes nothing.
   For each record: a version whose vector is behind ours is ignored, one ahead of ours is
   taken. Two versions made without knowing of each other (edited on both devices
   offline) are a **conflict**: the later one by (clock, device id) wins — the same choice
   on every device — and the other is kept whole as a ``sync_conflict`` record with an id
   derived from the version, so every device keeps the same single copy, shown in Settings.
   An edit that loses to a deletion is kept the same way; nothing is lost.
3. **Publish.** The versions made or merged here since the last write go into one new
   change file (``folder.py``: random name, encrypted, padded, written atomically). When a
   device has more than a few files of its own, it writes one file with everything it
   knows and removes its older ones.

Records of the kinds in ``LOCAL_KINDS`` (the PIN, auto-lock, biometrics) belong to one
device and never travel. Records that do not decrypt here are never sent and never deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import delete, func, select

from services.devices import folder as files
from services.devices.folder import SyncFolderError
from services.devices.hlc import HybridClock, wall_ms
from services.models import PrivateRecord, SetAsideRecord, SyncMeta, SyncRecord, SyncSeen
from services.privacy import crypto
from services.privacy.store import PrivateRecordView, PrivateStore
from services.privacy.vault import PrivateVault, VaultError
from services.i18n import _

LOCAL_KINDS = frozenset({"setting"})
CONFLICT_KIND = "sync_conflict"
MAX_OWN_FILES = 8
DIGEST_LABEL = b"kindred/sync-digest/v1"
META_AAD = b"kindred/sync-meta/v1|"


class JoinError(ValueError):
    """Joining a sync folder did not work; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class SyncResult:
    written: str | None  # the change file written, if any
    merged_files: int  # change files merged now
    applied: int  # versions taken from other devices
    new_conflicts: int  # conflict copies made now
    waiting: int  # files that did not open (still being copied?): left for next time
    removed_files: int = 0  # own older files replaced by a full one


@dataclass(frozen=True)
class SyncStatus:
    folder: str | None
    last_synced: datetime | None
    devices: list[dict] = field(default_factory=list)
    conflicts: int = 0
    this_device: str | None = None

    def to_json(self) -> dict:
        return {
            "folder": self.folder,
            "last_synced": self.last_synced.isoformat() if self.last_synced else None,
            "devices": self.devices,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True)
class Conflict:
    """A version that lost a conflict, kept whole."""

    id: str
    kind: str  # the kind of the record it belongs to
    record_id: str
    device: str  # the device name (or id) that made it
    updated_at: datetime
    payload: dict


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def _parse_time(value) -> datetime:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without a zone")
    return moment.astimezone(timezone.utc)


def _compare(mine: dict[str, int], theirs: dict[str, int]) -> str:
    """'same', 'after' (mine includes theirs), 'before' or 'concurrent'."""
    keys = set(mine) | set(theirs)
    less = any(mine.get(k, 0) < theirs.get(k, 0) for k in keys)
    more = any(mine.get(k, 0) > theirs.get(k, 0) for k in keys)
    if less and more:
        return "concurrent"
    if less:
        return "before"
    if more:
        return "after"
    return "same"


def _merged(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: max(a.get(k, 0), b.get(k, 0)) for k in set(a) | set(b)}


def conflict_id(record_id: str, device: str, hlc: int) -> str:
    return hashlib.sha256(f"kindred-conflict|{record_id}|{device}|{hlc}".encode()).hexdigest()[:32]


def keep_copy(session, store: PrivateStore, record: PrivateRecordView, source: str) -> int:
    """Inside ``store.record_transaction``: keep a version that lost (to a newer one from a
    backup being merged) as a ``sync_conflict`` record; 0 if that very version is kept already."""
    body = json.dumps({"o": _iso(record.occurred_at), "p": record.payload}, sort_keys=True, ensure_ascii=False)
    copy_id = hashlib.sha256(f"kindred-copy|{record.id}|{body}".encode()).hexdigest()[:32]
    if session.get(PrivateRecord, copy_id) is not None:
        return 0
    payload = {"kind": record.kind, "record_id": record.id, "device": source, "hlc": 0,
               "occurred_at": _iso(record.occurred_at), "updated_at": _iso(record.updated_at), "payload": record.payload}
    store.write_record(session, PrivateRecordView(id=copy_id, kind=CONFLICT_KIND, occurred_at=record.occurred_at,
                                                  created_at=record.updated_at, updated_at=record.updated_at, payload=payload))
    return 1


PAIRING_MINUTES = 15
MAX_PAIRING_MINUTES = 60


def default_device_name() -> str:
    return (socket.gethostname() or "This device")[:60]


class FolderSync:
    """Folder sync for one unlocked store."""

    def __init__(self, store: PrivateStore, vault: PrivateVault | None = None, now_ms: Callable[[], int] = wall_ms,
                 trace: Callable[[str], None] | None = None):
        self._store = store
        self._vault = vault
        self._now_ms = now_ms
        self._trace = trace or (lambda _message: None)
        self._digest_key = hmac.new(store.data_key, DIGEST_LABEL, hashlib.sha256).digest()

    # --- sealed settings -----------------------------------------------------------------
    def _get(self, session, key: str, default=None):
        row = session.get(SyncMeta, key)
        if row is None:
            return default
        try:
            return json.loads(crypto.open_sealed(self._store.data_key, bytes(row.value), META_AAD + key.encode()))
        except (crypto.DecryptionError, ValueError):
            return default

    def _set(self, session, key: str, value) -> None:
        sealed = crypto.seal(self._store.data_key, json.dumps(value).encode(), META_AAD + key.encode())
        row = session.get(SyncMeta, key)
        if row is None:
            session.add(SyncMeta(key=key, value=sealed))
        else:
            row.value = sealed

    def _clock(self, session) -> HybridClock:
        return HybridClock(int(self._get(session, "hlc", 0)), self._now_ms)

    # --- settings ----------------------------------------------------------------------
    @property
    def folder(self) -> Path | None:
        with self._store.record_transaction() as session:
            value = self._get(session, "folder")
        return Path(value) if value else None

    def link(self, folder: Path, device_name: str | None = None, full: bool = True) -> SyncResult:
        """Use ``folder`` for sync on this device (made if missing), write the join file and
        everything this device has, and merge what is there."""
        folder = Path(folder).expanduser().resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SyncFolderError(_("The folder {folder} cannot be made: {strerror}. Nothing was changed.").format(folder=folder, strerror=error.strerror)) from None
        if not os.access(folder, os.W_OK):
            raise SyncFolderError(_("Kindred cannot write into {folder}. Nothing was changed.").format(folder=folder))
        try:
            existing = files.read_join_file(folder)
        except SyncFolderError:
            existing = None
        if existing is not None and existing["key_id"] != self._store.key_id:
            raise SyncFolderError(
                _("{folder} already holds another Kindred's data (a different key). Choose an empty "
                  "folder, or join that data from a device that is not set up yet. Nothing was changed.").format(folder=folder))
        self._ensure_identity(device_name)
        with self._store.record_transaction() as session:
            if self._get(session, "folder") != str(folder):
                # Another folder: what was merged from the old one says nothing about this one.
                session.execute(delete(SyncSeen))
                self._set(session, "own_files", [])
                self._set(session, "folder", str(folder))
        return self.sync(full=full)

    def unlink(self) -> None:
        """Stop syncing on this device (the folder and the records stay)."""
        with self._store.record_transaction() as session:
            session.execute(delete(SyncMeta).where(SyncMeta.key.in_(["folder", "own_files", "last_synced"])))
            session.execute(delete(SyncSeen))

    # --- the recovery slot: the newest travels to every device ------------------------------
    def _local_slot(self) -> tuple[dict, dict] | None:
        """This device's recovery slot and its mark (digest, when the code was made here, and
        its stamp: clock time and device). A slot whose code was made here since it was last
        marked (``replace_recovery_code``) gets a new clock time; a slot never marked before
        gets the lowest stamp (its age is not known), so it never replaces a newer one."""
        if self._vault is None:
            return None
        slot = self._vault.recovery_slot()
        if slot is None:
            return None
        digest = files.slot_digest(slot)
        with self._store.record_transaction() as session:
            before = mark = self._get(session, "recovery_slot")
            if not isinstance(mark, dict):
                mark = {"digest": digest, "created": slot["created"], "hlc": 0, "dev": files.NO_DEVICE}
            elif mark.get("digest") != digest:
                if mark.get("created") != slot["created"]:  # a new code made on this device
                    clock = self._clock(session)
                    mark = {"digest": digest, "created": slot["created"], "hlc": clock.tick(),
                            "dev": self._get(session, "device_id") or files.NO_DEVICE}
                    self._set(session, "hlc", clock.last)
                else:  # the same code re-wrapped here (newer scrypt settings)
                    mark = {**mark, "digest": digest}
            if mark != before:
                self._set(session, "recovery_slot", mark)
        return slot, mark

    def _reconcile_slot(self, found: dict | None) -> tuple[dict, bytes] | None:
        """Compare this device's recovery slot with ``found`` (the join file's, or a sync
        file's). A found slot whose stamp opens under the data key and is newer is kept here
        (the older code stops opening this device). Returns (slot, stamp) to write out when
        this device's slot is the newer one or ``found`` is missing or not valid; else None."""
        local = self._local_slot()
        if local is None:
            return None
        slot, mark = local
        key_id = self._store.key_id
        stamp = None
        if found is not None and found.get("key_id", key_id) == key_id:
            stamp = files.open_stamp(self._store.data_key, key_id, found)
        if stamp is not None:
            mine = (int(mark["hlc"]), str(mark["dev"]))
            if stamp > mine or (stamp == mine and files.slot_digest(found) != mark["digest"]):
                try:
                    self._vault.adopt_recovery_slot(self._store, found)
                except VaultError:
                    stamp = None  # not usable: ours is written over it
                else:
                    adopted = self._vault.recovery_slot()
                    with self._store.record_transaction() as session:
                        self._set(session, "recovery_slot", {"digest": files.slot_digest(adopted),
                                                             "created": adopted["created"],
                                                             "hlc": stamp[0], "dev": stamp[1]})
                    return None
            elif stamp == mine:
                return None  # the same slot
        return slot, files.seal_stamp(self._store.data_key, key_id, slot, int(mark["hlc"]), str(mark["dev"]))

    def _write_join_file(self, folder: Path) -> None:
        """Bring the join file and this device's recovery slot to the newer of the two."""
        try:
            found = files.read_join_file(folder)
        except SyncFolderError:
            found = None
        ours = self._reconcile_slot(found)
        if ours is not None:
            files.write_join_file(folder, ours[0], self._store.key_id, ours[1])

    def share_recovery_slot(self) -> bool:
        """Right after a new recovery code: put its slot in the sync folder's join file now
        (the other devices take it at their next sync), without a whole sync. False when no
        folder is linked or it cannot be written (the next sync does it then)."""
        folder = self.folder
        if folder is None or not folder.is_dir():
            return False
        try:
            self._write_join_file(folder)
        except (OSError, SyncFolderError):
            return False
        return True

    # --- a one-time pairing code ------------------------------------------------------------
    def start_pairing(self, minutes: int = PAIRING_MINUTES) -> tuple[str, datetime]:
        """Open a pairing: a new one-time code (as long and as random as the recovery code, so
        never easier to guess) that lets one more device join through the folder for
        ``minutes``. Returns (code, expiry). A new pairing replaces an open one."""
        if not 1 <= int(minutes) <= MAX_PAIRING_MINUTES:
            raise SyncFolderError(_("A pairing code can last from 1 to {n} minutes.").format(n=MAX_PAIRING_MINUTES))
        folder = self.folder
        if folder is None:
            raise SyncFolderError(_("This device has no sync folder yet. Choose one first (`kindred devices link FOLDER`)."))
        if not folder.is_dir():
            raise SyncFolderError(_("The sync folder {folder} is not there (is the drive connected, or was it moved?).").format(folder=folder))
        code = crypto.new_recovery_code()
        expires_ms = self._now_ms() + int(minutes) * 60_000
        params = crypto.new_kdf_params()
        kek = crypto.derive_key(crypto.normalise_passphrase(crypto.normalise_recovery_code(code)), params)
        wrapped = crypto.wrap_key(self._store.data_key, kek, files.pair_method(expires_ms))
        try:
            self._write_join_file(folder)  # the joining device keeps the same recovery code
            files.write_pair_file(folder, params, wrapped, self._store.key_id, expires_ms)
        except OSError as error:
            raise SyncFolderError(_("Kindred cannot write into {folder}: {detail}.").format(folder=folder, detail=error.strerror or error)) from None
        return code, datetime.fromtimestamp(expires_ms / 1000, timezone.utc)

    def pairing_open_until(self) -> datetime | None:
        """When the open pairing ends (None: none open, or it has ended)."""
        folder = self.folder
        pairing = files.read_pair_file(folder) if folder is not None else None
        if pairing is None or pairing["key_id"] != self._store.key_id or pairing["expires"] < self._now_ms():
            return None
        return datetime.fromtimestamp(pairing["expires"] / 1000, timezone.utc)

    def cancel_pairing(self) -> None:
        folder = self.folder
        if folder is not None:
            files.remove_pair_file(folder)

    def _drop_expired_pairing(self, folder: Path) -> None:
        pairing = files.read_pair_file(folder)
        if pairing is not None and pairing["expires"] < self._now_ms():
            files.remove_pair_file(folder)

    # --- the record versions --------------------------------------------------------------
    def _digest(self, kind: str, record_id: str, occurred_at: datetime, payload: dict) -> str:
        body = json.dumps({"k": kind, "i": record_id, "o": _iso(occurred_at), "p": payload},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return hmac.new(self._digest_key, body, hashlib.sha256).hexdigest()

    def _capture_row(self, session, clock: HybridClock, me: str, row: PrivateRecord, meta: SyncRecord | None) -> SyncRecord | None:
        if row.kind in LOCAL_KINDS:
            return meta
        sealed = hashlib.sha256(bytes(row.ciphertext)).hexdigest()
        if meta is not None and not meta.deleted and meta.sealed == sealed and meta.kind == row.kind:
            return meta  # the very bytes captured last time: unchanged, nothing to decrypt
        view = self._store.open_row(row)
        if view is None:
            return meta  # does not decrypt here: never sent, never judged
        digest = self._digest(view.kind, view.id, view.occurred_at, view.payload)
        if meta is not None and not meta.deleted and meta.digest == digest and meta.kind == view.kind:
            meta.sealed = sealed
            return meta
        vv = json.loads(meta.vv) if meta is not None else {}
        hlc = clock.tick()
        vv[me] = hlc
        if meta is None:
            meta = SyncRecord(record_id=row.id)
            session.add(meta)
        meta.kind, meta.vv, meta.hlc, meta.device = view.kind, json.dumps(vv, sort_keys=True), hlc, me
        meta.digest, meta.deleted, meta.pending, meta.sealed = digest, False, True, sealed
        return meta

    @staticmethod
    def _capture_deletion(clock: HybridClock, me: str, meta: SyncRecord) -> None:
        vv = json.loads(meta.vv)
        hlc = clock.tick()
        vv[me] = hlc
        meta.vv, meta.hlc, meta.device = json.dumps(vv, sort_keys=True), hlc, me
        meta.digest, meta.deleted, meta.pending, meta.sealed = None, True, True, None

    def _capture_all(self, session, clock: HybridClock, me: str) -> int:
        metas = {meta.record_id: meta for meta in session.scalars(select(SyncRecord))}
        aside = set(session.scalars(select(SetAsideRecord.record_id)))
        present: set[str] = set()
        changed = 0
        for row in session.scalars(select(PrivateRecord)).all():
            present.add(row.id)
            before = metas.get(row.id)
            old = (before.hlc, before.deleted) if before is not None else None
            meta = self._capture_row(session, clock, me, row, before)
            if meta is not None and (meta.hlc, meta.deleted) != old:
                changed += 1
        for record_id, meta in metas.items():
            if record_id not in present and record_id not in aside and not meta.deleted and meta.kind not in LOCAL_KINDS:
                self._capture_deletion(clock, me, meta)
                changed += 1
        return changed

    def _local_version(self, session, meta: SyncRecord, row: PrivateRecord | None | bool = False) -> dict | None:
        version = {"id": meta.record_id, "kind": meta.kind, "vv": json.loads(meta.vv), "hlc": meta.hlc,
                   "dev": meta.device, "del": bool(meta.deleted)}
        if meta.deleted:
            return version
        if row is False:
            row = session.get(PrivateRecord, meta.record_id)
        view = self._store.open_row(row) if row is not None else None
        if view is None or self._digest(view.kind, view.id, view.occurred_at, view.payload) != meta.digest:
            return None  # changed since it was captured: the next capture makes a new version
        version.update(occ=_iso(view.occurred_at), cre=_iso(view.created_at), upd=_iso(view.updated_at), payload=view.payload)
        return version

    @staticmethod
    def _load(session, model, column, ids) -> dict:
        """Rows of ``model`` whose ``column`` is in ``ids``, by that value, in a few queries."""
        found = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            for row in session.scalars(select(model).where(column.in_(unique[start:start + 500]))):
                found[getattr(row, column.key)] = row
        return found

    def _keep_loser(self, session, version: dict, rows: dict, metas: dict) -> bool:
        """Keep a version that lost a conflict as a ``sync_conflict`` record (once: the id
        comes from the version, and a copy dismissed already is not made again)."""
        copy_id = conflict_id(version["id"], version["dev"], int(version["hlc"]))
        if copy_id not in metas:
            metas[copy_id] = session.get(SyncRecord, copy_id)
        if copy_id not in rows:
            rows[copy_id] = session.get(PrivateRecord, copy_id)
        if metas[copy_id] is not None or rows[copy_id] is not None:
            return False
        updated = _parse_time(version["upd"])
        payload = {
            "kind": version["kind"], "record_id": version["id"], "device": version["dev"], "hlc": int(version["hlc"]),
            "occurred_at": version["occ"], "updated_at": version["upd"], "payload": version["payload"],
        }
        rows[copy_id] = self._store.write_record(session, PrivateRecordView(
            id=copy_id, kind=CONFLICT_KIND, occurred_at=_parse_time(version["occ"]), created_at=updated,
            updated_at=updated, payload=payload), None)
        return True

    def _adopt(self, session, version: dict, meta: SyncRecord | None, digest: str | None,
               rows: dict | None = None, metas: dict | None = None) -> SyncRecord:
        record_id = version["id"]
        row = rows.get(record_id) if rows is not None else False
        sealed = None
        if version["del"]:
            self._store.remove_record(session, record_id, row)
            if rows is not None:
                rows[record_id] = None
        else:
            written = self._store.write_record(session, PrivateRecordView(
                id=record_id, kind=version["kind"], occurred_at=_parse_time(version["occ"]),
                created_at=_parse_time(version["cre"]), updated_at=_parse_time(version["upd"]), payload=version["payload"]),
                row)
            sealed = hashlib.sha256(bytes(written.ciphertext)).hexdigest()
            if rows is not None:
                rows[record_id] = written
        if meta is None:
            meta = SyncRecord(record_id=record_id)
            session.add(meta)
            if metas is not None:
                metas[record_id] = meta
        meta.kind, meta.vv, meta.hlc, meta.device = version["kind"], json.dumps(version["vv"], sort_keys=True), int(version["hlc"]), version["dev"]
        meta.digest, meta.deleted, meta.pending, meta.sealed = digest, bool(version["del"]), False, sealed
        return meta

    @staticmethod
    def _checked(version) -> dict | None:
        """A version from a file, if it is well formed; else None (skipped)."""
        try:
            if not isinstance(version, dict):
                return None
            record_id, kind = version["id"], version["kind"]
            if not (isinstance(record_id, str) and 0 < len(record_id) <= 64 and isinstance(kind, str) and 0 < len(kind) <= 40):
                return None
            if kind in LOCAL_KINDS:
                return None
            vv = version["vv"]
            if not isinstance(vv, dict) or not vv or not all(isinstance(k, str) and isinstance(v, int) for k, v in vv.items()):
                return None
            int(version["hlc"])
            str(version["dev"])
            if not version.get("del"):
                if not isinstance(version.get("payload"), dict):
                    return None
                for key in ("occ", "cre", "upd"):
                    _parse_time(version[key])
            return version
        except (KeyError, TypeError, ValueError):
            return None

    def _merge_version(self, session, clock: HybridClock, me: str, version: dict, aside: set[str],
                       rows: dict, metas: dict) -> tuple[int, int]:
        """(applied, new conflict copies) for one version from another device."""
        version = self._checked(version)
        if version is None:
            return 0, 0
        clock.receive(int(version["hlc"]))
        record_id = version["id"]
        alive = not version["del"]
        remote_digest = (self._digest(version["kind"], record_id, _parse_time(version["occ"]), version["payload"])
                         if alive else None)
        row = rows.get(record_id)
        meta = metas.get(record_id)
        # A change made here since the last capture (another window, just now) is a version too.
        if row is not None:
            meta = self._capture_row(session, clock, me, row, meta)
            if meta is not None:
                metas[record_id] = meta
        elif meta is not None and not meta.deleted and record_id not in aside:
            self._capture_deletion(clock, me, meta)
        if meta is None:  # new here (a row that does not decrypt here is kept aside by the write)
            self._adopt(session, version, None, remote_digest, rows, metas)
            return 1, 0
        mine = json.loads(meta.vv)
        order = _compare(mine, version["vv"])
        if order in ("same", "after"):
            return 0, 0
        if order == "before":
            self._adopt(session, version, meta, remote_digest, rows, metas)
            return 1, 0
        merged = json.dumps(_merged(mine, version["vv"]), sort_keys=True)
        if (meta.deleted and not alive) or (not meta.deleted and alive and meta.digest == remote_digest):
            meta.vv, meta.pending = merged, True  # the same outcome on both sides
            return 0, 0
        copies = 0
        if (meta.hlc, meta.device) > (int(version["hlc"]), str(version["dev"])):
            if alive:
                copies += self._keep_loser(session, version, rows, metas)
            meta.vv, meta.pending = merged, True
            return 0, copies
        if not meta.deleted:
            local = self._local_version(session, meta, rows.get(record_id))
            if local is not None:
                copies += self._keep_loser(session, local, rows, metas)
        meta = self._adopt(session, version, meta, remote_digest, rows, metas)
        meta.vv, meta.pending = merged, True
        return 1, copies

    # --- one sync --------------------------------------------------------------------------
    def sync(self, full: bool = False) -> SyncResult:
        """Capture, merge every change file not merged yet, publish. Safe to stop at any
        point (``kill -9``) and to run again."""
        with self._store.record_transaction() as session:
            folder_text = self._get(session, "folder")
            me = self._get(session, "device_id")
            if not folder_text or not me:
                raise SyncFolderError(_("This device has no sync folder yet. Choose one first (`kindred devices link FOLDER`)."))
            folder = Path(folder_text)
            if not folder.is_dir():
                raise SyncFolderError(
                    _("The sync folder {folder} is not there (is the drive connected, or was it moved?). "
                      "Nothing was changed.").format(folder=folder))
            clock = self._clock(session)
            self._capture_all(session, clock, me)
            self._set(session, "hlc", clock.last)
        try:
            self._write_join_file(folder)
            self._drop_expired_pairing(folder)
        except OSError as error:
            raise SyncFolderError(_("Kindred cannot write into {folder}: {detail}. Nothing was lost; try again when it can.").format(folder=folder, detail=error.strerror or error)) from None
        merged_files = applied = conflicts = waiting = 0
        names = files.change_file_names(folder)
        with self._store.record_transaction() as session:
            seen = set(session.scalars(select(SyncSeen.name)))
        for name in names:
            if name in seen:
                continue
            try:
                document = files.open_change_file(self._store.data_key, name, files.read_change_file(folder, name))
            except FileNotFoundError:
                continue  # removed by its device meanwhile (it wrote a full file instead)
            except Exception:  # noqa: BLE001 - cut short, still being copied, damaged: next time
                waiting += 1
                self._trace(f"waiting {name}")
                continue
            merged = self._merge_document(name, document)
            if merged is None:
                continue
            file_applied, file_conflicts = merged
            merged_files += 1
            applied += file_applied
            conflicts += file_conflicts
            self._trace(f"merged {name}")
        try:
            written, removed = self._publish(folder, full, recapture=merged_files > 0)
        except OSError as error:
            raise SyncFolderError(_("Kindred cannot write into {folder}: {detail}. What it merged is kept; its own changes "
                                    "are written at the next sync.").format(folder=folder, detail=error.strerror or error)) from None
        with self._store.record_transaction() as session:
            self._set(session, "last_synced", datetime.now(timezone.utc).isoformat())
        return SyncResult(written=written, merged_files=merged_files, applied=applied, new_conflicts=conflicts,
                          waiting=waiting, removed_files=removed)

    def _merge_document(self, name: str, document: dict) -> tuple[int, int] | None:
        """Merge one opened change file in one transaction with the note that it was merged:
        (versions taken, conflict copies made), or None if it was merged before."""
        with self._store.record_transaction() as session:
            if session.get(SyncSeen, name) is not None:
                return None
            clock = self._clock(session)
            me = self._get(session, "device_id")
            aside = set(session.scalars(select(SetAsideRecord.record_id)))
            applied = conflicts = 0
            if str(document.get("device")) != me:
                ids = [v["id"] for v in document["versions"] if isinstance(v, dict) and isinstance(v.get("id"), str)]
                rows = self._load(session, PrivateRecord, PrivateRecord.id, ids)
                metas = self._load(session, SyncRecord, SyncRecord.record_id, ids)
                with session.no_autoflush:
                    for version in document["versions"]:
                        got, copies = self._merge_version(session, clock, me, version, aside, rows, metas)
                        applied += got
                        conflicts += copies
                devices = self._get(session, "devices", {})
                device_id = str(document.get("device"))[:64]
                known = devices.get(device_id, {})
                written = str(document.get("written_at", ""))
                if written >= known.get("last_seen", ""):
                    devices[device_id] = {"name": str(document.get("name", ""))[:60] or "Another device", "last_seen": written}
                self._set(session, "devices", devices)
            session.add(SyncSeen(name=name, seen_at=datetime.now(timezone.utc)))
            self._set(session, "hlc", clock.last)
        return applied, conflicts

    def _ensure_identity(self, device_name: str | None = None) -> None:
        with self._store.record_transaction() as session:
            if not self._get(session, "device_id"):
                self._set(session, "device_id", uuid.uuid4().hex)
            if device_name or not self._get(session, "device_name"):
                self._set(session, "device_name", (device_name or default_device_name())[:60])

    # --- without a shared folder: one file to download here and upload there (the browser) ---
    def export_bundle(self, device_name: str | None = None) -> bytes:
        """Everything this device knows as one file: the join file (the data key under the
        recovery code) and one full change file. Another device imports it (or joins with it
        and the recovery code); importing it twice changes nothing."""
        self._ensure_identity(device_name)
        with self._store.record_transaction() as session:
            clock = self._clock(session)
            me = self._get(session, "device_id")
            self._capture_all(session, clock, me)
            metas = [meta for meta in session.scalars(select(SyncRecord)) if meta.kind not in LOCAL_KINDS]
            rows = self._load(session, PrivateRecord, PrivateRecord.id, [m.record_id for m in metas if not m.deleted])
            versions = [v for v in (self._local_version(session, meta, rows.get(meta.record_id)) for meta in metas)
                        if v is not None]
            name = files.new_name()
            document = {"format": files.FORMAT_VERSION, "device": me, "name": self._get(session, "device_name", ""),
                        "written_at": datetime.now(timezone.utc).isoformat(), "hlc": clock.last, "full": True,
                        "versions": versions}
            sealed = files.seal_change_file(self._store.data_key, name, document)
            session.add(SyncSeen(name=name, seen_at=datetime.now(timezone.utc)))
            self._set(session, "hlc", clock.last)
        local = self._local_slot()
        if local is None:
            return files.encode_bundle(None, self._store.key_id, {name: sealed})
        slot, mark = local
        stamp = files.seal_stamp(self._store.data_key, self._store.key_id, slot, int(mark["hlc"]), str(mark["dev"]))
        return files.encode_bundle(slot, self._store.key_id, {name: sealed}, stamp)

    def import_bundle(self, data: bytes) -> SyncResult:
        """Merge a file another device exported (``export_bundle``)."""
        self._ensure_identity()
        bundle = files.decode_bundle(data)
        if bundle["key_id"] != self._store.key_id:
            raise SyncFolderError(_("That file holds another Kindred's data (a different key). Nothing was changed."))
        if bundle["slot"] is not None:
            self._reconcile_slot(bundle["slot"])  # a newer recovery code made on the other device
        with self._store.record_transaction() as session:
            clock = self._clock(session)
            self._capture_all(session, clock, self._get(session, "device_id"))
            self._set(session, "hlc", clock.last)
        merged_files = applied = conflicts = waiting = 0
        for name, sealed in bundle["files"].items():
            try:
                document = files.open_change_file(self._store.data_key, name, sealed)
            except Exception:  # noqa: BLE001 - damaged: say so, merge the rest
                waiting += 1
                continue
            merged = self._merge_document(name, document)
            if merged is not None:
                merged_files += 1
                applied += merged[0]
                conflicts += merged[1]
        with self._store.record_transaction() as session:
            clock = self._clock(session)
            self._capture_all(session, clock, self._get(session, "device_id"))
            self._set(session, "hlc", clock.last)
            self._set(session, "last_synced", datetime.now(timezone.utc).isoformat())
        return SyncResult(written=None, merged_files=merged_files, applied=applied, new_conflicts=conflicts, waiting=waiting)

    def _publish(self, folder: Path, full: bool, recapture: bool = True) -> tuple[str | None, int]:
        with self._store.record_transaction() as session:
            clock = self._clock(session)
            me = self._get(session, "device_id")
            if recapture:
                self._capture_all(session, clock, me)  # conflict copies made by the merge travel now
            own = list(self._get(session, "own_files", []))
            full = full or len(own) >= MAX_OWN_FILES
            query = select(SyncRecord)
            if not full:
                query = query.where(SyncRecord.pending.is_(True))
            metas = [meta for meta in session.scalars(query) if meta.kind not in LOCAL_KINDS]
            if not metas and not full and own:
                self._set(session, "hlc", clock.last)
                return None, 0  # nothing new (a device with no file here yet writes one: its name)
            rows = self._load(session, PrivateRecord, PrivateRecord.id, [m.record_id for m in metas if not m.deleted])
            versions = [version for version in (self._local_version(session, meta, rows.get(meta.record_id))
                                                for meta in metas) if version is not None]
            name = files.new_name()
            document = {
                "format": files.FORMAT_VERSION,
                "device": me,
                "name": self._get(session, "device_name", ""),
                "written_at": datetime.now(timezone.utc).isoformat(),
                "hlc": clock.last,
                "full": full,
                "versions": versions,
            }
            files.write_atomically(folder, name, files.seal_change_file(self._store.data_key, name, document))
            for meta in metas:
                meta.pending = False
            session.add(SyncSeen(name=name, seen_at=datetime.now(timezone.utc)))
            replaced = own if full else []
            self._set(session, "own_files", [name] if full else [*own, name])
            self._set(session, "hlc", clock.last)
        removed = 0
        for old in replaced:  # everything in them is in the full file just written
            try:
                (folder / old).unlink()
                removed += 1
            except FileNotFoundError:
                pass
            except OSError:
                pass
        return name, removed

    # --- what Settings shows ---------------------------------------------------------------
    def status(self) -> SyncStatus:
        with self._store.record_transaction() as session:
            folder = self._get(session, "folder")
            last = self._get(session, "last_synced")
            me = self._get(session, "device_id")
            name = self._get(session, "device_name")
            others = self._get(session, "devices", {})
            conflicts = session.scalar(
                select(func.count()).select_from(PrivateRecord).where(PrivateRecord.kind == CONFLICT_KIND)) or 0
        devices = []
        if me:
            devices.append({"id": me, "name": name or "This device", "this_device": True, "last_seen": last})
        for device_id, info in sorted(others.items(), key=lambda item: item[1].get("name", "")):
            if device_id != me:
                devices.append({"id": device_id, "name": info.get("name") or "Another device", "this_device": False,
                                "last_seen": info.get("last_seen") or None})
        return SyncStatus(folder=folder, last_synced=datetime.fromisoformat(last) if last else None,
                          devices=devices, conflicts=int(conflicts), this_device=name)

    def conflicts(self) -> list[Conflict]:
        status_names = {d["id"]: d["name"] for d in self.status().devices}
        found = []
        for record in self._store.list(CONFLICT_KIND):
            payload = record.payload
            found.append(Conflict(
                id=record.id, kind=str(payload.get("kind", "")), record_id=str(payload.get("record_id", "")),
                device=status_names.get(str(payload.get("device"))) or (
                    str(payload.get("device")) if payload.get("device") in ("this device", "the backup") else "another device"),
                updated_at=record.updated_at, payload=payload.get("payload") or {}))
        return found

    def dismiss_conflict(self, conflict_id_: str) -> bool:
        """The kept version is not wanted: remove it (on every device, at the next sync)."""
        return self._store.delete(CONFLICT_KIND, conflict_id_)

    def use_conflict_version(self, conflict_id_: str) -> bool:
        """Put the kept version back in place of the current one (which is kept in turn
        only if the person keeps the conflict: here it is replaced)."""
        record = self._store.get(CONFLICT_KIND, conflict_id_)
        if record is None:
            return False
        payload = record.payload
        self._store.put(str(payload["kind"]), payload["payload"], record_id=str(payload["record_id"]),
                        occurred_at=_parse_time(payload["occurred_at"]))
        self._store.delete(CONFLICT_KIND, conflict_id_)
        return True


def _open_pairing(folder: Path, code: str, now_ms: Callable[[], int]) -> bytes | None:
    """The data key from the folder's open pairing and its one-time code; None when there is no
    pairing or the code does not open it. An expired pairing is refused in words."""
    pairing = files.read_pair_file(folder)
    if pairing is None:
        return None
    try:
        params = crypto.checked_kdf_params(pairing["kdf"])
        kek = crypto.derive_key(crypto.normalise_passphrase(crypto.normalise_recovery_code(code)), params)
        data_key = crypto.unwrap_key(pairing["wrapped_key"], kek, files.pair_method(pairing["expires"]))
    except (crypto.WrongSecret, ValueError, TypeError, KeyError):
        return None
    if pairing["expires"] < now_ms():
        raise JoinError(_("That pairing code has expired. Make a new one on your first device (Settings → Your "
                          "devices → Pair a new device, or `kindred devices pair`). Nothing was changed."))
    return data_key


def join_folder(vault: PrivateVault, folder: Path, recovery_code: str, passphrase: str,
                device_name: str | None = None, now_ms: Callable[[], int] = wall_ms,
                pairing: bool | None = False) -> tuple[PrivateStore, SyncResult]:
    """A second device joins: the recovery code (or, with ``pairing``, a one-time pairing code
    the first device showed; ``None``: either) opens the data key, this device is set up with
    that key and its own passphrase, and everything in the folder is merged. A pairing code
    works once: the pairing file is deleted when the device has joined, and the device keeps
    the same recovery code as the others (the join file's recovery slot, as it is).

    On a device already set up with the same key, it just links. Refused (``JoinError``) on
    a device that holds other data, and for a wrong code; nothing is changed then."""
    folder = Path(folder).expanduser().resolve()
    slot = files.read_join_file(folder)
    data_key = _open_pairing(folder, recovery_code, now_ms) if pairing is not False else None
    paired = data_key is not None
    if data_key is None and pairing is True:
        raise JoinError(_("That pairing code does not open this sync folder (it works once, for a short time). "
                          "Make a new one on your first device: Settings → Your devices → Pair a new device. "
                          "Nothing was changed."))
    if data_key is None:
        try:
            data_key = PrivateVault.unwrap_recovery_slot(slot, recovery_code)
        except crypto.WrongSecret:
            raise JoinError(
                _("That recovery code does not open this sync folder. Use the code your first device showed "
                  "(Settings → Recovery code can make a new one), or a pairing code it shows now. Nothing was changed.")
                if pairing is None else
                _("That recovery code does not open this sync folder. Use the code your first device showed "
                  "(Settings → Recovery code can make a new one). Nothing was changed.")) from None
    if crypto.key_id(data_key) != slot["key_id"]:
        raise JoinError(_("{file} is damaged. Nothing was changed.").format(file=folder / files.JOIN_FILE))
    if paired and files.open_stamp(data_key, slot["key_id"], slot) is None:
        # The device keeps the join file's recovery slot as it is: only one a device holding
        # this data key stamped (so it opens with the current recovery code) is taken.
        raise JoinError(_("{file} is damaged or was replaced, so this device could not keep your recovery code. "
                          "Let your first device sync, make a new pairing code there, and try again. Nothing was "
                          "changed.").format(file=folder / files.JOIN_FILE))
    if vault.is_set_up():
        try:
            store = vault.unlock(passphrase)
        except crypto.WrongSecret:
            raise JoinError(_("Kindred is already set up on this device, and that passphrase does not unlock it. "
                              "Nothing was changed.")) from None
        if store.key_id != slot["key_id"]:
            store.lock()
            raise JoinError(
                _("This device already keeps its own Kindred data under another key. To join, make a "
                  "backup of it, delete all data on this device, join, then restore the backup with "
                  "--merge. Nothing was changed."))
    else:
        try:
            if paired:
                store = vault.join(data_key, passphrase, recovery_slot=slot)
            else:
                store = vault.join(data_key, passphrase, recovery_code)
        except VaultError as error:
            raise JoinError(str(error)) from None
    if paired:
        files.remove_pair_file(folder)  # once only
    # What it merged is in the folder already: it writes only its own changes (and its name).
    result = FolderSync(store, vault, now_ms=now_ms).link(folder, device_name, full=False)
    return store, result


def join_bundle(vault: PrivateVault, data: bytes, recovery_code: str, passphrase: str,
                device_name: str | None = None) -> tuple[PrivateStore, SyncResult]:
    """A device that is not set up joins from a file another device exported (the browser
    build, or no shared folder): the recovery code opens the key in it."""
    bundle = files.decode_bundle(data)
    if bundle["slot"] is None:
        raise JoinError(_("That file has no key in it: export it again from a device that is set up. Nothing was changed."))
    if vault.is_set_up():
        raise JoinError(_("Kindred is already set up on this device: import the file instead. Nothing was changed."))
    try:
        data_key = PrivateVault.unwrap_recovery_slot(bundle["slot"], recovery_code)
    except crypto.WrongSecret:
        raise JoinError(_("That recovery code does not open this file. Nothing was changed.")) from None
    # Checked before this device is set up: a file whose key id is not its key's is refused whole.
    if crypto.key_id(data_key) != bundle["key_id"]:
        raise JoinError(_("That file is damaged (its key does not match the data in it). Export it again. Nothing "
                          "was changed."))
    try:
        store = vault.join(data_key, passphrase, recovery_code)
    except VaultError as error:
        raise JoinError(str(error)) from None
    sync = FolderSync(store, vault)
    sync._ensure_identity(device_name)
    return store, sync.import_bundle(data)
