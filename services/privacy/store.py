"""The private store: every private record goes through here, encrypted.

A ``PrivateStore`` holds the unlocked data key for one UI session (or one CLI run). The
process itself keeps only the locked ``PrivateVault``; two browser tabs each unlock
their own store.

Two rules keep one window from spoiling the data of another, or one bad row from
spoiling the rest:

- **Stale keys.** A store remembers the key id and epoch it was opened with. Every read
  and every write compares them with the ``key_epoch`` row in the same transaction (a
  write first writes, then checks, so nothing can change in between: SQLite holds the
  write lock). If another window deleted everything and set up again, or restored a
  backup, the store locks itself and raises ``StaleKeyError``; nothing is written.
- **Unreadable records.** A row that does not decrypt under the current key (a flipped
  bit, a swapped row, or a row written under a key that is gone) is skipped by every read
  and counted (``RecordList.left_out``); ``integrity_report()`` lists them (kind, id, date
  — never content) and ``set_aside_unreadable()`` moves them into ``private_record_aside``
  as they are, where backups still carry them. A row about to be overwritten or replaced
  that does not decrypt is moved aside first, never thrown away.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import delete, func, select, update

from services.errors import LockedError
from services.models import KeyEpoch, PrivateRecord, PrivateSummary, RecordGeneration, SetAsideRecord
from services.privacy import crypto
from services.storage import Database, collector_paused


@dataclass(frozen=True)
class PrivateRecordView:
    id: str
    kind: str
    occurred_at: datetime
    created_at: datetime
    updated_at: datetime
    payload: dict


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return moment.astimezone(timezone.utc)


_RECORD_COLUMNS = (PrivateRecord.id, PrivateRecord.kind, PrivateRecord.occurred_at, PrivateRecord.created_at,
                   PrivateRecord.updated_at, PrivateRecord.ciphertext)


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without tzinfo; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


STALE_MESSAGE = "Kindred was reset or restored in another window; this window has locked. Unlock again to continue."
KEY_EPOCH_ROW = 1


class StaleKeyError(LockedError):
    """The key this store was opened with is no longer the store's current key (another
    window deleted everything and set up again, or restored a backup). The store has
    locked itself; nothing was read or written."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


class RecordList(list):
    """A list of records, plus how many rows of the asked-for kind(s) did not decrypt and
    were left out, and (``list`` only) the kind's generation read just before the rows."""

    left_out: int = 0
    generation: int | None = None

    def __init__(self, items: Iterable = (), left_out: int = 0, generation: int | None = None):
        super().__init__(items)
        self.left_out = left_out
        self.generation = generation


@dataclass
class WriteStamp:
    """Filled in by a write given one: the kind's generation just before the write (with the
    write lock already held, so nobody else's write can fall in between) and just after it.
    ``before`` equal to what a reader last saw means that reader missed nothing else."""

    before: int | None = None
    after: int | None = None


def _generation(session, kind: str) -> int:
    """How many writes rows of ``kind`` have seen (triggers keep it: migration p0005)."""
    return session.scalar(select(RecordGeneration.value).where(RecordGeneration.kind == kind)) or 0


def _take_write_lock(session) -> None:
    # pysqlite begins a transaction only at a write: a no-op write takes SQLite's write lock,
    # so what is read afterwards cannot change before this transaction ends.
    session.execute(update(KeyEpoch).where(KeyEpoch.id == KEY_EPOCH_ROW).values(epoch=KeyEpoch.epoch))


@dataclass(frozen=True)
class RecordRef:
    """What may be said about a record that does not decrypt: never its content."""

    kind: str
    id: str
    occurred_at: datetime
    set_aside_at: datetime | None = None  # None: still in place, skipped at every read


