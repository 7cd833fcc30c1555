"""Directory rows read, and stored next meetings kept current, through a plain DB-API
``sqlite3`` connection — no SQLAlchemy. The app passes its session's own connection (the same
transaction); a command that only searches opens the file with ``sqlite3`` alone and skips
SQLAlchemy's import, which costs more than the search itself (issue #14: start-up)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict, namedtuple
from datetime import date, datetime, time
from functools import lru_cache

from services.directory import schedule as sched
from services.directory.model import ScheduleRule

CHUNK = 500
REFRESH_SCAN_FROM = 2000  # groups due a new next meeting: from here, scan the schedule rows


def tag_value(kind: str, value: str) -> str:
    """How a tag is stored and matched: vocabulary keys lower case, languages in title
    case ("Urdu", "American Sign Language")."""
    value = value.strip()
    return value.title() if kind == "language" else value.lower()


def minutes_of(value: time | None) -> int | None:
    return value.hour * 60 + value.minute if value is not None else None


def clock(minutes: int | None) -> time | None:
    return time(minutes // 60, minutes % 60) if minutes is not None else None


def stored_date(value) -> date | None:
    """A date as SQLite keeps it (ISO text) — or already a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


@lru_cache(maxsize=64)
def _row_type(fields: tuple[str, ...]):
    return namedtuple("Row", fields)


def _named_row(cursor: sqlite3.Cursor, values: tuple):
    return _row_type(tuple(column[0] for column in cursor.description))(*values)


def named_rows(connection: sqlite3.Connection, sql: str, params=()) -> list:
    """Every row of a query, its columns readable by name (``row.id``), without changing the
    connection's own row factory (SQLAlchemy owns it in the app)."""
    cursor = connection.cursor()
    cursor.row_factory = _named_row
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def first_value(connection: sqlite3.Connection, sql: str, params=()):
    row = connection.execute(sql, params).fetchone()
    return row[0] if row else None


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


RULE_SELECT = ("SELECT group_id, kind, weekday, start_minute, end_minute, timezone, interval_weeks, ordinal, "
               "anchor_date, starts_on, ends_on, note FROM directory_schedule")


def _rule(key) -> ScheduleRule:
    kind, weekday, start, end, zone, interval, ordinal, anchor, starts_on, ends_on, *note = key
    return ScheduleRule(kind=kind, weekday=weekday, start=clock(start), end=clock(end), timezone=zone,
                        interval_weeks=interval, ordinal=ordinal, anchor_date=stored_date(anchor),
                        starts_on=stored_date(starts_on), ends_on=stored_date(ends_on), note=note[0] if note else None)


