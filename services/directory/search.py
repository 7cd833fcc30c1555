"""Search in the database: FTS5 for text (prefix matching, bm25 relevance), indexed
filters, and sorts by relevance, soonest next meeting or distance, with stable paging.

Python only touches the page it returns (plus the groups whose stored next meeting has
passed, see rows.refresh_next_meetings). No SQLAlchemy: see ``rows``.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services.directory import places
from services.directory.model import ATTENDANCES, COSTS, GroupSummary, NextMeeting, SearchPage
from services.directory.rows import (epoch, first_value, named_rows, next_meetings_for, refresh_next_meetings, rules_for, tag_value,
                                     tags_for)
from services.directory.schedule import describe_rule, local_zone_name, valid_zone, zone
from services.directory.vocabulary import tags_for_word

# A listing not updated for this long may be out of date: the person should check before going.
STALE_AFTER_DAYS = 180

# Who meets where: a radius and a distance only mean something for groups that meet in person.
IN_PERSON_SQL = "('in_person', 'hybrid')"
REMOTE_SQL = "('online', 'phone', 'ask')"
# Which stored attendances a filter value matches: a hybrid group is both in person and online.
ATTENDANCE_MATCHES = {
    "in_person": ("in_person", "hybrid"), "online": ("online", "hybrid", "ask"), "hybrid": ("hybrid",),
    "phone": ("phone",), "ask": ("ask",),
}

SORTS = ("relevance", "soonest", "distance")
TIMES_OF_DAY = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}
MEETS_WITHIN = {"24h": 24 * 3600, "7d": 7 * 24 * 3600}
MAX_LIMIT = 200
# bm25 weights for name, description, notes, place: a word in the name counts most.
BM25 = "bm25(directory_group_fts, 10.0, 3.0, 1.0, 2.0)"


class SearchError(ValueError):
    """A search that cannot be run as asked (the message says why)."""


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None  # words; topics, audiences and languages match by name and synonym too
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    leadership: str | None = None  # peer | professional (co-facilitated groups match both)
    attendance: str | None = None  # in_person | online | hybrid (hybrid groups match in_person and online)
    cost: tuple[str, ...] = ()
    days: tuple[int, ...] = ()  # 0 = Monday, local to each meeting
    time_of_day: str | None = None  # morning | afternoon | evening, local to each meeting
    language: str | None = None
    accessibility: str | None = None
    max_size: int | None = None
    meets_within: str | None = None  # 24h | 7d
    near: places.Place | None = None
    within_km: float | None = None  # applies to groups that meet in person; remote ones stay, labelled
    show_closed: bool = True  # temporarily closed groups (inactive ones are never listed)
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    timezone: str | None = None  # the person's zone, for showing times


def fts_query(user_text: str) -> str | None:
    """Words as FTS5 prefix terms, all required: 'grief sup' → "grief"* "sup"*.
    Quoting each word keeps FTS5 syntax (AND, NEAR, -, :) in the text from being obeyed."""
    words = re.findall(r"\w+", user_text or "", re.UNICODE)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def _km_function(dbapi_connection) -> None:
    def km(lat1, lon1, lat2, lon2):
        if lat1 is None or lon1 is None:
            return None
        return places.distance_km(lat1, lon1, lat2, lon2)

    dbapi_connection.create_function("kindred_km", 4, km, deterministic=True)


# places.distance_km written in SQL, term for term (the same libm calls in the same order, so the
# same bits): SQLite's own math runs several times faster than a Python function called per row.
_KM_SQL = ("(2 * :earth_km * asin(min(1.0, sqrt(pow(sin((radians(:olat) - radians({lat})) / 2), 2) "
           "+ cos(radians({lat})) * cos(radians(:olat)) * pow(sin(radians(:olon - {lon}) / 2), 2)))))")


def _has_math_functions(dbapi_connection) -> bool:
    """SQLite built with its math functions (3.35+ with SQLITE_ENABLE_MATH_FUNCTIONS, as Debian's
    and Python's are); a build without them gets the Python function instead."""
    try:
        dbapi_connection.execute("SELECT asin(sqrt(pow(sin(radians(1.0)), 2)))").fetchone()
    except sqlite3.OperationalError:
        return False
    return True


def km_sql(dbapi_connection, latitude: str, longitude: str, params: dict) -> str:
    """SQL for the distance in km from (:olat, :olon) to a row's (latitude, longitude) columns."""
    if _has_math_functions(dbapi_connection):
        params["earth_km"] = places.EARTH_RADIUS_KM
        return _KM_SQL.format(lat=latitude, lon=longitude)
    _km_function(dbapi_connection)
    return f"kindred_km({latitude}, {longitude}, :olat, :olon)"


def _longitude_reach(latitude: float, km: float) -> float | None:
    """The most a point within ``km`` of a place at ``latitude`` can differ from it in
    longitude, in degrees, with a margin; None where no band is that simple (near a pole)."""
    angle = km / places.EARTH_RADIUS_KM
    limit = math.pi / 2 - abs(math.radians(latitude))
    if angle >= limit - 0.01:
        return None
    reach = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(latitude)))))
    return reach * 1.01 + 0.01