@dataclass(frozen=True)
class IntegrityReport:
    unreadable: tuple[RecordRef, ...] = ()  # in place, not yet set aside
    set_aside: tuple[RecordRef, ...] = ()  # already kept aside

    @property
    def ok(self) -> bool:
        return not self.unreadable

    @staticmethod
    def _count(refs: tuple[RecordRef, ...]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for ref in refs:
            counts[ref.kind] = counts.get(ref.kind, 0) + 1
        return counts

    @property
    def unreadable_by_kind(self) -> dict[str, int]:
        return self._count(self.unreadable)

    @property
    def set_aside_by_kind(self) -> dict[str, int]:
        return self._count(self.set_aside)


@dataclass(frozen=True)
class RawRecord:
    """A record exactly as stored (ciphertext), for records that do not decrypt."""

    record_id: str
    kind: str
    occurred_at: datetime
    created_at: datetime
    updated_at: datetime
    ciphertext: bytes = field(repr=False)
    set_aside_at: datetime | None = None


@dataclass(frozen=True)
class BackupContents:
    records: list[PrivateRecordView]  # every record that decrypts
    kept_aside: list[RawRecord]  # set aside already, or not decrypting now: carried as they are


class PrivateStore:
    def __init__(self, database: Database, data_key: bytes, epoch: str):
        self._db = database
        self._key: bytes | None = data_key
        self._key_id = crypto.key_id(data_key)
        self._epoch = epoch
        self._stale = False

    # --- lifecycle -------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self._key is None

    @property
    def is_stale(self) -> bool:
        """True once this store found that its key is no longer the current one."""
        return self._stale

    def lock(self) -> None:
        self._key = None

    def _require_key(self) -> bytes:
        if self._key is None:
            if self._stale:
                raise StaleKeyError()
            raise LockedError("Kindred is locked")
        return self._key

    @property
    def data_key(self) -> bytes:
        """For the vault's re-wrapping and for backups; never shown or logged."""
        return self._require_key()

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def epoch(self) -> str:
        return self._epoch

    def verify_current(self, session) -> None:
        """Inside a transaction: raise ``StaleKeyError`` (and lock) unless this store's key
        and epoch are still the store's current ones. One primary-key lookup."""
        self._require_key()
        row = session.execute(select(KeyEpoch.key_id, KeyEpoch.epoch).where(KeyEpoch.id == KEY_EPOCH_ROW)).first()
        if row is None or row.key_id != self._key_id or row.epoch != self._epoch:
            self._stale = True
            self._key = None
            raise StaleKeyError()

    def check_current(self) -> None:
        """Raise ``StaleKeyError`` if another window replaced the key or the data."""
        with self._db.transaction() as session:
            self.verify_current(session)

    def _renew_epoch(self, session) -> str:
        """Inside a write transaction: a new epoch, so that every other window's store is
        stale from now on (this one stays current)."""
        epoch = uuid.uuid4().hex
        result = session.execute(
            update(KeyEpoch)
            .where(KeyEpoch.id == KEY_EPOCH_ROW, KeyEpoch.key_id == self._key_id, KeyEpoch.epoch == self._epoch)
            .values(epoch=epoch, changed_at=datetime.now(timezone.utc))
        )
        if result.rowcount != 1:
            self._stale = True
            self._key = None
            raise StaleKeyError()
        return epoch

    # --- records ---------------------------------------------------------------------
    def _open(self, row) -> bytes | None:
        """The plaintext of a row, or None if it does not decrypt under this key."""
        try:
            return crypto.open_sealed(self._require_key(), row.ciphertext, crypto.record_aad(row.kind, row.id))
        except crypto.DecryptionError:
            return None

    def _view(self, row: PrivateRecord) -> PrivateRecordView | None:
        plaintext = self._open(row)
        if plaintext is None:
            return None
        try:
            payload = crypto.loads_payload(plaintext)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict):
            return None
        return PrivateRecordView(
            id=row.id,
            kind=row.kind,
            occurred_at=_as_utc(row.occurred_at),
            created_at=_as_utc(row.created_at),
            updated_at=_as_utc(row.updated_at),
            payload=payload,
        )

    def _decrypt(self, row: PrivateRecord) -> PrivateRecordView:
        view = self._view(row)
        if view is None:
            raise crypto.DecryptionError("the encrypted data was changed or belongs elsewhere")
        return view

    @staticmethod
    def _move_aside(session, row: PrivateRecord, now: datetime) -> None:
        session.add(
            SetAsideRecord(
                record_id=row.id,
                kind=row.kind,
                occurred_at=row.occurred_at,
                created_at=row.created_at,
                updated_at=row.updated_at,
                ciphertext=row.ciphertext,
                set_aside_at=now,
            )
        )

    def _keep_unreadable_of(self, session, record_ids: Sequence[str], now: datetime) -> None:
        """Before rows are overwritten: move aside those of them that do not decrypt."""
        ids = list(dict.fromkeys(record_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in session.scalars(select(PrivateRecord).where(PrivateRecord.id.in_(chunk))):
                if self._view(row) is None:
                    self._move_aside(session, row, now)

    def put(
        self,
        kind: str,
        payload: dict,
        record_id: str | None = None,
        occurred_at: datetime | None = None,
        *,
        stamp: WriteStamp | None = None,
    ) -> PrivateRecordView:
        """Create or replace one record. ``occurred_at`` orders records of a kind."""
        key = self._require_key()
        record_id = record_id or uuid.uuid4().hex
        now = datetime.now(timezone.utc)
        sealed = crypto.seal(key, crypto.dumps_payload(payload), crypto.record_aad(kind, record_id))
        with self._db.transaction() as session:
            self._stamp_before(session, kind, stamp)
            row = session.get(PrivateRecord, record_id)
            if row is not None and row.kind != kind:
                raise ValueError(f"record {record_id} is a {row.kind}, not a {kind}")
            if row is not None and self._view(row) is None:
                self._move_aside(session, row, now)
            if row is None:
                row = PrivateRecord(id=record_id, kind=kind, created_at=now)
                session.add(row)
            if occurred_at is not None or row.occurred_at is None:
                row.occurred_at = _utc(occurred_at)
            row.updated_at = now
            row.ciphertext = sealed
            session.flush()
            self.verify_current(session)
            self._stamp_after(session, kind, stamp)
            return self._decrypt(row)

    @staticmethod
    def _stamp_before(session, kind: str, stamp: WriteStamp | None) -> None:
        if stamp is not None:
            _take_write_lock(session)
            stamp.before = _generation(session, kind)

    @staticmethod
    def _stamp_after(session, kind: str, stamp: WriteStamp | None) -> None:
        if stamp is not None:
            stamp.after = _generation(session, kind)

    def put_many(self, kind: str, items: list[tuple[str | None, dict, datetime | None]], *,
                 stamp: WriteStamp | None = None) -> int:
        """Write many records in one transaction (imports, restores): all or nothing."""
        key = self._require_key()
        now = datetime.now(timezone.utc)
        prepared = [(record_id or uuid.uuid4().hex, payload, occurred_at) for record_id, payload, occurred_at in items]
        with self._db.transaction() as session:
            self._stamp_before(session, kind, stamp)
            self._keep_unreadable_of(session, [record_id for record_id, _, _ in prepared if record_id], now)
            for record_id, payload, occurred_at in prepared:
                sealed = crypto.seal(key, crypto.dumps_payload(payload), crypto.record_aad(kind, record_id))
                session.merge(
                    PrivateRecord(
                        id=record_id, kind=kind, occurred_at=_utc(occurred_at), created_at=now, updated_at=now, ciphertext=sealed
                    )
                )
            session.flush()
            self.verify_current(session)
            self._stamp_after(session, kind, stamp)
        return len(items)

    def get(self, kind: str, record_id: str) -> PrivateRecordView | None:
        """The record, or None if there is none, or if it does not decrypt (see
        ``integrity_report``)."""
        with self._db.transaction() as session:
            self.verify_current(session)
            row = session.get(PrivateRecord, record_id)
            if row is None or row.kind != kind:
                return None
            return self._view(row)

    def list(
        self,
        kind: str,
        *,
        newest_first: bool = True,
        limit: int | None = None,
        offset: int = 0,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> RecordList:
        """Records of a kind that decrypt; ``left_out`` says how many rows in the asked
        range did not."""
        # Plain rows, not ORM objects: building 20,000 mapped instances cost more than
        # decrypting them (issue #14). The columns are read through the same types.
        query = select(*_RECORD_COLUMNS).where(PrivateRecord.kind == kind)
        if since is not None:
            query = query.where(PrivateRecord.occurred_at >= _utc(since))
        if until is not None:
            query = query.where(PrivateRecord.occurred_at < _utc(until))
        order = (PrivateRecord.occurred_at.desc(), PrivateRecord.id.desc()) if newest_first else (
            PrivateRecord.occurred_at.asc(), PrivateRecord.id.asc()
        )
        query = query.order_by(*order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._db.transaction() as session, collector_paused():
            self.verify_current(session)
            # Read before the rows: if a write lands in between, the rows are newer than this
            # number says, never older (a summary labelled with it is then merely stale).
            generation = _generation(session, kind)
            views = [self._view(row) for row in session.execute(query)]
        readable = [view for view in views if view is not None]
        return RecordList(readable, left_out=len(views) - len(readable), generation=generation)

    def count(self, kind: str) -> int:
        """Rows of a kind, readable or not (cheap: nothing is decrypted)."""
        with self._db.transaction() as session:
            self.verify_current(session)
            return session.scalar(select(func.count()).select_from(PrivateRecord).where(PrivateRecord.kind == kind)) or 0

    def delete(self, kind: str, record_id: str, *, stamp: WriteStamp | None = None) -> bool:
        with self._db.transaction() as session:
            self._require_key()
            self._stamp_before(session, kind, stamp)
            result = session.execute(delete(PrivateRecord).where(PrivateRecord.id == record_id, PrivateRecord.kind == kind))
            self.verify_current(session)
            self._stamp_after(session, kind, stamp)
            return result.rowcount > 0

    # --- summaries (derived data, sealed; see migration p0005) ----------------------------
    def generation(self, kind: str) -> int:
        """How many writes rows of ``kind`` have seen (any writer, any path: SQLite triggers)."""
        with self._db.transaction() as session:
            self.verify_current(session)
            return _generation(session, kind)

    def read_summary(self, name: str, kind: str) -> tuple[dict | None, int]:
        """(payload, generation): the summary ``name`` if it was built from the current
        generation of ``kind`` and decrypts, else None; and the current generation."""
        with self._db.transaction() as session:
            self.verify_current(session)
            generation = _generation(session, kind)
            row = session.get(PrivateSummary, name)
            if row is None or row.generation != generation:
                return None, generation
            sealed = bytes(row.ciphertext)
        try:
            payload = crypto.loads_payload(crypto.open_sealed(self._require_key(), sealed, crypto.summary_aad(name, generation)))
        except (crypto.DecryptionError, ValueError, UnicodeDecodeError):
            return None, generation
        return (payload if isinstance(payload, dict) else None), generation

    def summary_generations(self, name: str, kind: str) -> tuple[int | None, int]:
        """(the generation the summary ``name`` was built from, or None if there is none;
        the current generation of ``kind``). Nothing is decrypted."""
        with self._db.transaction() as session:
            self.verify_current(session)
            current = _generation(session, kind)
            return session.scalar(select(PrivateSummary.generation).where(PrivateSummary.name == name)), current

    def write_summary(self, name: str, kind: str, generation: int, payload: dict) -> bool:
        """Keep ``payload`` (sealed) as the summary ``name`` built from ``generation`` of
        ``kind`` — only if that is still the current generation (else it is stale already and
        nothing is written). True when written."""
        sealed = crypto.seal(self._require_key(), crypto.dumps_payload(payload), crypto.summary_aad(name, generation))
        with self._db.transaction() as session:
            _take_write_lock(session)
            self.verify_current(session)
            if _generation(session, kind) != generation:
                return False
            row = session.get(PrivateSummary, name)
            if row is None:
                session.add(PrivateSummary(name=name, generation=generation, ciphertext=sealed))
            else:
                row.generation = generation
                row.ciphertext = sealed
        return True

    def all_records(self) -> RecordList:
        """Every record of every kind that decrypts; ``left_out`` counts those that do not."""
        with self._db.transaction() as session:
            self.verify_current(session)
            rows = session.scalars(select(PrivateRecord).order_by(PrivateRecord.kind, PrivateRecord.occurred_at, PrivateRecord.id))
            views = [self._view(row) for row in rows]
        readable = [view for view in views if view is not None]
        return RecordList(readable, left_out=len(views) - len(readable))

    def backup_contents(self) -> BackupContents:
        """What a backup holds: every record that decrypts, and — as they are, still
        encrypted — those kept aside and those that do not decrypt now."""
        with self._db.transaction() as session:
            self.verify_current(session)
            records: list[PrivateRecordView] = []
            kept: list[RawRecord] = []
            for row in session.scalars(select(PrivateRecord).order_by(PrivateRecord.kind, PrivateRecord.occurred_at, PrivateRecord.id)):
                view = self._view(row)
                if view is not None:
                    records.append(view)
                else:
                    kept.append(_raw(row.id, row))
            for row in session.scalars(select(SetAsideRecord).order_by(SetAsideRecord.id)):
                kept.append(_raw(row.record_id, row, _as_utc(row.set_aside_at)))
        return BackupContents(records=records, kept_aside=kept)

    def replace_all(self, records: list[PrivateRecordView], kept_aside: Sequence[RawRecord] = ()) -> int:
        """Replace every private record with ``records`` (a restore), in one transaction:
        all of them are written, under this store's key, or nothing changes.

        Rows here now that do not decrypt are moved aside first; ``kept_aside`` (from the
        backup) joins them. The epoch is renewed: every other window must unlock again.
        """
        key = self._require_key()
        now = datetime.now(timezone.utc)
        with self._db.transaction() as session:
            self.verify_current(session)
            for row in session.scalars(select(PrivateRecord)):
                if self._view(row) is None:
                    self._move_aside(session, row, now)
            present = {(row.record_id, row.ciphertext) for row in session.scalars(select(SetAsideRecord))}
            session.execute(delete(PrivateRecord))
            for record in records:
                session.add(
                    PrivateRecord(
                        id=record.id,
                        kind=record.kind,
                        occurred_at=_utc(record.occurred_at),
                        created_at=_utc(record.created_at),
                        updated_at=_utc(record.updated_at),
                        ciphertext=crypto.seal(key, crypto.dumps_payload(record.payload), crypto.record_aad(record.kind, record.id)),
                    )
                )
            for raw in kept_aside:
                if (raw.record_id, raw.ciphertext) in present:
                    continue
                present.add((raw.record_id, raw.ciphertext))
                session.add(
                    SetAsideRecord(
                        record_id=raw.record_id,
                        kind=raw.kind,
                        occurred_at=_utc(raw.occurred_at),
                        created_at=_utc(raw.created_at),
                        updated_at=_utc(raw.updated_at),
                        ciphertext=raw.ciphertext,
                        set_aside_at=_utc(raw.set_aside_at) if raw.set_aside_at else now,
                    )
                )
            session.flush()
            epoch = self._renew_epoch(session)
        self._epoch = epoch
        return len(records)

    def kinds(self) -> dict[str, int]:
        """How many records of each kind (for backups and 'what this file holds')."""
        with self._db.transaction() as session:
            self.verify_current(session)
            rows = session.execute(select(PrivateRecord.kind, func.count()).group_by(PrivateRecord.kind))
            return {kind: count for kind, count in rows}

    # --- raw access for folder sync and merging restores (services/devices) -------------
    @contextmanager
    def record_transaction(self) -> Iterator:
        """One transaction over the private database, checked against the current key and
        epoch before and after (a stale window changes nothing). For merges that must write
        records and their bookkeeping together, or not at all."""
        with self._db.transaction() as session:
            # Take the write lock first (pysqlite begins a transaction only at a write):
            # everything read afterwards is read inside this one transaction.
            session.execute(update(KeyEpoch).where(KeyEpoch.id == KEY_EPOCH_ROW).values(epoch=KeyEpoch.epoch))
            self.verify_current(session)
            yield session
            session.flush()
            self.verify_current(session)

    def open_row(self, row: PrivateRecord) -> PrivateRecordView | None:
        """A row's record, or None if it does not decrypt under this key."""
        return self._view(row)

    def write_record(self, session, record: PrivateRecordView, row: PrivateRecord | None | bool = False) -> PrivateRecord:
        """Inside ``record_transaction``: write a record with its own times (a merged
        version keeps when it was made). A row under that id that does not decrypt is moved
        aside first, never thrown away. ``row``: the row under that id already loaded (or
        None: there is none), to spare a look-up. Returns the row written."""
        key = self._require_key()
        now = datetime.now(timezone.utc)
        if row is False:
            row = session.get(PrivateRecord, record.id)
        sealed = crypto.seal(key, crypto.dumps_payload(record.payload), crypto.record_aad(record.kind, record.id))
        if row is not None and (row.kind != record.kind or self._view(row) is None):
            self._move_aside(session, row, now)
            session.delete(row)
            session.flush()
            row = None
        if row is None:
            row = PrivateRecord(id=record.id, kind=record.kind, created_at=_utc(record.created_at))
            session.add(row)
        row.occurred_at = _utc(record.occurred_at)
        row.updated_at = _utc(record.updated_at)
        row.ciphertext = sealed
        return row

    def remove_record(self, session, record_id: str, row: PrivateRecord | None | bool = False) -> None:
        """Inside ``record_transaction``: delete a record (a merged deletion). A row that
        does not decrypt is moved aside instead of being lost."""
        if row is False:
            row = session.get(PrivateRecord, record_id)
        if row is None:
            return
        if self._view(row) is None:
            self._move_aside(session, row, datetime.now(timezone.utc))
        session.delete(row)

    # --- integrity ---------------------------------------------------------------------
    def integrity_report(self) -> IntegrityReport:
        """Which records do not decrypt (kind, id, date — never content), and which are
        kept aside already. Decrypts every record once."""
        with self._db.transaction() as session:
            self.verify_current(session)
            unreadable = tuple(
                RecordRef(row.kind, row.id, _as_utc(row.occurred_at))
                for row in session.scalars(select(PrivateRecord).order_by(PrivateRecord.occurred_at, PrivateRecord.id))
                if self._view(row) is None
            )
            aside = tuple(
                RecordRef(row.kind, row.record_id, _as_utc(row.occurred_at), _as_utc(row.set_aside_at))
                for row in session.scalars(select(SetAsideRecord).order_by(SetAsideRecord.occurred_at, SetAsideRecord.id))
            )
        return IntegrityReport(unreadable=unreadable, set_aside=aside)

    def set_aside_unreadable(self) -> int:
        """Move every record that does not decrypt into the set-aside table, as it is.
        Returns how many moved. Refused (``StaleKeyError``) for a stale store: a window
        with an old key must never judge the current records unreadable."""
        now = datetime.now(timezone.utc)
        with self._db.transaction() as session:
            self.verify_current(session)
            bad = [row for row in session.scalars(select(PrivateRecord)) if self._view(row) is None]
            for row in bad:
                self._move_aside(session, row, now)
                session.delete(row)
            session.flush()
            self.verify_current(session)
        return len(bad)


def _raw(record_id: str, row, set_aside_at: datetime | None = None) -> RawRecord:
    return RawRecord(
        record_id=record_id,
        kind=row.kind,
        occurred_at=_as_utc(row.occurred_at),
        created_at=_as_utc(row.created_at),
        updated_at=_as_utc(row.updated_at),
        ciphertext=bytes(row.ciphertext),
        set_aside_at=set_aside_at,
    )
