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
    if cache is None:
        return soonest(first_meeting(rule, now) for rule in rules)
    found = []
    for rule in rules:
        if rule not in cache:
            cache[rule] = first_meeting(rule, now)
        found.append(cache[rule])
    return soonest(found)


def first_meeting(rule: ScheduleRule, now: datetime) -> tuple[int, str | None] | None:
    """The rule's first meeting from ``now`` on, as (UTC epoch seconds, zone name); None if none."""
    occurrences = sched.occurrences(rule, now, 1)
    return (epoch(occurrences[0][0]), rule.timezone) if occurrences else None


def soonest(meetings) -> tuple[int | None, str | None]:
    """The earliest of ``meetings`` (first_meeting results; None ones skipped), else (None, None)."""
    best: tuple[int | None, str | None] = (None, None)
    for found in meetings:
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
        return _refresh_in_bulk(connection, due, now, now_epoch, count)
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


# A rule as one JSON array, in _rule()'s order (the note does not change when a group meets).
# SQLite's json_array and rule_json() below write the same text for the same rule.
RULE_JSON_SQL = ("json_array(s.kind, s.weekday, s.start_minute, s.end_minute, s.timezone, s.interval_weeks, "
                 "s.ordinal, s.anchor_date, s.starts_on, s.ends_on)")


def rule_json(kind, weekday, start_minute, end_minute, zone, interval_weeks, ordinal, anchor, starts_on, ends_on) -> str:
    """What RULE_JSON_SQL makes of a rule's stored columns."""
    return json.dumps([kind, weekday, start_minute, end_minute, zone, interval_weeks, ordinal, anchor, starts_on, ends_on],
                      separators=(",", ":"), ensure_ascii=False)


def rule_set_signature(rule_jsons) -> str:
    """A group's rules, in the order they are stored, as the text ``directory_rule_set`` keeps."""
    return "[" + ",".join(rule_jsons) + "]"


def assign_rule_sets(connection: sqlite3.Connection, which: str, params=None) -> None:
    """Give the groups of ``directory_next_meeting AS n`` that match ``which`` the number of
    their set of rules, adding the sets not stored yet. For groups stored before migration
    d0008; an import numbers its groups' sets itself (repository.py), with the same text."""
    cursor = connection.cursor()
    try:
        cursor.execute("DROP TABLE IF EXISTS temp.group_rules")
        cursor.execute("CREATE TEMP TABLE group_rules (group_id INTEGER PRIMARY KEY, rules TEXT NOT NULL)")
        cursor.execute(
            f"INSERT INTO temp.group_rules (group_id, rules) "
            f"SELECT group_id, '[' || coalesce(group_concat(r, ','), '') || ']' FROM ("
            f"  SELECT n.group_id AS group_id, CASE WHEN s.id IS NULL THEN NULL ELSE {RULE_JSON_SQL} END AS r "
            f"  FROM directory_next_meeting AS n LEFT JOIN directory_schedule AS s ON s.group_id = n.group_id "
            f"  WHERE {which} ORDER BY n.group_id, s.id"
            f") GROUP BY group_id", params or {})
        cursor.execute("INSERT OR IGNORE INTO directory_rule_set (rules) SELECT DISTINCT rules FROM temp.group_rules")
        cursor.execute("UPDATE directory_next_meeting SET rule_set = r.id FROM temp.group_rules AS g "
                       "JOIN directory_rule_set AS r ON r.rules = g.rules WHERE g.group_id = directory_next_meeting.group_id")
        cursor.execute("DROP TABLE temp.group_rules")
    finally:
        cursor.close()


def _refresh_in_bulk(connection: sqlite3.Connection, due: str, now: datetime, now_epoch: int, count: int,
                     numbering_done: bool = False) -> int:
    """Most groups due (after a week away every timed group is): Python works out each due
    *set of rules* once (100,000 meetings share about 11,000), and one UPDATE writes every due
    group's new next meeting by its set's number — no Python object per group (issue #14). DDL
    and all, it runs in the caller's transaction: a failure leaves the stored meetings and
    indexes as they were. ``count``: how many groups are due."""
    params = {"now": now_epoch}
    total = first_value(connection, "SELECT count(*) FROM directory_next_meeting")
    most = 2 * count > total
    cursor = connection.cursor()
    try:
        cursor.execute("DROP TABLE IF EXISTS temp.refresh_rules")
        cursor.execute("CREATE TEMP TABLE refresh_rules (rule_set INTEGER PRIMARY KEY, start_utc INTEGER, zone TEXT)")
        # Most rows due: one pass over the narrow table beats three index ranges (22 vs 75 ms).
        distinct = cursor.execute(
            f"SELECT r.id, r.rules FROM directory_rule_set AS r WHERE r.id IN "
            f"(SELECT n.rule_set FROM directory_next_meeting AS n {'NOT INDEXED' if most else ''} WHERE {due})",
            params).fetchall()
        # Each distinct rule worked out once, keyed by its stored values; the sets parsed in one call.
        first_of: dict[tuple, tuple | None] = {}
        results = []
        for (rule_set, _), rules in zip(distinct, json.loads("[" + ",".join(rules for _, rules in distinct) + "]")):
            found = []
            for values in rules:
                key = tuple(values)
                if key not in first_of:
                    first_of[key] = first_meeting(_rule(key), now)
                found.append(first_of[key])
            results.append((rule_set, *soonest(found)))
        cursor.executemany("INSERT INTO temp.refresh_rules (rule_set, start_utc, zone) VALUES (?, ?, ?)", results)
        # When most rows change, their indexes are made again afterwards (their own SQL, as the
        # migrations made them): updating the entries one by one, in the random order of the
        # new times, cost twice the update itself.
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'directory_next_meeting' "
            "AND sql IS NOT NULL").fetchall() if most else []
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            f"UPDATE directory_next_meeting AS n SET start_utc = r.start_utc, timezone = r.zone, computed_utc = :now "
            f"FROM temp.refresh_rules AS r WHERE r.rule_set = n.rule_set AND ({due})", params)
        changed = cursor.rowcount
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute("DROP TABLE temp.refresh_rules")
    finally:
        cursor.close()
    if changed < count and not numbering_done:
        # Due groups without a set's number: stored before migration d0008 (once, at the first
        # refresh after it). Numbered, then refreshed the same way.
        assign_rule_sets(connection, f"({due}) AND (n.rule_set IS NULL OR n.rule_set NOT IN (SELECT id FROM directory_rule_set))",
                         params)
        changed += _refresh_in_bulk(connection, due, now, now_epoch, count - changed, numbering_done=True)
    return changed
