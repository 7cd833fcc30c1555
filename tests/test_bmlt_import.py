"""BMLT GetSearchResults JSON: real fixtures import with the right days, times, zones and
next meetings across DST in their own zones; formats become audiences, languages and notes;
venue types become attendance; members' contact fields never come in."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.directory.importers import FeedError, detect_format, read_feed
from services.directory.importers.bmlt import attendance_for
from services.directory.schedule import next_meetings

DATA = Path(__file__).resolve().parent / "data" / "bmlt"


def test_detected_and_read_with_its_days_times_and_zone():
    assert detect_format(DATA / "sezf_clemson.json") == "bmlt"
    feed = read_feed(DATA / "sezf_clemson.json")
    assert feed.format == "bmlt" and len(feed.groups) == 1 and feed.skipped == []
    group = feed.groups[0]
    assert (group.external_id, group.name) == ("6102", "Pioneers of Change (POC)")
    rule = group.schedule[0]
    # weekday_tinyint 1 = Sunday; ours 6 = Sunday.
    assert (rule.kind, rule.weekday, f"{rule.start:%H:%M}", f"{rule.end:%H:%M}", rule.timezone) == (
        "weekly", 6, "16:00", "17:00", "America/New_York")
    assert group.location.city == "Clemson" and group.location.latitude == pytest.approx(34.6840723)
    assert group.attendance == "in_person"
    assert group.status == "temporarily_closed"  # the TC format code
    assert group.confidentiality.startswith("Open meeting")  # the O format code
    assert "Discussion" in group.notes and "Children welcome" in group.notes
    assert "addiction_recovery" in group.topics and group.leadership == "peer"
    assert group.type_codes == ("O", "CW", "D", "TOP", "TO", "TC")


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        # The Sunday before the autumn change: 16:00 EDT = 20:00 UTC.
        (datetime(2026, 10, 24, 12, tzinfo=UTC), datetime(2026, 10, 25, 20, tzinfo=UTC)),
        # Clocks go back at 02:00 on Sunday 1 November: 16:00 EST = 21:00 UTC.
        (datetime(2026, 10, 31, 12, tzinfo=UTC), datetime(2026, 11, 1, 21, tzinfo=UTC)),
        # Spring: clocks go forward on Sunday 8 March 2026.
        (datetime(2026, 3, 1, 22, tzinfo=UTC), datetime(2026, 3, 8, 20, tzinfo=UTC)),
    ],
)
def test_next_meeting_across_dst_in_its_own_zone(now, expected_utc):
    group = read_feed(DATA / "sezf_clemson.json").groups[0]
    start, end, zone = next_meetings(group.schedule, now, 1)[0]
    assert zone == "America/New_York"
    assert start.astimezone(UTC) == expected_utc
    assert f"{start:%H:%M}" == "16:00" and (end - start).total_seconds() == 3600


def test_online_meetings_in_their_own_zones_with_links_from_comments():
    feed = read_feed(DATA / "virtual_na.json")
    assert feed.format == "bmlt" and [g.external_id for g in feed.groups] == ["2154", "2170"]
    brazil, russia = feed.groups
    assert brazil.attendance == russia.attendance == "online"
    assert brazil.online.url == "https://us04web.zoom.us/j/9998886262"
    assert brazil.online.notes.startswith("Clicar no link")
    # Placeholder coordinates in Oklahoma are not taken as the meeting's place.
    assert brazil.location.latitude is None and russia.location.latitude is None
    assert any("online-only meeting" in r for r in feed.repairs)
    assert "Portuguese" in brazil.languages and "Russian" in russia.languages
    assert brazil.confidentiality.startswith("Closed meeting")
    # Sunday 01:00 in São Paulo (UTC-3, no DST since 2019) is Sunday 04:00 UTC.
    now = datetime(2026, 11, 7, 12, tzinfo=UTC)  # a Saturday
    start, end, zone = next_meetings(brazil.schedule, now, 1)[0]
    assert (zone, start.astimezone(UTC)) == ("America/Sao_Paulo", datetime(2026, 11, 8, 4, tzinfo=UTC))
    assert (end - start).total_seconds() == 2 * 3600
    start, _, zone = next_meetings(russia.schedule, now, 1)[0]
    assert (zone, start.astimezone(UTC)) == ("Europe/Moscow", datetime(2026, 11, 8, 2, tzinfo=UTC))


def test_contact_fields_never_imported(tmp_path):
    meeting = json.loads((DATA / "sezf_clemson.json").read_text())[0]
    meeting.update(contact_name_1="A Member", contact_email_1="member@example.org", contact_phone_1="555 0100",
                   email_contact="member@example.org")
    path = tmp_path / "with_contacts.json"
    path.write_text(json.dumps([meeting]))
    group = read_feed(path).groups[0]
    blob = json.dumps(group, default=str)
    assert "member@example.org" not in blob and "A Member" not in blob and "555 0100" not in blob


def test_get_used_formats_shape_uses_the_servers_own_format_names(tmp_path):
    meeting = json.loads((DATA / "sezf_clemson.json").read_text())[0]
    meeting["formats"] = "O,XYZ"
    path = tmp_path / "with_formats.json"
    path.write_text(json.dumps({"meetings": [meeting], "formats": [
        {"key_string": "XYZ", "name_string": "Mindfulness", "description_string": "Meditation first", "id": "99"}]}))
    group = read_feed(path, "bmlt").groups[0]
    assert "Mindfulness" in group.notes and "XYZ" in group.type_codes


@pytest.mark.parametrize(
    ("venue_type", "codes", "link", "phone", "place", "expected"),
    [
        ("1", set(), False, False, True, "in_person"),
        ("2", set(), True, False, False, "online"),
        ("2", set(), False, True, False, "phone"),  # a dial-in number only
        ("2", set(), False, False, False, "ask"),  # virtual, but neither a link nor a number: ask the group
        ("3", set(), True, False, True, "hybrid"),
        ("3", set(), True, False, False, "online"),  # hybrid with no address left: only the online part is usable
        ("3", set(), False, False, True, "in_person"),  # hybrid with no way in online: the room is what is left
        (None, {"VM"}, True, False, False, "online"),
        (None, {"HY"}, True, False, True, "hybrid"),
        (None, set(), False, False, True, "in_person"),
    ],
)
def test_attendance_values(venue_type, codes, link, phone, place, expected):
    assert attendance_for(venue_type, codes, link, phone, place) == expected


def test_bad_records_are_skipped_with_reasons_and_bad_files_refused(tmp_path):
    good = json.loads((DATA / "sezf_clemson.json").read_text())[0]
    bad_day = {**good, "id_bigint": "7", "weekday_tinyint": "8"}
    bad_time = {**good, "id_bigint": "8", "start_time": "25:00:00"}
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([good, bad_day, bad_time]))
    feed = read_feed(path, "bmlt")
    assert len(feed.groups) == 1
    reasons = " ".join(s.reason for s in feed.skipped)
    assert "weekday_tinyint '8'" in reasons and "start_time '25:00:00'" in reasons
    other = tmp_path / "object.json"
    other.write_text(json.dumps({"hello": 1}))
    with pytest.raises(FeedError, match="not BMLT"):
        read_feed(other, "bmlt")


def test_cli_import_with_format_bmlt(services, data_dir, capsys):
    from cli import main

    assert main(["--data-dir", str(data_dir), "directory", "import", str(DATA / "virtual_na.json"), "--format", "bmlt", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["format"], report["imported"]) == ("bmlt", 2)
    assert main(["--data-dir", str(data_dir), "directory", "import", str(DATA / "sezf_clemson.json"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "bmlt"


# ---- one card per group: BMLT returns one row per weekly meeting ----

UPSTATE = DATA / "upstate_ny_monday_tuesday.json"


def test_rows_of_one_group_become_one_group_with_all_its_times():
    feed = read_feed(UPSTATE)
    assert feed.format == "bmlt" and feed.meetings == 19 and feed.skipped == []
    assert len(feed.groups) == 12
    assert any("19 meeting rows are 12 groups" in r for r in feed.repairs)
    by_id = {g.external_id: g for g in feed.groups}

    def times(group):
        return [(r.weekday, f"{r.start:%H:%M}", r.timezone) for r in group.schedule]

    # Monday (weekday_tinyint 2) and Tuesday (3) rows of one group: one group, the first id.
    serenity = by_id["1826"]
    assert serenity.name == "Serenity at Noon" and "1834" not in by_id
    assert times(serenity) == [(0, "12:00", "America/New_York"), (1, "12:00", "America/New_York")]
    # The venue's name is spelt three ways on this server; the street address says it is one place.
    assert {g.name for g in feed.groups if g.location.city == "Binghamton"} == {"Living the Miracle", "Its A New Day"}
    assert len(times(by_id["1987"])) == 2 and len(times(by_id["2411"])) == 2
    # A meeting listed twice (same day and time, ids 1900 and 2554) is one meeting.
    assert times(by_id["1890"]) == [(0, "12:00", "America/New_York"), (1, "12:00", "America/New_York")]
    # A venue name only one row gives is kept, and what only one row's formats say.
    recovery = by_id["1797"]
    assert "2326" not in by_id and recovery.location.venue == "Free Methodist Church" and len(recovery.schedule) == 1
    courage = by_id["1889"]
    assert "Basic Text study" in courage.notes and "BT" in courage.type_codes
    # The same name in another town or at another address is another group.
    assert sorted(g.external_id for g in feed.groups if g.name == "Rome Serenity Group") == ["1831", "1839"]
    assert sorted(g.location.city for g in feed.groups if g.name == "A New Way of Life") == ["Clyde", "Syracuse"]
    # Another name at the same address is another group.
    assert {g.name for g in feed.groups if (g.location.address or "").startswith("518 W. Seneca")} == {
        "Spiritual Foundation", "Let the Miracle Happen"}


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        # Sunday 25 October 2026: Monday noon EDT (UTC-4), then Tuesday noon.
        (datetime(2026, 10, 25, 12, tzinfo=UTC), [datetime(2026, 10, 26, 16, tzinfo=UTC), datetime(2026, 10, 27, 16, tzinfo=UTC)]),
        # Clocks go back on Sunday 1 November: Monday noon is now EST (UTC-5).
        (datetime(2026, 10, 31, 12, tzinfo=UTC), [datetime(2026, 11, 2, 17, tzinfo=UTC), datetime(2026, 11, 3, 17, tzinfo=UTC)]),
        # Tuesday 13:00 UTC on the day after the spring change (8 March): Tuesday noon EDT is still ahead.
        (datetime(2026, 3, 10, 13, tzinfo=UTC), [datetime(2026, 3, 10, 16, tzinfo=UTC), datetime(2026, 3, 16, 16, tzinfo=UTC)]),
    ],
)
def test_a_group_meeting_on_two_days_has_its_next_meetings_across_dst(now, expected_utc):
    """The server gives no time_zone here: the zone comes from the meetings' own coordinates
    (Syracuse, New York), and every one of the group's days is a next meeting."""
    serenity = next(g for g in read_feed(UPSTATE).groups if g.external_id == "1826")
    assert serenity.timezone_origin == "coordinates"
    upcoming = next_meetings(serenity.schedule, now, 2)
    assert [start.astimezone(UTC) for start, _, _ in upcoming] == expected_utc
    assert all(f"{start:%H:%M}" == "12:00" and zone == "America/New_York" for start, _, zone in upcoming)


