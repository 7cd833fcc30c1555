"""Search rewritten for speed (issue #14) answers exactly as before: the count of every page,
and a radius that prefilters by a longitude band never drops a group within the radius."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from services.directory.places import EARTH_RADIUS_KM, Place, distance_km
from services.directory.search import SearchQuery, _longitude_reach

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def spread(services, tmp_path):
    rng = random.Random(14)
    groups = []
    for n in range(400):
        lat, lon = 59.9 + rng.uniform(-1.2, 1.2), 10.75 + rng.uniform(-2.5, 2.5)  # Oslo: longitude degrees are short
        groups.append({"id": f"g{n}", "name": f"Circle {n}", "attendance": "online" if n % 9 == 0 else "in_person",
                       "schedule": [{"kind": "weekly", "weekday": ["mon", "tue", "wed"][n % 3], "start": "19:00",
                                     "timezone": "Europe/Oslo"}],
                       "location": {"city": "Oslo", "latitude": lat, "longitude": lon}})
    path = tmp_path / "spread.json"
    path.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "t"}, "groups": groups}))
    with services.directory_db.transaction() as session:
        session.execute(text("DELETE FROM directory_source WHERE name = 'bundled'"))
    services.directory.import_file(path, source="t", now=NOW)
    return services.directory, groups


@pytest.mark.parametrize("km", [5, 40, 75, 130])
def test_a_radius_keeps_every_group_within_it(spread, km):
    directory, groups = spread
    oslo = Place(name="Oslo", latitude=59.9139, longitude=10.7522, kind="city", timezone="Europe/Oslo", country="NO")
    page = directory.search(SearchQuery(near=oslo, within_km=km, sort="distance", limit=200, timezone="UTC"), now=NOW)
    expected = {g["id"] for g in groups if g["attendance"] == "online"
                or distance_km(59.9139, 10.7522, g["location"]["latitude"], g["location"]["longitude"]) <= km}
    found = set()
    offset = 0
    while True:
        batch = directory.search(SearchQuery(near=oslo, within_km=km, sort="distance", limit=200, offset=offset,
                                             timezone="UTC"), now=NOW)
        found |= {r.id.split("/", 1)[1] for r in batch.results}
        offset += 200
        if offset >= batch.total:
            break
    assert page.total == len(expected)
    assert found == expected


@pytest.mark.parametrize("limit", [1, 7, 50, 200])
def test_the_total_is_the_same_on_every_page(spread, limit):
    directory, _ = spread
    totals, seen = set(), []
    offset = 0
    while offset <= 400:
        page = directory.search(SearchQuery(days=(0, 1), sort="soonest", limit=limit, offset=offset, timezone="UTC"), now=NOW)
        totals.add(page.total)
        seen += [r.id for r in page.results]
        offset += limit
    assert totals == {len(seen)} and len(set(seen)) == len(seen) == 267


OSLO = Place(name="Oslo", latitude=59.9139, longitude=10.7522, kind="city", timezone="Europe/Oslo", country="NO")
SHAPES = [  # (query, whether its first page is ordered from the ids read once)
    (dict(text="circle", days=(1,), sort="soonest"), True),
    (dict(text="circle 1", days=(0,), sort="relevance"), True),
    (dict(days=(0, 1), attendance="in_person", sort="relevance"), True),  # no text: by name
    (dict(near=OSLO, within_km=40, attendance="in_person", sort="distance"), True),
    (dict(text="circle", near=OSLO, days=(2,), sort="distance"), True),
    (dict(text="nothing-matches-this", days=(1,)), False),  # read once, found none: no page query at all
    (dict(sort="soonest"), False),
    (dict(text="circle", sort="relevance"), False),
    (dict(meets_within="7d", sort="soonest"), False),
]


@pytest.mark.parametrize("shape,read_once", SHAPES, ids=lambda v: ",".join(v) if isinstance(v, dict) else str(v))
@pytest.mark.parametrize("limit", [1, 50, 500])
def test_few_matches_read_once_give_the_same_page_and_count_as_the_two_queries(spread, services, monkeypatch, shape, read_once, limit):
    """A first page with few matches is ordered from their ids (read once); otherwise it is
    two queries over every filter. Both ways must give the same groups, order and count."""
    from sqlalchemy import event

    import services.directory.search as search

    directory, _ = spread
    statements = []
    # Search runs on the session's raw sqlite3 connection, so SQLite itself reports what it ran.
    event.listen(services.directory_db.engine, "checkout",
                 lambda dbapi_connection, *rest: dbapi_connection.set_trace_callback(statements.append))

    def first_page():
        statements.clear()
        page = directory.search(SearchQuery(limit=limit, timezone="UTC", **shape), now=NOW)
        return page.total, [(r.id, r.distance_km) for r in page.results]

    few = first_page()
    assert any("json_each(" in s for s in statements) == read_once
    monkeypatch.setattr(search, "FEW_MATCHES", 0)  # every search takes the two-query way
    assert first_page() == few
    assert not any("json_each(" in s for s in statements)
    if "nothing-matches-this" not in shape.get("text", ""):
        assert few[0] > 0 and few[1]


def test_the_longitude_band_covers_the_radius():
    rng = random.Random(3)
    checked = 0
    for _ in range(3000):
        lat, km, bearing = rng.uniform(-80, 80), rng.uniform(1, 400), rng.uniform(0, 2 * math.pi)
        reach = _longitude_reach(lat, km)
        if reach is None:
            continue
        # The point ``km`` away along ``bearing`` (the spherical destination formula).
        angle, p1 = km / EARTH_RADIUS_KM, math.radians(lat)
        p2 = math.asin(math.sin(p1) * math.cos(angle) + math.cos(p1) * math.sin(angle) * math.cos(bearing))
        dlon = math.degrees(math.atan2(math.sin(bearing) * math.sin(angle) * math.cos(p1),
                                       math.cos(angle) - math.sin(p1) * math.sin(p2)))
        assert distance_km(lat, 0, math.degrees(p2), dlon) == pytest.approx(km, rel=1e-6)
        assert abs(dlon) <= reach
        checked += 1
    assert checked > 2500
    assert _longitude_reach(89.9, 100) is None


@pytest.mark.parametrize("scan_from", [0, 10**9])
def test_refresh_after_time_away_is_the_same_by_scan_or_by_index(spread, services, monkeypatch, scan_from):
    from datetime import timedelta

    from services.directory import repository, rows

    monkeypatch.setattr(rows, "REFRESH_SCAN_FROM", scan_from)
    later = NOW + timedelta(days=9, hours=3)
    with services.directory_db.transaction() as session:
        assert repository.refresh_next_meetings(session, later) == 400
        assert repository.refresh_next_meetings(session, later) == 0
    with services.directory_db.engine.connect() as connection:
        stored = connection.execute(text("SELECT min(start_utc), max(start_utc), count(*) FROM directory_next_meeting "
                                         "WHERE start_utc >= :t"), {"t": int(later.timestamp())}).one()
    # Monday 2026-03-02 12:00 UTC + 9 days 3 h = Wednesday 15:00 UTC: the next Oslo 19:00 meetings
    # (18:00 UTC) are that Wednesday's, then Monday's and Tuesday's of the week after.
    assert stored[2] == 400
    assert stored[0] == int(datetime(2026, 3, 11, 18, tzinfo=UTC).timestamp())
    assert stored[1] == int(datetime(2026, 3, 17, 18, tzinfo=UTC).timestamp())


def test_refresh_in_bulk_matches_the_group_by_group_refresh(services, tmp_path, monkeypatch):
    """Varied rules (one or two days, many zones, fortnightly and monthly, none): the bulk
    refresh (distinct rule sets, one UPDATE) stores what the group-by-group one does."""
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from bench.directory_data import meetings
    from services.directory import repository, rows

    path = tmp_path / "meetings.json"
    path.write_text(json.dumps(meetings(600, seed=14)))
    services.directory.import_file(path, source="t", now=NOW)
    groups = [{"id": f"k{n}", "name": f"Rule {n}", "attendance": "online",
               "schedule": [{"kind": kind, "weekday": day, "start": "18:30", "timezone": zone, **extra}
                            for kind, day, zone, extra in rules]}
              for n, rules in enumerate([
                  [("weekly", "mon", "Europe/Oslo", {}), ("weekly", "thu", "America/New_York", {})],
                  [("weekly", "sun", "Australia/Sydney", {"interval_weeks": 2, "anchor_date": "2026-01-04"})],
                  [("monthly", "tue", "Europe/London", {"ordinal": 2})],
                  [("monthly", "fri", "Europe/London", {"ordinal": -1}), ("weekly", "fri", "Europe/London", {})],
              ])]
    feed = tmp_path / "rules.json"
    feed.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "t"}, "groups": groups}))
    assert services.directory.import_file(feed, source="k", now=NOW).imported == 4
    query = "SELECT group_id, start_utc, timezone, computed_utc FROM directory_next_meeting ORDER BY group_id"
    stored = {}
    for scan_from in (10**9, 0):
        monkeypatch.setattr(rows, "REFRESH_SCAN_FROM", scan_from)
        for later in (NOW + timedelta(days=7, hours=1), NOW + timedelta(days=40)):
            with services.directory_db.engine.connect() as connection:
                outer = connection.begin()
                count = repository.refresh_next_meetings(Session(bind=connection), later)
                stored[scan_from, later] = (count, connection.execute(text(query)).all())
                outer.rollback()  # the next path starts from the same stored meetings
    for later in (NOW + timedelta(days=7, hours=1), NOW + timedelta(days=40)):
        assert stored[0, later][0] > 500
        assert stored[0, later] == stored[10**9, later]


@pytest.fixture
def mixed_times(services, tmp_path):
    """Groups meeting at a handful of shared times (ties), groups with no fixed time, closed
    groups and online ones: what the "soonest" order has to get right."""
    rng = random.Random(41)
    groups = []
    for n in range(300):
        group = {"id": f"m{n}", "name": f"{rng.choice(['Morning', 'Evening', 'Open'])} Circle {n}",
                 "attendance": rng.choice(["online", "in_person", "hybrid"]),
                 "location": {"city": "Oslo", "latitude": 59.9 + rng.uniform(-0.5, 0.5), "longitude": 10.75 + rng.uniform(-1, 1)}}
        if n % 5:  # one in five has no fixed time
            group["schedule"] = [{"kind": "weekly", "weekday": rng.choice(["mon", "tue", "sat"]),
                                  "start": rng.choice(["09:00", "19:00"]), "timezone": rng.choice(["Europe/Oslo", "America/New_York"])}]
        if n % 11 == 0:
            group["status"] = "temporarily_closed"
        groups.append(group)
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "t"}, "groups": groups}))
    with services.directory_db.transaction() as session:
        session.execute(text("DELETE FROM directory_source WHERE name = 'bundled'"))
    services.directory.import_file(path, source="t", now=NOW)
    return services.directory


SOONEST_SHAPES = [
    dict(sort="soonest"),
    dict(sort="soonest", show_closed=False),
    dict(text="circle", sort="soonest"),
    dict(text="evening", attendance="in_person", sort="soonest"),
    dict(near=OSLO, within_km=30, sort="soonest"),
    dict(days=(0, 5), sort="soonest"),
]


@pytest.mark.parametrize("shape", SOONEST_SHAPES, ids=lambda v: ",".join(v))
def test_soonest_read_off_the_index_pages_exactly_as_sorted(mixed_times, services, monkeypatch, shape):
    """"Soonest" walks the next meetings' index in order when matches are many, and sorts every
    match otherwise: every page (with groups that have no time after those that do, ties by
    id) and every count must be the same both ways."""
    from sqlalchemy import event

    import services.directory.search as search

    statements = []
    event.listen(services.directory_db.engine, "checkout",
                 lambda dbapi_connection, *rest: dbapi_connection.set_trace_callback(statements.append))

    def every_page(limit):
        pages, offset = [], 0
        while True:
            page = mixed_times.search(SearchQuery(limit=limit, offset=offset, timezone="UTC", **shape), now=NOW)
            pages.append((page.total, [(r.id, r.next_meeting.start if r.next_meeting else None) for r in page.results]))
            offset += limit
            if offset >= page.total + limit:  # one page past the end too
                return pages

    for limit in (1, 7, 50):
        monkeypatch.setattr(search, "INDEX_WALK_BUDGET", 10**9)  # always off the index
        statements.clear()
        walked = every_page(limit)
        assert any("CROSS JOIN" in s for s in statements)
        monkeypatch.setattr(search, "INDEX_WALK_BUDGET", 0)  # always sorted
        statements.clear()
        sorted_ = every_page(limit)
        assert not any("CROSS JOIN" in s for s in statements)
        assert walked == sorted_, limit
    results = [row for _total, rows in sorted_ for row in rows]
    assert len({r[0] for r in results}) == len(results) == sorted_[0][0] > 5
    starts = [start for _id, start in results]
    timed = sum(start is not None for start in starts)
    assert None not in starts[:timed] and set(starts[timed:]) <= {None}  # the groups with no time last
    assert starts[:timed] == sorted(starts[:timed])


def test_the_distance_in_sql_is_the_python_distance_to_the_bit(services):
    """SQLite's own math gives the same distances as places.distance_km (same libm calls, same
    order), so a group is in or out of a radius, and ranked, the same either way."""
    import sqlite3

    from services.directory.search import km_sql

    rng = random.Random(7)
    connection = sqlite3.connect(":memory:")
    points = [(rng.uniform(-89, 89), rng.uniform(-180, 180), rng.uniform(-89, 89), rng.uniform(-180, 180)) for _ in range(2000)]
    points += [(59.91, 10.75, 59.91, 10.75), (0.0, 0.0, 0.0, 180.0), (89.9, 0.0, -89.9, 0.0), (40.0, -75.0, 40.0001, -75.0001)]
    connection.execute("CREATE TABLE p (lat REAL, lon REAL)")
    for lat, lon, olat, olon in points:
        params = {"olat": olat, "olon": olon}
        sql = km_sql(connection, "lat", "lon", params)
        assert "kindred_km" not in sql, "this SQLite has its math functions"
        connection.execute("DELETE FROM p")
        connection.execute("INSERT INTO p VALUES (?, ?)", (lat, lon))
        in_sql = connection.execute(f"SELECT {sql} FROM p", params).fetchone()[0]
        assert in_sql == distance_km(lat, lon, olat, olon), (lat, lon, olat, olon)


@pytest.mark.parametrize("km,sort", [(5, "distance"), (40, "distance"), (130, "distance"), (40, "relevance")])
def test_nearest_within_a_radius_pages_the_same_every_way(spread, services, monkeypatch, km, sort):
    """Within a radius, "nearest" reads the groups inside it, then the online ones, each in order;
    the same pages and counts as one sort over every match, with SQLite's math or the Python
    function (a SQLite built without math functions)."""
    import services.directory.search as search

    directory, _ = spread

    def every_page(limit):
        pages, offset = [], 0
        while True:
            page = directory.search(SearchQuery(near=OSLO, within_km=km, sort=sort, limit=limit, offset=offset,
                                                timezone="UTC"), now=NOW)
            pages.append((page.total, [(r.id, r.distance_km) for r in page.results]))
            offset += limit
            if offset >= page.total + limit:
                return pages

    for limit in (1, 9, 50):
        ways = []
        for two_parts, math_in_sql in ((True, True), (False, True), (True, False)):
            monkeypatch.setattr(search, "RADIUS_IN_TWO_PARTS", two_parts)
            monkeypatch.setattr(search, "_has_math_functions", (lambda _c: True) if math_in_sql else (lambda _c: False))
            ways.append(every_page(limit))
        assert ways[0] == ways[1] == ways[2], limit
    results = [row for _total, rows in ways[0] for row in rows]
    assert len({r[0] for r in results}) == len(results) == ways[0][0][0]
    if sort == "distance":
        near = [d for _id, d in results if d is not None]
        assert near == sorted(near) and all(d is None for _id, d in results[len(near):])
