"""Directory rows in SQLite: writing a source's groups in one transaction, keeping each
group's stored next meeting current, and reading groups back as dataclasses."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime, time

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from services.directory import schedule as sched
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ScheduleRule, SourceInfo
from services.models import FTS_TABLE, DirectoryGroup, DirectoryGroupTag, DirectorySchedule, DirectorySource

TAG_KINDS = ("topic", "audience", "language", "accessibility")
CHUNK = 500
REFRESH_SCAN_FROM = 2000  # groups due a new next meeting: from here, scan the schedule rows


def tag_value(kind: str, value: str) -> str:
    """How a tag is stored and matched: vocabulary keys lower case, languages in title
    case ("Urdu", "American Sign Language")."""
    value = value.strip()
    return value.title() if kind == "language" else value.lower()


def _minutes(value: time | None) -> int | None:
    return value.hour * 60 + value.minute if value is not None else None


def _clock(minutes: int | None) -> time | None:
    return time(minutes // 60, minutes % 60) if minutes is not None else None


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def next_start(rules, now: datetime, cache: dict | None = None) -> tuple[int | None, str | None]:
    """The soonest next meeting over ``rules`` as (UTC epoch seconds, zone name).

    ``cache`` maps a rule to its first occurrence: within one import thousands of groups
    share the same rule (Tuesday 19:00 in New York), so each is worked out once."""
    best: tuple[int | None, str | None] = (None, None)
    for rule in rules:
        if cache is not None and rule in cache:
            found = cache[rule]
        else:
            occurrences = sched.occurrences(rule, now, 1)
            found = (epoch(occurrences[0][0]), rule.timezone) if occurrences else None
            if cache is not None:
                cache[rule] = found
        if found is not None and (best[0] is None or found[0] < best[0]):
            best = found
    return best


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
    try:
        for first in range(0, len(groups), INSERT_BATCH):
            _insert_groups(cursor, source, groups[first:first + INSERT_BATCH], next_id + first, now, cache, per_rule, tags)
        if bulk is not None:
            bulk.rebuild(cursor)
    finally:
        cursor.close()
    return before


INSERT_BATCH = 5000


def _insert_groups(cursor, source: DirectorySource, groups: list[GroupRecord], next_id: int, now: datetime, cache: dict,
                   per_rule: dict | None = None, tags: dict | None = None) -> None:
    per_rule = {} if per_rule is None else per_rule
    tags = {} if tags is None else tags
    group_rows, rule_rows, tag_rows = [], [], []
    source_id, prefix, now_epoch = source.id, f"{source.name}/", epoch(now)
    for offset, record in enumerate(groups):
        gid = next_id + offset
        # next_start(record.schedule, now, cache), with each rule's part worked out once
        start_utc = zone_name = None
        for rule in record.schedule:
            entry = per_rule.get(id(rule))
            if entry is None:
                entry = per_rule[id(rule)] = (rule, _rule_values(rule), next_start((rule,), now, cache))
            found = entry[2]
            if found[0] is not None and (start_utc is None or found[0] < start_utc):
                start_utc, zone_name = found
            rule_rows.append((gid, *entry[1]))
        loc, online, contact = record.location, record.online, record.contact
        group_rows.append((
            gid, source_id, record.external_id, prefix + record.external_id, record.name,
            record.description, record.notes, record.leadership, record.facilitator_credentials, record.attendance,
            record.cost, record.cost_note, record.typical_size, record.registration, record.confidentiality,
            loc.venue, loc.address, loc.city, loc.region, loc.postal_code, loc.country, loc.latitude, loc.longitude,
            int(loc.approximate), online.url, online.phone, online.notes, contact.name, contact.email, contact.phone,
            contact.website, record.status, _iso(record.last_verified), record.timezone_origin, start_utc, zone_name,
            ",".join(record.type_codes) or None, now_epoch,
        ))
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
    cursor.executemany(f"INSERT INTO directory_schedule ({', '.join(RULE_COLUMNS)}) VALUES ({', '.join('?' * len(RULE_COLUMNS))})", rule_rows)
    cursor.executemany("INSERT INTO directory_group_tag (group_id, kind, value) VALUES (?, ?, ?)", tag_rows)


def _rule_values(rule: ScheduleRule) -> tuple:
    """A rule's directory_schedule columns after group_id."""
    return (rule.kind, rule.weekday, rule.interval_weeks, rule.ordinal, _minutes(rule.start), _minutes(rule.end),
            rule.timezone, _iso(rule.anchor_date), _iso(rule.starts_on), _iso(rule.ends_on), rule.note)


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
    "timezone_origin", "next_start_utc", "next_timezone", "type_codes", "next_computed_utc",
)
RULE_COLUMNS = (
    "group_id", "kind", "weekday", "interval_weeks", "ordinal", "start_minute", "end_minute", "timezone",
    "anchor_date", "starts_on", "ends_on", "note",
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _rule_from_row(row) -> ScheduleRule:
    return ScheduleRule(
        kind=row.kind, weekday=row.weekday, start=_clock(row.start_minute), end=_clock(row.end_minute),
        timezone=row.timezone, interval_weeks=row.interval_weeks, ordinal=row.ordinal,
        anchor_date=row.anchor_date, starts_on=row.starts_on, ends_on=row.ends_on, note=row.note,
    )


def rules_for(session: Session, group_ids) -> dict[int, list[ScheduleRule]]:
    found: dict[int, list[ScheduleRule]] = defaultdict(list)
    ids = list(group_ids)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(DirectorySchedule).where(DirectorySchedule.group_id.in_(ids[start:start + CHUNK])).order_by(DirectorySchedule.id)
        ).scalars()
        for row in rows:
            found[row.group_id].append(_rule_from_row(row))
    return found