def test_online_rows_are_one_group_only_with_the_same_way_in(tmp_path):
    brazil = json.loads((DATA / "virtual_na.json").read_text())[0]
    tuesday = {**brazil, "id_bigint": "2160", "weekday_tinyint": "3"}
    other_room = {**brazil, "id_bigint": "2161", "weekday_tinyint": "4",
                  "comments": brazil["comments"].replace("9998886262", "1112223333")}
    path = tmp_path / "online.json"
    path.write_text(json.dumps([brazil, tuesday, other_room]))
    feed = read_feed(path, "bmlt")
    assert [(g.external_id, len(g.schedule)) for g in feed.groups] == [("2154", 2), ("2161", 1)]
    assert feed.groups[0].online.url == "https://us04web.zoom.us/j/9998886262"


def test_a_group_keeps_its_id_when_it_is_imported_again_and_the_store_lists_it_once(services, data_dir):
    first = services.directory.import_file(UPSTATE, "bmlt")
    again = services.directory.import_file(UPSTATE, "bmlt")
    assert first.imported == again.imported == 12 and first.meetings == 19
    from services.directory.search import SearchQuery

    page = services.directory.search(SearchQuery(text="Serenity at Noon", limit=20))
    assert [r.name for r in page.results].count("Serenity at Noon") == 1
