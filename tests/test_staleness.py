from datetime import UTC, date, datetime, timedelta

import pytest

from services.sync.staleness import ago, listing_age

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (NOW - timedelta(seconds=5), "just now"),
        (NOW - timedelta(minutes=1), "1 minute ago"),
        (NOW - timedelta(minutes=59), "59 minutes ago"),
        (NOW - timedelta(hours=3), "3 hours ago"),
        (NOW - timedelta(days=1, hours=2), "yesterday"),
        (NOW - timedelta(days=6), "6 days ago"),
        (NOW - timedelta(days=20), "2 weeks ago"),
        (datetime(2026, 10, 20, tzinfo=UTC), "a month ago"),
        (datetime(2026, 3, 20, tzinfo=UTC), "8 months ago"),
        (datetime(2025, 11, 1, tzinfo=UTC), "a year ago"),
        (datetime(2023, 1, 1, tzinfo=UTC), "3 years ago"),
        (date(2026, 11, 25), "today"),
        (date(2026, 11, 24), "yesterday"),
        (datetime(2026, 11, 25, 11, 0), "1 hour ago"),  # naive = UTC, as SQLite returns it
    ],
)
def test_ago(moment, text):
    assert ago(moment, NOW) == text


def test_listing_age_is_the_feeds_own_date_where_given_else_the_download():
    age = listing_age(date(2026, 3, 25), datetime(2026, 3, 1, tzinfo=UTC), NOW)
    assert age.text == "updated 8 months ago" and age.stale and age.days == 245
    # a listing last updated in 2021 is old, however recently it was downloaded
    old = listing_age(date(2021, 6, 1), NOW - timedelta(days=2), NOW)
    assert old.text == "updated 5 years ago" and old.stale
    assert listing_age(None, NOW - timedelta(hours=1), NOW).text == "updated today"
    assert listing_age(None, None, NOW) is None
