"""How long ago something happened, in plain words: the sources screen's "last updated
3 days ago"."""

from __future__ import annotations

from datetime import UTC, date, datetime

def _as_utc(moment: datetime | date) -> datetime:
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def _months_between(earlier: datetime, later: datetime) -> int:
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if later.day < earlier.day:
        months -= 1
    return max(0, months)


def ago(moment: datetime | date, now: datetime | None = None) -> str:
    """ "just now", "5 minutes ago", "yesterday", "3 weeks ago", "8 months ago", "2 years ago"."""
    now = _as_utc(now or datetime.now(UTC))
    then = _as_utc(moment)
    seconds = (now - then).total_seconds()
    if isinstance(moment, date) and not isinstance(moment, datetime):
        days = (now.date() - moment).days
        if days <= 0:
            return "today"
        if days == 1:
            return "yesterday"
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    months = _months_between(then, now)
    if months < 1:
        return f"{days // 7} weeks ago"
    if months < 12:
        return "a month ago" if months == 1 else f"{months} months ago"
    years = months // 12
    return "a year ago" if years == 1 else f"{years} years ago"
