"""The private store: every private record goes through here, encrypted.

A ``PrivateStore`` holds the unlocked data key for one UI session (or one CLI run). The
process itself keeps only the locked ``PrivateVault``; two browser tabs each unlock
their own store.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, func, select

from services.models import PrivateRecord
from services.privacy import crypto
from services.storage import Database


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


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without tzinfo; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class LockedError(Exception):
    """The store was locked; unlock again to read or write private data."""


class PrivateStore:
    def __init__(self, database: Database, data_key: bytes):
        self._db = database
        self._key: bytes | None = data_key

    # --- lifecycle -------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self._key is None

    def lock(self) -> None:
        self._key = None

    def _require_key(self) -> bytes:
        if self._key is None:
            raise LockedError("Kindred is locked")
        return self._key

    @property
    def data_key(self) -> bytes:
        """For the vault's re-wrapping and for backups; never shown or logged."""
        return self._require_key()

    # --- records ---------------------------------------------------------------------
    def _decrypt(self, row: PrivateRecord) -> PrivateRecordView:
        plaintext = crypto.open_sealed(self._require_key(), row.ciphertext, crypto.record_aad(row.kind, row.id))
        return PrivateRecordView(
            id=row.id,
            kind=row.kind,
            occurred_at=_as_utc(row.occurred_at),
            created_at=_as_utc(row.created_at),
            updated_at=_as_utc(row.updated_at),
            payload=crypto.loads_payload(plaintext),
        )

    def put(
        self,
        kind: str,
        payload: dict,
        record_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> PrivateRecordView:
        """Create or replace one record. ``occurred_at`` orders records of a kind."""
        key = self._require_key()
        record_id = record_id or uuid.uuid4().hex
        now = datetime.now(timezone.utc)
        sealed = crypto.seal(key, crypto.dumps_payload(payload), crypto.record_aad(kind, record_id))
        with self._db.transaction() as session:
            row = session.get(PrivateRecord, record_id)
            if row is not None and row.kind != kind:
                raise ValueError(f"record {record_id} is a {row.kind}, not a {kind}")
            if row is None:
                row = PrivateRecord(id=record_id, kind=kind, created_at=now)
                session.add(row)
            if occurred_at is not None or row.occurred_at is None:
                row.occurred_at = _utc(occurred_at)
            row.updated_at = now
            row.ciphertext = sealed
            session.flush()
            return self._decrypt(row)

    def put_many(self, kind: str, items: list[tuple[str | None, dict, datetime | None]]) -> int:
        """Write many records in one transaction (imports, restores): all or nothing."""
        key = self._require_key()
        now = datetime.now(timezone.utc)
        with self._db.transaction() as session:
            for record_id, payload, occurred_at in items:
                record_id = record_id or uuid.uuid4().hex
                sealed = crypto.seal(key, crypto.dumps_payload(payload), crypto.record_aad(kind, record_id))
                session.merge(
                    PrivateRecord(
                        id=record_id, kind=kind, occurred_at=_utc(occurred_at), created_at=now, updated_at=now, ciphertext=sealed
                    )
                )
        return len(items)

    def get(self, kind: str, record_id: str) -> PrivateRecordView | None:
        self._require_key()
        with self._db.transaction() as session:
            row = session.get(PrivateRecord, record_id)
            if row is None or row.kind != kind:
                return None
            return self._decrypt(row)

    def list(
        self,
        kind: str,
        *,
        newest_first: bool = True,
        limit: int | None = None,
        offset: int = 0,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[PrivateRecordView]:
        self._require_key()
        query = select(PrivateRecord).where(PrivateRecord.kind == kind)
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
        with self._db.transaction() as session:
            return [self._decrypt(row) for row in session.scalars(query)]

    def count(self, kind: str) -> int:
        self._require_key()
        with self._db.transaction() as session:
            return session.scalar(select(func.count()).select_from(PrivateRecord).where(PrivateRecord.kind == kind)) or 0

    def delete(self, kind: str, record_id: str) -> bool:
        self._require_key()
        with self._db.transaction() as session:
            result = session.execute(delete(PrivateRecord).where(PrivateRecord.id == record_id, PrivateRecord.kind == kind))
            return result.rowcount > 0

    def all_records(self) -> list[PrivateRecordView]:
        """Every record of every kind, decrypted (backups). Raises on any tampered row."""
        self._require_key()
        with self._db.transaction() as session:
            rows = session.scalars(select(PrivateRecord).order_by(PrivateRecord.kind, PrivateRecord.occurred_at, PrivateRecord.id))
            return [self._decrypt(row) for row in rows]

    def replace_all(self, records: list[PrivateRecordView]) -> int:
        """Replace every private record with ``records`` (a restore), in one transaction:
        all of them are written, under this store's key, or nothing changes."""
        key = self._require_key()
        with self._db.transaction() as session:
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
        return len(records)

    def kinds(self) -> dict[str, int]:
        """How many records of each kind (for backups and 'what this file holds')."""
        self._require_key()
        with self._db.transaction() as session:
            rows = session.execute(select(PrivateRecord.kind, func.count()).group_by(PrivateRecord.kind))
            return {kind: count for kind, count in rows}
