"""Directory rows in SQLite: writing a source's groups in one transaction, keeping each
group's stored next meeting current, and reading groups back as dataclasses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.directory import rows
# Re-exported: importers, sync and tests use them from here.
from services.directory.rows import epoch, minutes_of as _minutes, next_start, tag_value  # noqa: F401
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ScheduleRule, SourceInfo
from services.models import FTS_TABLE, DirectoryGroup, DirectorySource

TAG_KINDS = ("topic", "audience", "language", "accessibility")


def get_or_create_source(session: Session, name: str, kind: str, now: datetime) -> DirectorySource:
    source = session.scalar(select(DirectorySource).where(DirectorySource.name == name))
    if source is None:
        source = DirectorySource(name=name, kind=kind, created_at=now)
        session.add(source)
        session.flush()
    return source


def replace_source_groups(session: Session, source: DirectorySource, groups: list[GroupRecord], now: datetime) -> int:
    """Delete the source's groups and insert ``groups``: the caller's transaction makes it
    all or nothing. Returns how many groups the source had before."""
    before = session.scalar(select(func.count()).select_from(DirectoryGroup).where(DirectoryGroup.source_id == source.id)) or 0
    total = session.scalar(select(func.count()).select_from(DirectoryGroup)) or 0
    # When most of the text index changes, rebuilding it in one pass is several times cheaper
    # than deleting and adding each entry through its triggers (issue #14: a sync replacing
    # 100,000 groups).
    bulk = _bulk_text_index(session) if _rebuild_pays(before + len(groups), total - before) else None
    session.execute(delete(DirectoryGroup).where(DirectoryGroup.source_id == source.id))
    next_id = (session.scalar(select(func.max(DirectoryGroup.id))) or 0) + 1
    cache: dict = {}
    # Plain DB-API executemany: at 100,000 groups SQLAlchemy's per-row parameter handling
    # costs more than SQLite's own work. Values are stored exactly as the models' types
    # store them (ISO dates, 0/1 booleans), so ORM reads see no difference. Rows are written
    # INSERT_BATCH groups at a time, so they are never all in memory at once (issue #14).
    cursor = session.connection().connection.dbapi_connection.cursor()
    # Per distinct rule (by identity: importers share one object per rule, and ``groups``
    # keeps every rule alive, so an id is not reused meanwhile): its row and its next meeting.
    per_rule: dict = {}
    tags: dict = {}  # (kind, values) → the values as stored
    rule_sets = _RuleSets(cursor)
    try:
        for first in range(0, len(groups), INSERT_BATCH):
            _insert_groups(cursor, source, groups[first:first + INSERT_BATCH], next_id + first, now, cache, per_rule, tags,
                           rule_sets)
        # Sets no group has any more (this source's old groups were their last).
        cursor.execute("DELETE FROM directory_rule_set WHERE id NOT IN "
                       "(SELECT rule_set FROM directory_next_meeting WHERE rule_set IS NOT NULL)")
        if bulk is not None:
            bulk.rebuild(cursor)
    finally:
        cursor.close()
    return before


class _RuleSets:
    """Numbers for the distinct sets of rules of the groups being written (migration d0008):
    the ones stored already, then new ones, each saved once."""

    def __init__(self, cursor) -> None:
        self.by_signature: dict[str, int] = dict(cursor.execute("SELECT rules, id FROM directory_rule_set"))
        self.next_id = max(self.by_signature.values(), default=0) + 1
        self.by_rules: dict[tuple, int] = {}  # the rules' identities (as per_rule) → number
        self.new: list[tuple[int, str]] = []

    def number(self, entries: list) -> int:
        """The number of the set of rules whose per_rule entries are ``entries``."""
        rules = tuple(id(entry[0]) for entry in entries)
        found = self.by_rules.get(rules)
        if found is None:
            signature = rows.rule_set_signature(entry[3] for entry in entries)
            found = self.by_signature.get(signature)
            if found is None:
                found = self.by_signature[signature] = self.next_id
                self.next_id += 1
                self.new.append((found, signature))
            self.by_rules[rules] = found
        return found

    def save_new(self, cursor) -> None:
        cursor.executemany("INSERT INTO directory_rule_set (id, rules) VALUES (?, ?)", self.new)
        self.new = []


INSERT_BATCH = 5000


def _insert_groups(cursor, source: DirectorySource, groups: list[GroupRecord], next_id: int, now: datetime, cache: dict,
                   per_rule: dict, tags: dict, rule_sets: _RuleSets) -> None:
    group_rows, next_rows, rule_rows, tag_rows = [], [], [], []
    source_id, prefix, now_epoch = source.id, f"{source.name}/", epoch(now)
    for offset, record in enumerate(groups):
        gid = next_id + offset
        # next_start(record.schedule, now, cache), with each rule's part worked out once
        start_utc = zone_name = None
        entries = []
        for rule in record.schedule:
            entry = per_rule.get(id(rule))
            if entry is None:
                values = _rule_values(rule)
                entry = per_rule[id(rule)] = (rule, values, next_start((rule,), now, cache), _rule_json(values))
            entries.append(entry)
            found = entry[2]
            if found[0] is not None and (start_utc is None or found[0] < start_utc):
                start_utc, zone_name = found
            rule_rows.append((gid, *entry[1]))
        rule_set = rule_sets.number(entries)
        loc, online, contact = record.location, record.online, record.contact
        group_rows.append((
            gid, source_id, record.external_id, prefix + record.external_id, record.name,
            record.description, record.notes, record.leadership, record.facilitator_credentials, record.attendance,
            record.cost, record.cost_note, record.typical_size, record.registration, record.confidentiality,
            loc.venue, loc.address, loc.city, loc.region, loc.postal_code, loc.country, loc.latitude, loc.longitude,
            int(loc.approximate), online.url, online.phone, online.notes, contact.name, contact.email, contact.phone,
            contact.website, record.status, _iso(record.last_verified), record.timezone_origin,
            ",".join(record.type_codes) or None,
        ))
        next_rows.append((gid, start_utc, zone_name, now_epoch, rule_set))
        for kind, values in (("topic", record.topics), ("audience", record.audience), ("language", record.languages),
                             ("accessibility", record.accessibility)):
            if not values:
                continue
            key = (kind, values)
            stored = tags.get(key)
            if stored is None:
                stored = tags[key] = tuple(value[:120] for value in dict.fromkeys(tag_value(kind, v) for v in values) if value)
            for value in stored:
                tag_rows.append((gid, kind, value))
    cursor.executemany(f"INSERT INTO directory_group ({', '.join(GROUP_COLUMNS)}) VALUES ({', '.join('?' * len(GROUP_COLUMNS))})", group_rows)
    rule_sets.save_new(cursor)
    cursor.executemany("INSERT INTO directory_next_meeting (group_id, start_utc, timezone, computed_utc, rule_set) "
                       "VALUES (?, ?, ?, ?, ?)", next_rows)
    cursor.executemany(f"INSERT INTO directory_schedule ({', '.join(RULE_COLUMNS)}) VALUES ({', '.join('?' * len(RULE_COLUMNS))})", rule_rows)
    cursor.executemany("INSERT INTO directory_group_tag (group_id, kind, value) VALUES (?, ?, ?)", tag_rows)


def _rule_values(rule: ScheduleRule) -> tuple:
    """A rule's directory_schedule columns after group_id."""
    return (rule.kind, rule.weekday, rule.interval_weeks, rule.ordinal, _minutes(rule.start), _minutes(rule.end),
            rule.timezone, _iso(rule.anchor_date), _iso(rule.starts_on), _iso(rule.ends_on), rule.note)