def tags_for(session: Session, group_ids) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    ids = list(group_ids)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(DirectoryGroupTag.group_id, DirectoryGroupTag.kind, DirectoryGroupTag.value)
            .where(DirectoryGroupTag.group_id.in_(ids[start:start + CHUNK]))
            .order_by(DirectoryGroupTag.group_id, DirectoryGroupTag.kind, DirectoryGroupTag.value)
        )
        for group_id, kind, value in rows:
            found[group_id][kind].append(value)
    return found


def refresh_next_meetings(session: Session, now: datetime) -> int:
    """Recompute the stored next meeting of every group whose stored one has started, and of
    every group worked out for a later clock than ``now`` (the clock went backwards).

    An index range scan finds them; between searches that is usually none or a few, and
    after a long time away at most every timed group once. Rules are read in one query (for
    a few groups by index: the plain join scanned every schedule row at every search) and
    identical rules share one computation, as in an import."""
    now_epoch = epoch(now)
    due = ("g.next_start_utc < :now OR g.next_computed_utc > :now "
           "OR (g.next_computed_utc IS NULL AND g.next_start_utc IS NOT NULL)")
    # Counted first, on the indexes alone: at most searches nothing is due.
    count = session.execute(text(f"SELECT count(*) FROM directory_group AS g WHERE {due}"), {"now": now_epoch}).scalar()
    if not count:
        return 0
    if count > REFRESH_SCAN_FROM:
        return _refresh_in_bulk(session, due, now, now_epoch)
    columns = ("s.group_id, s.kind, s.weekday, s.start_minute, s.end_minute, s.timezone, s.interval_weeks, "
               "s.ordinal, s.anchor_date, s.starts_on, s.ends_on")
    # A few: their rules by index, in the same order.
    sql = (f"SELECT {columns} FROM directory_schedule AS s WHERE s.group_id IN "
           f"(SELECT g.id FROM directory_group AS g WHERE {due}) ORDER BY s.id")
    rows = session.execute(text(sql), {"now": now_epoch}).all()
    if not rows:
        return 0
    by_group: dict[int, list[ScheduleRule]] = defaultdict(list)
    rule_objects: dict[tuple, ScheduleRule] = {}
    for row in rows:
        key = tuple(row[1:])
        rule = rule_objects.get(key)
        if rule is None:
            rule = rule_objects[key] = _rule(key)
        by_group[row.group_id].append(rule)
    cache: dict = {}
    updates = []
    for gid, rules in by_group.items():
        start_utc, zone_name = next_start(rules, now, cache)
        updates.append((start_utc, zone_name, now_epoch, gid))
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.executemany(
            "UPDATE directory_group SET next_start_utc = ?, next_timezone = ?, next_computed_utc = ? WHERE id = ?", updates)
    finally:
        cursor.close()
    return len(updates)


