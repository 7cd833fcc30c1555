"""Next meetings from schedule rules: weekly, every N weeks, monthly by ordinal weekday,
across DST changes, in the meeting's own zone."""

from datetime import UTC, date, datetime, time

from services.directory.model import ScheduleRule
from services.directory.schedule import describe_rule, next_meetings, occurrences


def starts(rule, after, count=3):
    return [start.isoformat() for start, _ in occurrences(rule, after, count)]


def test_weekly_meeting_keeps_its_wall_clock_time_across_the_us_spring_change():
    # DST starts in New York on Sunday 8 March 2026: 19:00 stays 19:00, the offset moves.
    rule = ScheduleRule("weekly", weekday=5, start=time(19), end=time(20), timezone="America/New_York")
    assert starts(rule, datetime(2026, 3, 2, tzinfo=UTC)) == [
        "2026-03-07T19:00:00-05:00", "2026-03-14T19:00:00-04:00", "2026-03-21T19:00:00-04:00"]


def test_weekly_meeting_across_the_us_autumn_change():
    # DST ends in New York on Sunday 1 November 2026.
    rule = ScheduleRule("weekly", weekday=0, start=time(18, 30), timezone="America/New_York")
    assert starts(rule, datetime(2026, 10, 25, tzinfo=UTC), 2) == ["2026-10-26T18:30:00-04:00", "2026-11-02T18:30:00-05:00"]


def test_london_meeting_across_british_summer_time():
    # Clocks go forward in the UK on Sunday 29 March 2026.
    rule = ScheduleRule("weekly", weekday=6, start=time(10), timezone="Europe/London")
    assert starts(rule, datetime(2026, 3, 22, 12, tzinfo=UTC), 2) == ["2026-03-29T10:00:00+01:00", "2026-04-05T10:00:00+01:00"]


def test_a_time_in_the_spring_gap_moves_forward_like_the_clocks():
    rule = ScheduleRule("weekly", weekday=6, start=time(2, 30), timezone="America/New_York")
    assert starts(rule, datetime(2026, 3, 7, tzinfo=UTC), 2) == ["2026-03-08T03:30:00-04:00", "2026-03-15T02:30:00-04:00"]


def test_last_friday_of_the_month():
    rule = ScheduleRule("monthly", weekday=4, ordinal=-1, start=time(19), timezone="Europe/London")
    assert starts(rule, datetime(2026, 1, 1, tzinfo=UTC), 4) == [
        "2026-01-30T19:00:00+00:00", "2026-02-27T19:00:00+00:00", "2026-03-27T19:00:00+00:00", "2026-04-24T19:00:00+01:00"]


def test_second_tuesday_skips_this_month_once_it_has_passed():
    rule = ScheduleRule("monthly", weekday=1, ordinal=2, start=time(18), timezone="America/Chicago")
    assert starts(rule, datetime(2026, 11, 11, 12, tzinfo=UTC), 2) == ["2026-12-08T18:00:00-06:00", "2027-01-12T18:00:00-06:00"]


def test_every_two_weeks_follows_its_anchor_date():
    rule = ScheduleRule("weekly", weekday=1, start=time(19), timezone="Europe/London", interval_weeks=2, anchor_date=date(2026, 1, 6))
    assert starts(rule, datetime(2026, 3, 4, tzinfo=UTC), 3) == [
        "2026-03-17T19:00:00+00:00", "2026-03-31T19:00:00+01:00", "2026-04-14T19:00:00+01:00"]


def test_every_two_weeks_without_an_anchor_claims_nothing():
    rule = ScheduleRule("weekly", weekday=1, start=time(19), timezone="Europe/London", interval_weeks=2)
    assert occurrences(rule, datetime(2026, 3, 4, tzinfo=UTC)) == []


def test_unknown_zone_by_appointment_and_ended_rules_have_no_next_meeting():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert occurrences(ScheduleRule("weekly", weekday=0, start=time(19), timezone=None), now) == []
    assert occurrences(ScheduleRule("by_appointment"), now) == []
    assert occurrences(ScheduleRule("varies", note="see finder"), now) == []
    ended = ScheduleRule("weekly", weekday=0, start=time(19), timezone="Europe/Paris", ends_on=date(2026, 2, 1))
    assert occurrences(ended, now) == []


def test_a_meeting_that_has_just_started_is_not_next():
    rule = ScheduleRule("weekly", weekday=2, start=time(19), timezone="Europe/Berlin")
    after = datetime(2026, 6, 10, 17, 0, 1, tzinfo=UTC)  # Wednesday 19:00:01 in Berlin
    assert starts(rule, after, 1) == ["2026-06-17T19:00:00+02:00"]


def test_next_meetings_merge_several_rules_and_zones():
    rules = [
        ScheduleRule("weekly", weekday=5, start=time(9), timezone="America/Los_Angeles"),
        ScheduleRule("weekly", weekday=5, start=time(11, 45), timezone="America/New_York"),
    ]
    found = next_meetings(rules, datetime(2026, 7, 1, tzinfo=UTC), 3)
    assert [(s.isoformat(), z) for s, _, z in found] == [
        ("2026-07-04T11:45:00-04:00", "America/New_York"),
        ("2026-07-04T09:00:00-07:00", "America/Los_Angeles"),
        ("2026-07-11T11:45:00-04:00", "America/New_York"),
    ]


def test_rules_are_described_in_words():
    assert describe_rule(ScheduleRule("monthly", weekday=4, ordinal=-1, start=time(19), end=time(20, 30), timezone="Europe/London")) == (
        "Monthly on the last Friday 19:00–20:30 (Europe/London)")
    assert "time zone unknown" in describe_rule(ScheduleRule("weekly", weekday=0, start=time(7)))
