"""Search: text with prefixes, filters, sorts, paging, distances and next meetings that
stay right as time moves on."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from services.directory.places import geocode
from services.directory.search import SearchError, SearchQuery, fts_query

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday


def group(gid, name, **fields):
    return {"id": gid, "name": name, **fields}


def weekly(day, start, zone, end=None):
    return {"kind": "weekly", "weekday": day, "start": start, "end": end, "timezone": zone}


GROUPS = [
    group("ny-anxiety", "Anxiety Circle Manhattan", description="Peer support for anxiety and panic",
          topics=["anxiety"], leadership={"kind": "peer"}, attendance="in_person", cost={"kind": "free"},
          schedule=[weekly("tue", "19:00", "America/New_York", "20:30")], typical_size=10,
          location={"venue": "Library", "city": "New York", "latitude": 40.7536, "longitude": -73.9832},
          languages=["English", "Spanish"], accessibility=["wheelchair_access"]),
    group("bk-grief", "Grief and Loss Group", description="For anyone grieving", topics=["grief_and_loss"],
          leadership={"kind": "professional"}, attendance="hybrid", cost={"kind": "donation"},
          schedule=[{"kind": "monthly", "weekday": "fri", "ordinal": -1, "start": "18:00", "timezone": "America/New_York"}],
          location={"city": "Brooklyn", "latitude": 40.6782, "longitude": -73.9442}, typical_size=25),
    group("ldn-anxiety", "London Anxiety Support", description="Anxiety peer group near Euston",
          topics=["anxiety"], leadership={"kind": "co_facilitated"}, attendance="in_person", cost={"kind": "free"},
          schedule=[weekly("mon", "18:00", "Europe/London")],
          location={"city": "London", "latitude": 51.5246, "longitude": -0.1340}, audience=["women"]),
    group("online-dep", "Depression Online Meetup", description="Video meeting about low mood and anxiety",
          topics=["depression", "anxiety"], leadership={"kind": "peer"}, attendance="online", cost={"kind": "free"},
          schedule=[weekly("wed", "08:00", "America/Los_Angeles")], online={"url": "https://example.org/join"}),
    group("closed", "Anxiety Drop-in (venue closed)", topics=["anxiety"], attendance="in_person", status="temporarily_closed",
          schedule=[weekly("thu", "12:00", "America/New_York")],
          location={"city": "New York", "latitude": 40.7128, "longitude": -74.0060}),
    group("unknown-zone", "Anxiety Talk Somewhere", topics=["anxiety"], attendance="in_person",
          schedule=[{"kind": "weekly", "weekday": "mon", "start": "19:00"}]),
]


@pytest.fixture
def directory(services, tmp_path):
    feed = tmp_path / "test.json"
    feed.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "tests"}, "groups": GROUPS}))
    # Only this test's groups: the bundled directory would join in every search.
    with services.directory_db.transaction() as session:
        session.execute(text("DELETE FROM directory_source WHERE name = 'bundled'"))
    report = services.directory.import_file(feed, source="t", now=NOW)
    assert report.imported == len(GROUPS) and report.skipped == ()
    return services.directory


def ids(page):
    return [r.id for r in page.results]


def search(directory, now=NOW, **fields):
    fields.setdefault("timezone", "UTC")
    return directory.search(SearchQuery(**fields), now=now)


def test_prefix_text_search_while_typing(directory):
    assert ids(search(directory, text="anx", sort="soonest")) == [
        "t/ldn-anxiety", "t/ny-anxiety", "t/online-dep", "t/closed", "t/unknown-zone"]
    assert ids(search(directory, text="griev")) == ["t/bk-grief"]  # description
    assert ids(search(directory, text="brookl")) == ["t/bk-grief"]  # place
    assert ids(search(directory, text="euston anx")) == ["t/ldn-anxiety"]  # every word must match


def test_relevance_puts_name_matches_first(directory):
    page = search(directory, text="anxiety")
    assert page.results[-1].id == "t/online-dep"  # only in its description and topics
    assert page.total == 5


def test_fts_syntax_in_the_text_is_not_obeyed():
    assert fts_query('grief OR "x" NEAR(-a)') == '"grief"* "OR"* "x"* "NEAR"* "a"*'
    assert fts_query("  ") is None


def test_filters(directory):
    assert ids(search(directory, topics=("grief_and_loss",))) == ["t/bk-grief"]
    assert set(ids(search(directory, text="anxiety", leadership="peer"))) == {"t/ny-anxiety", "t/online-dep", "t/ldn-anxiety"}
    assert set(ids(search(directory, leadership="professional"))) == {"t/bk-grief", "t/ldn-anxiety"}
    assert set(ids(search(directory, attendance="online", text="anx depr grief"))) <= {"t/online-dep", "t/bk-grief"}
    assert set(ids(search(directory, attendance="online"))) >= {"t/online-dep", "t/bk-grief"}
    assert "t/online-dep" not in ids(search(directory, attendance="in_person"))
    assert set(ids(search(directory, cost=("free",), topics=("anxiety",)))) == {"t/ny-anxiety", "t/ldn-anxiety", "t/online-dep"}
    assert ids(search(directory, days=(1,))) == ["t/ny-anxiety"]  # Tuesday
    assert ids(search(directory, time_of_day="morning")) == ["t/online-dep"]
    assert ids(search(directory, language="spanish")) == ["t/ny-anxiety"]
    assert ids(search(directory, accessibility="wheelchair_access")) == ["t/ny-anxiety"]
    assert ids(search(directory, audience=("women",))) == ["t/ldn-anxiety"]
    assert ids(search(directory, max_size=12)) == ["t/ny-anxiety"]


def test_closed_groups_shown_or_hidden(directory):
    assert "t/closed" in ids(search(directory, text="anxiety"))
    assert "t/closed" not in ids(search(directory, text="anxiety", show_closed=False))
    assert search(directory, text="closed").results[0].status == "temporarily_closed"


def test_soonest_sort_and_next_meetings_in_their_own_zone(directory):
    page = search(directory, sort="soonest", limit=10)
    got = [(r.id, r.next_meeting.start.isoformat() if r.next_meeting else None) for r in page.results]
    assert got[:5] == [
        ("t/ldn-anxiety", "2026-03-02T18:00:00+00:00"),
        ("t/ny-anxiety", "2026-03-03T19:00:00-05:00"),
        ("t/online-dep", "2026-03-04T08:00:00-08:00"),
        ("t/closed", "2026-03-05T12:00:00-05:00"),
        ("t/bk-grief", "2026-03-27T18:00:00-04:00"),  # last Friday of March, after the US change
    ]
    assert got[5:] == [("t/unknown-zone", None)]
    unknown = next(r for r in page.results if r.id == "t/unknown-zone")
    assert unknown.next_meeting is None and "time zone unknown" in unknown.schedule_note
    first = page.results[0].next_meeting
    assert first.timezone == "Europe/London" and first.local_timezone == "UTC"


def test_meets_within(directory):
    assert ids(search(directory, meets_within="24h")) == ["t/ldn-anxiety"]
    assert set(ids(search(directory, meets_within="7d"))) == {"t/ldn-anxiety", "t/ny-anxiety", "t/online-dep", "t/closed"}


def test_stored_next_meetings_are_refreshed_as_time_moves(directory, services):
    later = NOW + timedelta(days=30)  # 1 April 2026: New York is on summer time now
    page = search(directory, now=later, sort="soonest", text="anxiety manhattan")
    assert page.results[0].next_meeting.start.isoformat() == "2026-04-07T19:00:00-04:00"
    with services.directory_db.engine.connect() as connection:
        stale = connection.execute(
            text("SELECT count(*) FROM directory_next_meeting WHERE start_utc < :t"), {"t": int(later.timestamp())}).scalar()
    assert stale == 0
    # Wednesday 1 April 12:00 UTC: Los Angeles meets at 08:00 PDT = 15:00 UTC today
    assert ids(search(directory, now=later, meets_within="24h")) == ["t/online-dep"]


def test_distance_filter_and_sort(directory):
    manhattan = geocode("10036")  # Times Square ZIP
    page = search(directory, near=manhattan, within_km=20, sort="distance")
    # the radius applies to groups that meet in person; the online group stays, with no distance
    assert ids(page) == ["t/ny-anxiety", "t/closed", "t/bk-grief", "t/online-dep"]
    assert page.results[0].distance_km < 1 and 5 < page.results[2].distance_km < 20
    assert page.results[3].attendance == "online" and page.results[3].distance_km is None
    assert all(r.distance_km is None for r in search(directory, near=manhattan, attendance="online").results
               if r.attendance == "online")
    far = search(directory, near=geocode("London, UK"), sort="distance", text="anxiety")
    assert far.results[0].id == "t/ldn-anxiety" and 1 < far.results[0].distance_km < 5


def test_paging_is_stable_and_total_is_the_whole_match(directory):
    everything = ids(search(directory, limit=200))
    pages = []
    for offset in range(0, len(everything), 4):
        page = search(directory, limit=4, offset=offset)
        assert page.total == len(everything)
        pages += ids(page)
    assert pages == everything
    beyond = search(directory, limit=4, offset=100)
    assert beyond.results == () and beyond.total == len(everything)


def test_impossible_searches_say_why(directory):
    with pytest.raises(SearchError, match="needs a place"):
        search(directory, sort="distance")
    with pytest.raises(SearchError, match="needs a place"):
        search(directory, within_km=5)
    with pytest.raises(SearchError, match="unknown sort"):
        search(directory, sort="random")


def test_renaming_a_group_updates_the_text_index(directory, services):
    with services.directory_db.transaction() as session:
        session.execute(text("UPDATE directory_group SET name = 'Renamed Zebra Group' WHERE uid = 't/bk-grief'"))
    assert ids(search(directory, text="zebr")) == ["t/bk-grief"]
    assert ids(search(directory, text="grieving", topics=("grief_and_loss",))) == ["t/bk-grief"]  # description still indexed
    assert ids(search(directory, text="and group")) == []  # the old name is gone
    with services.directory_db.transaction() as session:
        session.execute(text("DELETE FROM directory_group WHERE uid = 't/bk-grief'"))
    assert ids(search(directory, text="zebr")) == []


def test_group_details_give_the_next_three_meetings(directory):
    details = directory.get_group("t/bk-grief", "Europe/London", NOW)
    assert [m.start.isoformat() for m in details.next_meetings] == [
        "2026-03-27T18:00:00-04:00", "2026-04-24T18:00:00-04:00", "2026-05-29T18:00:00-04:00"]
    assert details.next_meetings[0].local_start.isoformat() == "2026-03-27T22:00:00+00:00"
    assert details.schedule_text == ("Monthly on the last Friday 18:00 (America/New_York)",)
    unknown = directory.get_group("t/unknown-zone", "UTC", NOW)
    assert unknown.next_meetings == () and "Time zone unknown" in unknown.timezone_note
    assert directory.get_group("t/nope") is None