def _rule_json(values: tuple) -> str:
    """rows.rule_json of a rule's _rule_values."""
    kind, weekday, interval, ordinal, start, end, zone, anchor, starts_on, ends_on, _note = values
    return rows.rule_json(kind, weekday, start, end, zone, interval, ordinal, anchor, starts_on, ends_on)


BULK_MIN_CHANGES = 2000


def _rebuild_pays(changing: int, staying: int) -> bool:
    """Rebuild the text index in bulk when at least BULK_MIN_CHANGES entries change and they
    outnumber the ones that stay (a rebuild re-reads those too)."""
    return changing >= BULK_MIN_CHANGES and changing > staying


_FTS_INSERT = re.compile(
    rf"INSERT INTO {FTS_TABLE}\s*\(([^)]*)\)\s*VALUES\s*\((.*)\)\s*;\s*END\s*$", re.IGNORECASE | re.DOTALL)


class _BulkTextIndex:
    """The text index's triggers, dropped for one transaction and put back by ``rebuild``,
    which also makes the index anew from every group. Its definition and the triggers' own
    SQL are read from the database, so they are the ones the migrations made."""

    def __init__(self, table_sql: str, triggers: list[tuple[str, str]], columns: str, values: str):
        self.table_sql, self.triggers, self.columns, self.values = table_sql, triggers, columns, values

    def suspend(self, cursor) -> None:
        for name, _sql in self.triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')

    def rebuild(self, cursor) -> None:
        cursor.execute(f"DROP TABLE {FTS_TABLE}")
        cursor.execute(self.table_sql)
        # The insert trigger's own expressions, over every row: the table is named "new" as
        # the trigger's row is.
        cursor.execute(f"INSERT INTO {FTS_TABLE}({self.columns}) SELECT {self.values} FROM directory_group AS new")
        for _name, sql in self.triggers:
            cursor.execute(sql)


