"""Services behind Find and Saved: safe links, texts, calendar files, help-me-choose ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from services.calendar import CalendarError, group_ics, rules_from_snapshot
from services.choose import Answers, rank, score, why_line
from services.directory.model import GroupRecord, Location, NextMeeting, ScheduleRule
from services.group_snapshot import details_from_snapshot
from services.group_text import first_time_text, next_meeting_text, share_text
from services.links import directions_link, mailto_link, safe_link, tel_link, web_link
from services.saved import group_snapshot
from tests.find_support import ONLINE_GRIEF_ID, import_local

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize("hostile", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "intent://x#Intent;end", "https://", "http:///path",
    "https://exa mple.org", "tel:call-us", "mailto:nobody", "//example.org", "", None, 42,
])
def test_hostile_links_never_open(hostile):
    assert safe_link(hostile) is None
    assert web_link(hostile if isinstance(hostile, str) else None) is None


def test_safe_links_open():
    assert safe_link("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert safe_link("tel:+12155550100") == "tel:+12155550100"
    assert safe_link("mailto:groups@example.org") == "mailto:groups@example.org"
    assert web_link("example.org/groups") == "https://example.org/groups"
    assert web_link("mailto:a@b.org") is None, "a website must be a web link"
    assert tel_link("1-800-950-6264") == "tel:18009506264" and tel_link("call us") is None
    assert mailto_link("data:text/html,<b>x</b>") is None and mailto_link("a@b.org") == "mailto:a@b.org"


def test_directions_use_coordinates_unless_approximate():
    exact = Location(venue="Library", city="Philadelphia", latitude=39.95, longitude=-75.17)
    assert directions_link(exact) == "https://www.google.com/maps/dir/?api=1&destination=39.950000,-75.170000"
    rough = Location(address="1 Main St", city="Philadelphia", latitude=39.95, longitude=-75.17, approximate=True)
    assert directions_link(rough) == "https://www.google.com/maps/dir/?api=1&destination=1%20Main%20St,%20Philadelphia"
    assert directions_link({"address": "javascript:alert(1)"}).startswith("https://www.google.com/maps/dir/?api=1&destination=javascript%3Aalert")
    assert directions_link(Location()) is None


def test_next_meeting_text_honours_the_clock():
    start = datetime(2026, 12, 1, 19, 0, tzinfo=NY)
    meeting = NextMeeting(start=start, end=None, timezone="America/New_York", local_start=start, local_timezone="America/New_York")
    now = datetime(2026, 11, 29, 12, 0, tzinfo=NY)
    assert next_meeting_text(meeting, now, hour24=False) == "Tue 7:00 PM · in 2 days"
    assert next_meeting_text(meeting, now, hour24=True) == "Tue 19:00 · in 2 days"
    assert next_meeting_text(meeting, datetime(2026, 11, 30, 20, 0, tzinfo=NY), False).endswith("· tomorrow")
    assert next_meeting_text(meeting, datetime(2026, 12, 1, 18, 30, tzinfo=NY), False).endswith("· in 30 min")


def test_first_time_text_fits_the_group():
    peer_online = first_time_text(GroupRecord("a", "A", leadership="peer", attendance="online"))
    pro_in_person = first_time_text(GroupRecord("b", "B", leadership="professional", attendance="in_person", registration="intake_call"))
    assert "been through something similar" in peer_online and "camera off" in peer_online
    assert "trained facilitator" in pro_in_person and "find the room" in pro_in_person and "get in touch before" in pro_in_person


def test_share_text_is_public_only_and_drops_hostile_links():
    text = share_text({"name": "G", "attendance": "online", "leadership": "peer", "online": {"url": "javascript:alert(1)"},
                       "contact": {"website": "https://example.org"}, "note": "PRIVATE"})
    assert "javascript" not in text and "https://example.org" in text and "PRIVATE" not in text


def test_calendar_file_has_zone_recurrence_and_reminder():
    rules = (
        ScheduleRule("weekly", 1, time(19), time(20, 30), "America/New_York"),
        ScheduleRule("weekly", 3, time(18), None, "America/New_York", interval_weeks=2, anchor_date=date(2026, 1, 8)),
        ScheduleRule("monthly", 4, time(19), None, "Europe/London", ordinal=-1, ends_on=date(2027, 6, 30)),
        ScheduleRule("varies", note="see the organisation"),
    )
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    data = group_ics("x/1", "Evening Circle", rules, location={"venue": "Hall", "city": "Philadelphia"}, reminder_minutes=30, now=now)
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"America/New_York", "Europe/London"}
    assert [e["RRULE"].to_ical().decode() for e in events] == [
        "FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "FREQ=MONTHLY;UNTIL=20270630T225959Z;BYDAY=-1FR"]
    first = events[0]
    assert first.decoded("DTSTART") == datetime(2026, 12, 1, 19, tzinfo=NY)
    assert first.decoded("DTEND") == datetime(2026, 12, 1, 20, 30, tzinfo=NY)
    assert "DTSTART;TZID=America/New_York:20261201T190000" in data.decode()
    alarm = list(first.walk("VALARM"))[0]
    assert alarm.decoded("TRIGGER").total_seconds() == -30 * 60
    assert events[1].decoded("DTSTART").date() == date(2026, 11, 26)  # every other Thursday from 8 Jan 2026 (46 weeks on)
    assert group_ics("x/1", "E", rules, now=now) == group_ics("x/1", "E", rules, now=now), "stable UIDs"
    with pytest.raises(CalendarError):
        group_ics("x/2", "No times", (ScheduleRule("varies"), ScheduleRule("weekly", 1, time(19), None, None)), now=now)


def test_a_snapshot_still_gives_details_and_a_calendar(services, tmp_path):
    import_local(services, tmp_path)
    snapshot = group_snapshot(services, ONLINE_GRIEF_ID)
    rules = rules_from_snapshot(snapshot)
    assert rules == services.directory.get_group(ONLINE_GRIEF_ID).record.schedule
    details = details_from_snapshot(ONLINE_GRIEF_ID, snapshot, "America/New_York", datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert details.record.online.url == "https://example.org/join/grief"
    assert details.next_meetings[0].local_start == datetime(2026, 12, 1, 19, tzinfo=NY)


def test_score_weighs_what_the_person_said():
    record = GroupRecord("a", "A", topics=("grief_and_loss",), leadership="peer", attendance="online", cost="free", typical_size=8,
                         schedule=(ScheduleRule("weekly", 1, time(19), None, "America/New_York"),))
    answers = Answers(topics=("grief_and_loss",), attendance="online", leadership="peer", size="small", frequency="weekly",
                      cost="free", days=(1,), times=("evening",))
    points, fits, misses = score(record, answers)
    assert misses == [] and len(fits) == 7 and points == 5 + 3 + 2 + 1 + 1 + 2 + 2
    other = GroupRecord("b", "B", topics=("anxiety",), leadership="professional", attendance="in_person", cost="fee",
                        typical_size=30, schedule=(ScheduleRule("monthly", 5, time(10), None, "UTC", ordinal=1),))
    points, fits, misses = score(other, answers)
    assert fits == [] and points == 0
    assert why_line(fits, misses).startswith("But: not focused on what you're looking for, only in person")
    assert score(record, Answers())[0] == 0, "no answers, no preference"


def test_rank_puts_the_best_fit_first(services, tmp_path):
    import_local(services, tmp_path)
    ranked = rank(services.directory, Answers(topics=("grief_and_loss",), attendance="online", cost="free"),
                  now=datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert ranked[0].group_id == ONLINE_GRIEF_ID
    assert ranked[0].why == "For grief and loss, online, as you wanted and free."
    assert ranked[1].group_id == "bundled/griefshare"
    assert all(c.group_id != "local/monthly-caregivers" for c in ranked), "temporarily closed groups are left out"
    assert Answers.from_dict(Answers(topics=("anxiety",), days=(1, 2)).as_dict()) == Answers(topics=("anxiety",), days=(1, 2))