# "Soonest" walks the next meetings' index when the page is likely found within this many
# entries (the page's end times the groups per match); else every match is sorted.
INDEX_WALK_BUDGET = 5000
RADIUS_IN_TWO_PARTS = True  # "nearest within N km" read as two ordered parts (tests compare it with one sort)
FEW_MATCHES = 2000  # up to this many matches, their ids are the count and the page is ordered from them


def search_stored(connection: sqlite3.Connection, query: SearchQuery, now: datetime | None = None) -> SearchPage:
    """A search as the app and ``kindred directory search`` both run it, in the caller's
    transaction: the stored next meetings that have passed are worked out again, then one page."""
    now = now or datetime.now(UTC)
    person_zone = query.timezone or local_zone_name()
    if person_zone and not valid_zone(person_zone):
        raise SearchError(f"{person_zone!r} is not an IANA time zone name")
    refresh_next_meetings(connection, now)
    return run_search(connection, query, now, person_zone)


def run_search(connection: sqlite3.Connection, query: SearchQuery, now: datetime, person_zone: str | None) -> SearchPage:
    """One page of matches and their count, read through a plain sqlite3 connection (the
    session's own in the app, see ``rows``)."""
    if query.sort not in SORTS:
        raise SearchError(f"unknown sort {query.sort!r}; use one of {', '.join(SORTS)}")
    if query.sort == "distance" and query.near is None:
        raise SearchError("sorting by distance needs a place (near)")
    if query.within_km is not None and query.near is None:
        raise SearchError("'within N km' needs a place (near)")
    if query.within_km is not None and not (query.within_km > 0):
        raise SearchError("the distance must be more than 0 km")
    limit = max(1, min(MAX_LIMIT, int(query.limit)))
    offset = max(0, int(query.offset))

    where: list[str] = []
    # Conditions that are a set of group ids read off an index (words, tags, meeting days):
    # intersected before any group row is read, so a row is fetched only for a group that
    # passes all of them (a text with a day filter read every text hit's row: issue #14).
    id_sets: list[str] = []
    params: dict = {"limit": limit, "offset": offset}
    joins = ""
    match = fts_query(query.text) if query.text else None
    if match and query.sort == "relevance":
        # bm25() only works in the FTS query itself, so that is a subquery; a group found only
        # through its tags ("anxious" → anxiety) has no text score and ranks after text hits.
        # Only the relevance order reads the score: other sorts skip scoring every match.
        joins = (f"LEFT JOIN (SELECT rowid AS gid, {BM25} AS score FROM directory_group_fts "
                 "WHERE directory_group_fts MATCH :match) AS hit ON hit.gid = g.id")
        params["match"] = match
    if match:
        for n, word in enumerate(re.findall(r"\w+", query.text or "", re.UNICODE)):
            params[f"w{n}"] = f'"{word}"*'
            # One list of ids per word (text hits, then groups tagged with what the word means):
            # SQLite can start from that list instead of testing each alternative per row.
            options = [f"SELECT rowid FROM directory_group_fts WHERE directory_group_fts MATCH :w{n}"]
            for m, (kind, value) in enumerate(dict.fromkeys((k, tag_value(k, v)) for k, v in tags_for_word(word))):
                params[f"w{n}k{m}"], params[f"w{n}v{m}"] = kind, value
                options.append(f"SELECT group_id FROM directory_group_tag WHERE kind = :w{n}k{m} AND value = :w{n}v{m}")
            id_sets.append(" UNION ".join(options))
    where.append("g.status = 'active'" if not query.show_closed else "g.status != 'inactive'")

    def tag_filter(kind: str, values) -> None:
        values = [tag_value(kind, v) for v in values if v]
        if not values:
            return
        names = []
        for n, value in enumerate(values):
            params[f"{kind}{n}"] = value
            names.append(f":{kind}{n}")
        params[f"{kind}_kind"] = kind
        id_sets.append(f"SELECT group_id FROM directory_group_tag WHERE kind = :{kind}_kind AND value IN ({', '.join(names)})")

    tag_filter("topic", query.topics)
    tag_filter("audience", query.audience)
    tag_filter("language", [query.language] if query.language else [])
    tag_filter("accessibility", [query.accessibility] if query.accessibility else [])

    if query.leadership:
        if query.leadership not in ("peer", "professional", "co_facilitated"):
            raise SearchError(f"unknown leadership {query.leadership!r}; use peer or professional")
        where.append("g.leadership IN (:leadership, 'co_facilitated')")
        params["leadership"] = query.leadership
    if query.attendance:
        if query.attendance not in ATTENDANCES:
            raise SearchError(f"unknown attendance {query.attendance!r}; use {', '.join(ATTENDANCES)}")
        names = []
        for n, value in enumerate(ATTENDANCE_MATCHES[query.attendance]):
            params[f"att{n}"] = value
            names.append(f":att{n}")
        # "+": not off the attendance index — half the groups meet in person, so a filter on it
        # is better checked per row than walked (the index is for counting online groups).
        where.append(f"+g.attendance IN ({', '.join(names)})")
    if query.cost:
        bad = [c for c in query.cost if c not in COSTS]
        if bad:
            raise SearchError(f"unknown cost {bad[0]!r}; use {', '.join(COSTS)}")
        names = []
        for n, value in enumerate(query.cost):
            params[f"cost{n}"] = value
            names.append(f":cost{n}")
        where.append(f"g.cost IN ({', '.join(names)})")
    if query.days or query.time_of_day:
        parts = []
        if query.days:
            names = []
            for n, day in enumerate(query.days):
                params[f"day{n}"] = int(day)
                names.append(f":day{n}")
            parts.append(f"weekday IN ({', '.join(names)})")
        if query.time_of_day:
            if query.time_of_day not in TIMES_OF_DAY:
                raise SearchError(f"unknown time of day {query.time_of_day!r}; use morning, afternoon or evening")
            params["tod_from"], params["tod_to"] = TIMES_OF_DAY[query.time_of_day]
            parts.append("start_minute >= :tod_from AND start_minute < :tod_to")
        id_sets.append(f"SELECT group_id FROM directory_schedule WHERE {' AND '.join(parts)}")
    if query.max_size is not None:
        where.append("g.typical_size <= :max_size")
        params["max_size"] = int(query.max_size)
    if query.meets_within:
        if query.meets_within not in MEETS_WITHIN:
            raise SearchError(f"unknown window {query.meets_within!r}; use 24h or 7d")
        params["now"] = epoch(now)
        params["until"] = epoch(now) + MEETS_WITHIN[query.meets_within]
        where.append("n.start_utc >= :now AND n.start_utc < :until")

    distance_sql = "NULL"
    radius = None  # (reachable from anywhere, within the radius): the two ways a group passes it
    if query.near is not None:
        params["olat"], params["olon"] = query.near.latitude, query.near.longitude
        # An online group's "location" is not a place to go: it never gets a distance.
        distance_sql = f"CASE WHEN g.attendance IN {IN_PERSON_SQL} THEN {km_sql(connection, 'g.latitude', 'g.longitude', params)} END"
        if query.within_km is not None:
            # A bounding box on the indexed latitude first, the exact distance after. Groups
            # that meet online or by phone are reachable from anywhere, so a radius keeps them.
            dlat = query.within_km / 111.0
            params["lat_lo"], params["lat_hi"] = query.near.latitude - dlat, query.near.latitude + dlat
            params["within_km"] = float(query.within_km)
            box = "g.latitude BETWEEN :lat_lo AND :lat_hi"
            dlon = _longitude_reach(query.near.latitude, query.within_km)
            if dlon is not None and -180 <= query.near.longitude - dlon and query.near.longitude + dlon <= 180:
                # A longitude band no point within the radius lies outside, checked before the
                # exact distance so that runs for a few rows, not all.
                params["lon_lo"], params["lon_hi"] = query.near.longitude - dlon, query.near.longitude + dlon
                box += " AND g.longitude BETWEEN :lon_lo AND :lon_hi"
            radius = (f"g.attendance IN {REMOTE_SQL}", f"{box} AND {distance_sql} <= :within_km")
            where.append(f"({radius[0]} OR ({radius[1]}))")

    if query.sort == "soonest" and query.meets_within:
        # Every match has a next meeting: the same order, read straight off the index.
        order = "n.start_utc, g.id"
    elif query.sort == "soonest":
        order = "n.start_utc IS NULL, n.start_utc, g.id"
    elif query.sort == "distance":
        order = "distance_km IS NULL, distance_km, g.id"
    elif match:
        order = "hit.score IS NULL, hit.score, g.id"
    else:
        order = "g.name COLLATE NOCASE, g.id"

    # The page and the count are two queries: a count over the page's query (a window
    # function) made SQLite sort every match, not just keep the first ``limit`` (issue #14).
    # On a first page, the matches' ids are read once first: when there are few (most searches
    # with text and filters), they are the count, and the page is ordered from them alone
    # instead of evaluating every filter a second time (it halved the target search).
    # The stored next meetings, joined only when filtered or sorted on (the page's own are read
    # by id afterwards); every group has one row there, so an inner join keeps each group, and
    # SQLite may walk that table's start_utc index in order ("soonest", "within 24 h").
    filtered = "directory_group AS g"  # what the conditions read (the ids read first, the count)
    if query.meets_within:
        filtered += " JOIN directory_next_meeting AS n ON n.group_id = g.id"
    groups = filtered  # what the page reads, in order
    if query.sort == "soonest" and not query.meets_within:
        groups += " JOIN directory_next_meeting AS n ON n.group_id = g.id"
    total = None
    conditions = len(where) + len(id_sets)
    if len(id_sets) == 1:
        where.insert(0, f"g.id IN ({id_sets[0]})")
    elif id_sets:
        # A compound SELECT runs left to right, so each set that is itself a UNION is wrapped.
        where.insert(0, "g.id IN (" + " INTERSECT ".join(
            f"SELECT * FROM ({ids})" if " UNION " in ids else ids for ids in id_sets) + ")")
    if not offset and conditions >= 3:  # the status and two more conditions: few matches are likely
        # (with fewer, most searches match thousands and the extra read only cost: 3–10 ms more)
        found = [row[0] for row in connection.execute(
            f"SELECT g.id FROM {filtered} WHERE {' AND '.join(where)} LIMIT {FEW_MATCHES + 1}", params)]
        if len(found) <= FEW_MATCHES:
            total = len(found)
            where = ["g.id IN (SELECT value FROM json_each(:found))"]
            params["found"] = json.dumps(found)
    columns = (f"g.id, g.uid, g.name, s.name AS source, g.attendance, g.leadership, g.cost, g.status, g.city, "
               f"g.region, g.country, g.last_verified, s.last_imported_at, {distance_sql} AS distance_km")
    by_index = False
    if query.sort == "soonest" and not query.meets_within and total is None:
        # Counted first, to know whether walking the next meetings' index in time order finds a
        # page soon: with many matches it reads a few hundred entries instead of sorting them all.
        total = first_value(connection, f"SELECT count(*) FROM {filtered} WHERE {' AND '.join(where)}", params) or 0
        groups_stored = first_value(connection, "SELECT max(group_id) FROM directory_next_meeting") or 0
        by_index = total > 0 and (offset + limit) * groups_stored <= total * INDEX_WALK_BUDGET
    if by_index:
        rows = _soonest_by_index(connection, columns, joins, where, params, limit, offset)
    elif query.sort == "distance" and radius is not None and total is None and RADIUS_IN_TWO_PARTS:
        # Nearest first within a radius: the groups inside it (found off the latitude index,
        # a few thousand at most), then those reachable from anywhere (by id, the table's own
        # order) — each part read only as far as the page, instead of every match sorted.
        either = where.index(f"({radius[0]} OR ({radius[1]}))")
        near_where = " AND ".join(where[:either] + [radius[1]] + where[either + 1:])
        remote_where = " AND ".join(where[:either] + [radius[0]] + where[either + 1:])
        near_total = first_value(connection, f"SELECT count(*) FROM {filtered} WHERE {near_where}", params) or 0
        total = near_total + (first_value(connection, f"SELECT count(*) FROM {filtered} WHERE {remote_where}", params) or 0)
        body = f"FROM {groups} JOIN directory_source AS s ON s.id = g.source_id {joins} WHERE "
        rows = _page_in_two_parts(connection, columns, (body + near_where, "distance_km, g.id"), (body + remote_where, "g.id"),
                                  params, limit, offset, near_total) if total else []
    else:
        sql = f"""
            SELECT {columns}
            FROM {groups} JOIN directory_source AS s ON s.id = g.source_id {joins}
            WHERE {' AND '.join(where)}
            ORDER BY {order}
            LIMIT :limit OFFSET :offset
        """
        rows = named_rows(connection, sql, params) if total != 0 else []
    if total is None:  # not counted from the ids read first
        if rows and len(rows) < limit:
            total = offset + len(rows)  # the last page: every match is counted already
        elif rows or offset:
            # The text join only ranks (one row per group at most), so the count needs none.
            count_sql = f"SELECT count(*) FROM {filtered} WHERE {' AND '.join(where)}"
            total = first_value(connection, count_sql, params) or 0
        else:
            total = 0
    ids = [row.id for row in rows]
    tags = tags_for(connection, ids)
    rules = rules_for(connection, ids)
    next_meetings = next_meetings_for(connection, ids)
    results = []
    for row in rows:
        updated = listing_updated(row.last_verified, row.last_imported_at)
        results.append(GroupSummary(
            id=row.uid, name=row.name, source=row.source, attendance=row.attendance,
            topics=tuple(tags.get(row.id, {}).get("topic", ())), leadership=row.leadership, cost=row.cost,
            status=row.status, city=row.city,
            distance_km=round(row.distance_km, 1) if row.distance_km is not None else None,
            next_meeting=next_meeting_from(*next_meetings.get(row.id, (None, None)), rules.get(row.id, []), person_zone),
            schedule_note="; ".join(describe_rule(r) for r in rules.get(row.id, [])) or "No schedule given",
            times=tuple(rules.get(row.id, [])), updated=updated,
            stale=updated is not None and (now.date() - updated).days >= STALE_AFTER_DAYS,
            region=row.region, country=row.country,
            audience=tuple(tags.get(row.id, {}).get("audience", ())),
            languages=tuple(tags.get(row.id, {}).get("language", ())),
        ))
    return SearchPage(total=total, results=tuple(results), limit=limit, offset=offset, origin=query.near)