def _bulk_text_index(session: Session) -> _BulkTextIndex | None:
    """Suspend the text index's triggers for a bulk rebuild; None (keep the triggers) when the
    schema is not the expected shape."""
    dbapi_connection = session.connection().connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        table = cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)).fetchone()
        triggers = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'directory_group' "
            "AND sql LIKE ? ORDER BY name", (f"%{FTS_TABLE}%",)).fetchall()
        inserts = [_FTS_INSERT.search(sql) for name, sql in triggers if "AFTER INSERT" in sql.upper()]
        if table is None or len(inserts) != 1 or inserts[0] is None:
            return None
        bulk = _BulkTextIndex(table[0], [(name, sql) for name, sql in triggers], inserts[0].group(1), inserts[0].group(2))
        if not dbapi_connection.in_transaction:
            # DDL does not open a transaction by itself in Python's sqlite3: open one, so
            # the dropped triggers come back with everything else or not at all.
            cursor.execute("BEGIN")
        bulk.suspend(cursor)
        return bulk
    finally:
        cursor.close()


GROUP_COLUMNS = (
    "id", "source_id", "external_id", "uid", "name", "description", "notes", "leadership", "facilitator_credentials",
    "attendance", "cost", "cost_note", "typical_size", "registration", "confidentiality", "venue", "address", "city",
    "region", "postal_code", "country", "latitude", "longitude", "location_approximate", "online_url", "online_phone",
    "online_notes", "contact_name", "contact_email", "contact_phone", "website", "status", "last_verified",
    "timezone_origin", "type_codes",
)
RULE_COLUMNS = (
    "group_id", "kind", "weekday", "interval_weeks", "ordinal", "start_minute", "end_minute", "timezone",
    "anchor_date", "starts_on", "ends_on", "note",
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def raw_connection(session: Session):
    """The session's own DB-API (sqlite3) connection, in the session's transaction."""
    return session.connection().connection.dbapi_connection


def rules_for(session: Session, group_ids) -> dict[int, list[ScheduleRule]]:
    return rows.rules_for(raw_connection(session), group_ids)


def tags_for(session: Session, group_ids) -> dict[int, dict[str, list[str]]]:
    return rows.tags_for(raw_connection(session), group_ids)


def refresh_next_meetings(session: Session, now: datetime) -> int:
    """See ``rows.refresh_next_meetings``."""
    return rows.refresh_next_meetings(raw_connection(session), now)


def record_from_row(row: DirectoryGroup, rules: list[ScheduleRule], tags: dict[str, list[str]]) -> GroupRecord:
    return GroupRecord(
        external_id=row.external_id, name=row.name, description=row.description, notes=row.notes,
        topics=tuple(tags.get("topic", ())), audience=tuple(tags.get("audience", ())),
        leadership=row.leadership, facilitator_credentials=row.facilitator_credentials,
        attendance=row.attendance, schedule=tuple(rules),
        location=Location(venue=row.venue, address=row.address, city=row.city, region=row.region,
                          postal_code=row.postal_code, country=row.country, latitude=row.latitude,
                          longitude=row.longitude, approximate=row.location_approximate),
        online=OnlineAccess(url=row.online_url, phone=row.online_phone, notes=row.online_notes),
        cost=row.cost, cost_note=row.cost_note, typical_size=row.typical_size, registration=row.registration,
        confidentiality=row.confidentiality, languages=tuple(tags.get("language", ())),
        accessibility=tuple(tags.get("accessibility", ())),
        contact=Contact(name=row.contact_name, email=row.contact_email, phone=row.contact_phone, website=row.website),
        status=row.status, last_verified=row.last_verified, timezone_origin=row.timezone_origin,
        type_codes=tuple(row.type_codes.split(",")) if row.type_codes else (),
    )


def sources(session: Session) -> list[SourceInfo]:
    counts = dict(session.execute(select(DirectoryGroup.source_id, func.count()).group_by(DirectoryGroup.source_id)).all())
    result = []
    for source in session.scalars(select(DirectorySource).order_by(DirectorySource.name)):
        last = source.last_imported_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)  # SQLite keeps no offset; we always write UTC
        result.append(SourceInfo(source.name, source.kind, source.format, source.location, source.publisher,
                                 counts.get(source.id, 0), last))
    return result


def mark_imported(session: Session, source: DirectorySource, **fields) -> None:
    session.execute(update(DirectorySource).where(DirectorySource.id == source.id).values(**fields))