def _rule(key) -> ScheduleRule:
    kind, weekday, start, end, zone, interval, ordinal, anchor, starts_on, ends_on = key
    return ScheduleRule(kind=kind, weekday=weekday, start=_clock(start), end=_clock(end), timezone=zone,
                        interval_weeks=interval, ordinal=ordinal, anchor_date=_date(anchor),
                        starts_on=_date(starts_on), ends_on=_date(ends_on))


def _refresh_in_bulk(session: Session, due: str, now: datetime, now_epoch: int) -> int:
    """Most groups due (after a week away every timed group is): SQLite groups each group's
    rules into one signature, Python works out each *distinct* set of rules once (thousands
    of groups share "Tuesday 19:00 in New York"), and one UPDATE writes every group's new
    next meeting from a temporary table — no Python object per group (issue #14)."""
    import json

    rule = ("json_array(s.kind, s.weekday, s.start_minute, s.end_minute, s.timezone, s.interval_weeks, "
            "s.ordinal, s.anchor_date, s.starts_on, s.ends_on)")
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.execute("DROP TABLE IF EXISTS temp.refresh_group")
        cursor.execute("DROP TABLE IF EXISTS temp.refresh_rules")
        cursor.execute("CREATE TEMP TABLE refresh_group (group_id INTEGER PRIMARY KEY, rules TEXT NOT NULL)")
        cursor.execute("CREATE TEMP TABLE refresh_rules (rules TEXT PRIMARY KEY, start_utc INTEGER, zone TEXT)")
        # The rules of each due group in the order they were stored (s.id), as a JSON list.
        cursor.execute(
            f"INSERT INTO temp.refresh_group (group_id, rules) "
            f"SELECT group_id, '[' || group_concat(r, ',') || ']' FROM ("
            f"  SELECT s.group_id AS group_id, {rule} AS r FROM directory_group AS g "
            f"  JOIN directory_schedule AS s ON s.group_id = g.id WHERE {due} ORDER BY s.group_id, s.id"
            f") GROUP BY group_id", {"now": now_epoch})
        distinct = cursor.execute("SELECT DISTINCT rules FROM temp.refresh_group").fetchall()
        cache: dict = {}
        rule_objects: dict[tuple, ScheduleRule] = {}
        results = []
        for (signature,) in distinct:
            rules = []
            for values in json.loads(signature):
                key = tuple(values)
                found = rule_objects.get(key)
                if found is None:
                    found = rule_objects[key] = _rule(key)
                rules.append(found)
            results.append((signature, *next_start(rules, now, cache)))
        cursor.executemany("INSERT INTO temp.refresh_rules (rules, start_utc, zone) VALUES (?, ?, ?)", results)
        cursor.execute(
            "UPDATE directory_group SET (next_start_utc, next_timezone, next_computed_utc) = "
            "(SELECT r.start_utc, r.zone, ? FROM temp.refresh_group AS g "
            " JOIN temp.refresh_rules AS r ON r.rules = g.rules WHERE g.group_id = directory_group.id) "
            "WHERE id IN (SELECT group_id FROM temp.refresh_group)", (now_epoch,))
        changed = cursor.rowcount
        cursor.execute("DROP TABLE temp.refresh_group")
        cursor.execute("DROP TABLE temp.refresh_rules")
    finally:
        cursor.close()
    return changed


def _date(value):
    from datetime import date

    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


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
