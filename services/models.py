"""Typed SQLAlchemy models.

Public directory data and private data live in two different SQLite files, each with
its own declarative base and its own Alembic history, so that a directory sync can
replace rows without touching anything private and a backup holds only the person's own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names keep Alembic batch migrations on SQLite predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DirectoryBase(DeclarativeBase):
    """Public data: the directory of groups and where it came from."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PrivateBase(DeclarativeBase):
    """The person's own data. Later revisions add encrypted records here."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DirectorySource(DirectoryBase):
    """A place directory data comes from: the bundled file, an imported file or a feed."""

    __tablename__ = "directory_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # bundled | file | feed
    location: Mapped[str | None] = mapped_column(Text)  # file path or URL
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    format: Mapped[str | None] = mapped_column(String(40))  # kindred | meeting-guide | hsds | csv
    publisher: Mapped[str | None] = mapped_column(Text)
    # Subscribed feeds (kind "feed", URL in ``location``): migration d0003.
    public_key: Mapped[str | None] = mapped_column(Text)  # pinned Ed25519 key (base64); None = unverified
    timezone: Mapped[str | None] = mapped_column(String(64))  # for groups whose feed gives no zone
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    etag: Mapped[str | None] = mapped_column(Text)  # validators of the last applied download
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # applied or confirmed unchanged
    last_error: Mapped[str | None] = mapped_column(Text)  # the last check's failure: services.i18n.Message.stored() JSON (older rows: plain English)
    group_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The held copy's own "generated_at" (Kindred feeds), against rollback: migration d0005.
    feed_generated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DevicePreference(PrivateBase):
    """Device preferences that must be readable while the app is locked.

    Only things the locked app needs live here (theme, the country for the crisis
    lines, whether the welcome was seen). Anything personal belongs in the
    encrypted store instead.
    """

    __tablename__ = "device_preference"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KeySlot(PrivateBase):
    """The data key, wrapped (encrypted) by one way of unlocking: a passphrase, the
    one-time recovery code, or a key kept in the OS keyring."""

    __tablename__ = "key_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(20), unique=True)  # passphrase | recovery | keyring
    kdf: Mapped[str] = mapped_column(Text)  # JSON: algorithm and parameters, with the salt
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-GCM(data key)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrivateRecord(PrivateBase):
    """One private record, encrypted. Only what ordering needs stays plain."""

    __tablename__ = "private_record"
    __table_args__ = (Index("ix_private_record_kind_occurred", "kind", "occurred_at", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-256-GCM(JSON payload)
class KeyEpoch(PrivateBase):
    """Which data key is current, and since when (migration p0003).

    One row. ``key_id`` is derived from the data key (``crypto.key_id``), ``epoch`` is a
    random token renewed whenever the data behind the key is replaced (set-up, restore).
    Every read and write of an unlocked store compares its own key id and epoch with this
    row in the same transaction, so a window opened before "Delete all my data" or a
    restore in another window can neither read nor write any more.
    """

    __tablename__ = "key_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    key_id: Mapped[str] = mapped_column(String(64))
    epoch: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SetAsideRecord(PrivateBase):
    """A private record that does not decrypt under the current key, kept as it was
    (ciphertext) so that nothing is thrown away, and out of the way of everything else.

    Not unique on ``record_id``: a record kept aside may be written again under its id
    (the settings record has a fixed id), and the old copy must stay.
    """

    __tablename__ = "private_record_aside"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    set_aside_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecordGeneration(PrivateBase):
    """How many times rows of a kind of private record were written (migration p0005).

    Bumped by SQLite triggers on ``private_record`` (INSERT, UPDATE, DELETE), never by
    Python: every write path changes it, including ones that do not know about it."""

    __tablename__ = "record_generation"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class PrivateSummary(PrivateBase):
    """Data derived from private records (the journal's per-day aggregates for Insights),
    sealed under the data key, with the ``RecordGeneration`` value it was built from. Not
    carried by backups or device sync: it is rebuilt from the records whenever stale."""

    __tablename__ = "private_summary"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class SyncRecord(PrivateBase):
    """Folder sync (migration p0004): the version of each private record as last written
    or merged — its version vector (device id -> hybrid-logical-clock time, JSON), the
    winning time and device, a keyed digest of its content (HMAC under a key derived from
    the data key, so it says nothing without the key) or a tombstone, and whether this
    device still has to publish it. Ids and kinds are as plain as in ``private_record``."""

    __tablename__ = "sync_record"

    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    vv: Mapped[str] = mapped_column(Text)
    hlc: Mapped[int] = mapped_column(Integer)
    device: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str | None] = mapped_column(String(64))  # None: a tombstone
    sealed: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the row's ciphertext then: unchanged rows skip decrypting
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)


class SyncSeen(PrivateBase):
    """Change files in the sync folder already merged (their random names; a file is
    never rewritten under the same name)."""

    __tablename__ = "sync_seen"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SyncMeta(PrivateBase):
    """This device's sync settings (folder, device id and name, clock, devices seen, last
    synced), each value sealed under the data key: readable only once unlocked. Not part of
    backups: a restored backup never makes a device take another's identity."""

    __tablename__ = "sync_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class DirectoryGroup(DirectoryBase):
    """One support group (or meeting) from one source.

    ``external_id`` is the source's own id; ``uid`` ("source/external_id") is what callers
    see, stable across re-imports of the same source. Multi-valued fields (topics,
    audience, languages, accessibility, raw feed type codes) live in ``directory_group_tag``
    so filters use an index rather than scanning text.
    """

    __tablename__ = "directory_group"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),
                      Index("ix_directory_group_attendance_status", "attendance", "status"))  # migration d0007

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: the unique (source_id, external_id) index starts with it.
    source_id: Mapped[int] = mapped_column(ForeignKey("directory_source.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(300))
    uid: Mapped[str] = mapped_column(String(520), unique=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    leadership: Mapped[str] = mapped_column(String(20))  # peer | professional | co_facilitated | unknown
    facilitator_credentials: Mapped[str | None] = mapped_column(Text)
    # attendance, cost and status take a handful of values each: an index on them would
    # slow every import and rarely beat checking the rows the other conditions select.
    attendance: Mapped[str] = mapped_column(String(20))  # in_person | online | hybrid
    cost: Mapped[str] = mapped_column(String(20))  # free | donation | sliding_scale | fee | unknown
    cost_note: Mapped[str | None] = mapped_column(Text)
    typical_size: Mapped[int | None] = mapped_column(Integer)
    registration: Mapped[str] = mapped_column(String(20))  # drop_in | register | intake_call | unknown
    confidentiality: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[float | None] = mapped_column(Float, index=True)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_approximate: Mapped[bool] = mapped_column(Boolean)
    online_url: Mapped[str | None] = mapped_column(Text)
    online_phone: Mapped[str | None] = mapped_column(String(120))
    online_notes: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))  # active | temporarily_closed | inactive
    last_verified: Mapped[date | None] = mapped_column(Date)
    timezone_origin: Mapped[str] = mapped_column(String(20))  # feed | import | coordinates | place | unknown
    # The feed's own type codes ("O,W,XYZ"), kept so nothing is lost on export; not searched.
    type_codes: Mapped[str | None] = mapped_column(Text)


class DirectoryNextMeeting(DirectoryBase):
    """A group's next meeting start as a UTC instant (epoch seconds) and the zone of the rule
    it came from: one row per group, kept so "soonest" and "within 24 h" are index lookups at
    100k groups. Rows whose instant has passed are worked out again before every search; a
    table of its own so that rewrites a few bytes per group, not its whole row (migration d0006)."""

    __tablename__ = "directory_next_meeting"

    group_id: Mapped[int] = mapped_column(ForeignKey("directory_group.id", ondelete="CASCADE"), primary_key=True)
    start_utc: Mapped[int | None] = mapped_column(Integer, index=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # the moment start_utc was worked out for: a clock earlier than this works it out again
    computed_utc: Mapped[int | None] = mapped_column(Integer, index=True)
    # the group's set of schedule rules (directory_rule_set.id): a refresh after time away works
    # out each set once and writes its groups by this number (migration d0008). NULL until the
    # first refresh that needs it, for groups stored before d0008.
    rule_set: Mapped[int | None] = mapped_column(Integer)


class DirectoryRuleSet(DirectoryBase):
    """A distinct set of schedule rules, as the JSON list ``rows.rule_set_signature`` makes: tens
    of thousands of meetings share a few thousand sets ("Tuesday 19:00 in New York")."""

    __tablename__ = "directory_rule_set"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rules: Mapped[str] = mapped_column(Text, unique=True)


class DirectorySchedule(DirectoryBase):
    """One schedule rule of a group (a group may meet on several days)."""

    __tablename__ = "directory_schedule"
    __table_args__ = (Index("ix_directory_schedule_weekday_start", "weekday", "start_minute", "group_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("directory_group.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # weekly | monthly | by_appointment | varies
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday, local to the meeting
    interval_weeks: Mapped[int] = mapped_column(Integer)
    ordinal: Mapped[int | None] = mapped_column(Integer)  # monthly: 1..5, or -1 for "last"
    start_minute: Mapped[int | None] = mapped_column(Integer)  # minutes after local midnight
    end_minute: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA name; NULL = unknown
    anchor_date: Mapped[date | None] = mapped_column(Date)  # a date the rule met on (every N weeks)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class DirectoryGroupTag(DirectoryBase):
    """A value of a multi-valued field that search filters on: topic, audience, language or
    accessibility. WITHOUT ROWID: the primary key is the table, one B-tree fewer to fill."""

    __tablename__ = "directory_group_tag"
    __table_args__ = (Index("ix_directory_group_tag_kind_value", "kind", "value", "group_id"), {"sqlite_with_rowid": False})

    group_id: Mapped[int] = mapped_column(ForeignKey("directory_group.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)


# Full-text search lives in an FTS5 virtual table created by migration d0002 (SQLAlchemy
# has no model for virtual tables). Schema comparisons must skip it and its shadow tables.
FTS_TABLE = "directory_group_fts"


def include_in_schema_comparison(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))