def _rows_for_ids(connection: sqlite3.Connection, select: str, group_ids, order: str = ""):
    """The rows of ``select … WHERE group_id IN (the ids)``, CHUNK ids per query (SQLite limits
    how many values one statement binds)."""
    ids = list(group_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        yield from connection.execute(f"{select} WHERE group_id IN ({', '.join('?' * len(chunk))}) {order}", chunk)


def rules_for(connection: sqlite3.Connection, group_ids) -> dict[int, list[ScheduleRule]]:
    """Each group's schedule rules, in the order they were stored."""
    found: dict[int, list[ScheduleRule]] = defaultdict(list)
    for row in _rows_for_ids(connection, RULE_SELECT, group_ids, "ORDER BY id"):
        found[row[0]].append(_rule(row[1:]))
    return found


def tags_for(connection: sqlite3.Connection, group_ids) -> dict[int, dict[str, list[str]]]:
    """Each group's tags by kind (topic, audience, language, accessibility), sorted."""
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for group_id, kind, value in _rows_for_ids(connection, "SELECT group_id, kind, value FROM directory_group_tag", group_ids,
                                               "ORDER BY group_id, kind, value"):
        found[group_id][kind].append(value)
    return found


def next_meetings_for(connection: sqlite3.Connection, group_ids) -> dict[int, tuple[int | None, str | None]]:
    """Each group's stored next meeting: (UTC epoch seconds, zone name)."""
    select = "SELECT group_id, start_utc, timezone FROM directory_next_meeting"
    return {group_id: (start_utc, zone_name) for group_id, start_utc, zone_name in _rows_for_ids(connection, select, group_ids)}


def refresh_next_meetings(connection: sqlite3.Connection, now: datetime) -> int:
    """Recompute the stored next meeting of every group whose stored one has started, and of
    every group worked out for a later clock than ``now`` (the clock went backwards).

    An index range scan finds them; between searches that is usually none or a few, and
    after a long time away at most every timed group once. Rules are read in one query (for
    a few groups by index: the plain join scanned every schedule row at every search) and
    identical rules share one computation, as in an import."""
    now_epoch = epoch(now)
    due = "n.start_utc < :now OR n.computed_utc > :now OR (n.computed_utc IS NULL AND n.start_utc IS NOT NULL)"
    # Counted first, on the indexes alone: at most searches nothing is due.
    count = first_value(connection, f"SELECT count(*) FROM directory_next_meeting AS n WHERE {due}", {"now": now_epoch})
    if not count:
        return 0
    if count > REFRESH_SCAN_FROM:
        return _refresh_in_bulk(connection, due, now, now_epoch)
    columns = ("s.group_id, s.kind, s.weekday, s.start_minute, s.end_minute, s.timezone, s.interval_weeks, "
               "s.ordinal, s.anchor_date, s.starts_on, s.ends_on")
    # A few: their rules by index, in the same order.
    sql = (f"SELECT {columns} FROM directory_schedule AS s WHERE s.group_id IN "
           f"(SELECT n.group_id FROM directory_next_meeting AS n WHERE {due}) ORDER BY s.id")
    rows = connection.execute(sql, {"now": now_epoch}).fetchall()
    if not rows:
        return 0
    by_group: dict[int, list[ScheduleRule]] = defaultdict(list)
    rule_objects: dict[tuple, ScheduleRule] = {}
    for row in rows:
        key = tuple(row[1:])
        rule = rule_objects.get(key)
        if rule is None:
            rule = rule_objects[key] = _rule(key)
        by_group[row[0]].append(rule)
    cache: dict = {}
    updates = []
    for gid, rules in by_group.items():
        start_utc, zone_name = next_start(rules, now, cache)
        updates.append((start_utc, zone_name, now_epoch, gid))
    connection.executemany(
        "UPDATE directory_next_meeting SET start_utc = ?, timezone = ?, computed_utc = ? WHERE group_id = ?", updates)
    return len(updates)


def _refresh_in_bulk(connection: sqlite3.Connection, due: str, now: datetime, now_epoch: int) -> int:
    """Most groups due (after a week away every timed group is): SQLite groups each group's
    rules into one signature, Python works out each *distinct* set of rules once (thousands
    of groups share "Tuesday 19:00 in New York"), and one UPDATE writes every group's new
    next meeting from a temporary table — no Python object per group (issue #14). DDL and all,
    it runs in the caller's transaction: a failure leaves the stored meetings and indexes as
    they were."""
    rule = ("json_array(s.kind, s.weekday, s.start_minute, s.end_minute, s.timezone, s.interval_weeks, "
            "s.ordinal, s.anchor_date, s.starts_on, s.ends_on)")
    cursor = connection.cursor()
    try:
        for table in ("refresh_group", "refresh_rules", "refresh_next"):
            cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")
        cursor.execute("CREATE TEMP TABLE refresh_group (group_id INTEGER PRIMARY KEY, rules TEXT NOT NULL)")
        cursor.execute("CREATE TEMP TABLE refresh_rules (rules TEXT PRIMARY KEY, start_utc INTEGER, zone TEXT)")
        # The rules of each due group in the order they were stored (s.id), as a JSON list.
        cursor.execute(
            f"INSERT INTO temp.refresh_group (group_id, rules) "
            f"SELECT group_id, '[' || group_concat(r, ',') || ']' FROM ("
            f"  SELECT s.group_id AS group_id, {rule} AS r FROM directory_next_meeting AS n "
            f"  JOIN directory_schedule AS s ON s.group_id = n.group_id WHERE {due} ORDER BY s.group_id, s.id"
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
        # Each group's new next meeting, in the order of the table's rows.
        cursor.execute("CREATE TEMP TABLE refresh_next (group_id INTEGER PRIMARY KEY, start_utc INTEGER, zone TEXT)")
        cursor.execute("INSERT INTO temp.refresh_next (group_id, start_utc, zone) SELECT g.group_id, r.start_utc, r.zone "
                       "FROM temp.refresh_group AS g JOIN temp.refresh_rules AS r ON r.rules = g.rules ORDER BY g.group_id")
        changing = first_value(connection, "SELECT count(*) FROM temp.refresh_next")
        total = first_value(connection, "SELECT count(*) FROM directory_next_meeting")
        # When most rows change, their indexes are made again afterwards (their own SQL, as the
        # migrations made them): updating the entries one by one, in the random order of the
        # new times, cost twice the update itself.
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'directory_next_meeting' "
            "AND sql IS NOT NULL").fetchall() if 2 * changing > total else []
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "UPDATE directory_next_meeting SET start_utc = r.start_utc, timezone = r.zone, computed_utc = ? "
            "FROM temp.refresh_next AS r WHERE r.group_id = directory_next_meeting.group_id", (now_epoch,))
        changed = cursor.rowcount
        for _name, sql in indexes:
            cursor.execute(sql)
        for table in ("refresh_group", "refresh_rules", "refresh_next"):
            cursor.execute(f"DROP TABLE temp.{table}")
    finally:
        cursor.close()
    return changed