def _soonest_by_index(connection: sqlite3.Connection, columns: str, joins: str, where: list[str], params: dict,
                      limit: int, offset: int) -> list:
    """A "soonest" page read in time order off ``ix_directory_next_meeting_start_utc``: the groups
    with a next meeting (by start, then id), then those without (by id) — the order of
    ``n.start_utc IS NULL, n.start_utc, g.id``, which SQLite can only get by sorting every match.

    The next meetings come first in the join (CROSS JOIN fixes the order), and the id-set
    condition gets a unary "+" so SQLite does not start from that set instead."""
    conditions = " AND ".join(f"+{w}" if w.startswith("g.id IN (") else w for w in where)
    body = (f"FROM directory_next_meeting AS n CROSS JOIN directory_group AS g ON g.id = n.group_id "
            f"JOIN directory_source AS s ON s.id = g.source_id {joins} WHERE {conditions} AND ")
    return _page_in_two_parts(connection, columns, (body + "n.start_utc IS NOT NULL", "n.start_utc, n.group_id"),
                              (body + "n.start_utc IS NULL", "n.group_id"), params, limit, offset)


def _page_in_two_parts(connection: sqlite3.Connection, columns: str, first: tuple[str, str], second: tuple[str, str],
                       params: dict, limit: int, offset: int, first_total: int | None = None) -> list:
    """One page of FIRST's matches in its order followed by SECOND's in theirs; each is a
    ("FROM … WHERE …", "ORDER BY" terms) pair, and ``first_total`` how many FIRST has (counted
    here only when the page starts past FIRST's last)."""
    (first_body, first_order), (second_body, second_order) = first, second
    rows = named_rows(connection, f"SELECT {columns} {first_body} ORDER BY {first_order} LIMIT :limit OFFSET :offset", params)
    if len(rows) == limit:
        return rows
    if first_total is None:
        first_total = offset + len(rows) if rows or not offset else (
            first_value(connection, f"SELECT count(*) {first_body}", params) or 0)
    rest = {**params, "limit": limit - len(rows), "offset": max(0, offset - first_total)}
    return rows + named_rows(connection, f"SELECT {columns} {second_body} ORDER BY {second_order} LIMIT :limit OFFSET :offset", rest)


