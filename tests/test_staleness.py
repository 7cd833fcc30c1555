from datetime import UTC, date, datetime, timedelta

import pytest

from services.sync.staleness import ago

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