def listing_updated(last_verified, last_imported_at) -> date | None:
    """When the listing was last updated: the feed's own date where it gives one, else the
    day it was imported — never the newer of the two (a 2021 listing is old however
    recently it was downloaded)."""
    for value in (last_verified, last_imported_at):
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
            except ValueError:
                continue
        return value.date() if isinstance(value, datetime) else value
    return None


def next_meeting_from(start_utc: int | None, zone_name: str | None, rules, person_zone: str | None) -> NextMeeting | None:
    if start_utc is None or zone_name is None:
        return None
    start = datetime.fromtimestamp(start_utc, UTC).astimezone(zone(zone_name))
    end = None
    for rule in rules:
        if rule.timezone == zone_name and rule.start == start.time().replace(second=0) and rule.end is not None:
            end_minutes = (rule.end.hour * 60 + rule.end.minute) - (rule.start.hour * 60 + rule.start.minute)
            end = _plus_minutes(start, end_minutes % (24 * 60))
            break
    local_zone = person_zone or zone_name
    return NextMeeting(start=start, end=end, timezone=zone_name, local_start=start.astimezone(zone(local_zone)),
                       local_timezone=local_zone)


def _plus_minutes(start: datetime, minutes: int) -> datetime:
    # Added in UTC: a meeting lasts its length in real time even if the clocks change during it.
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)


