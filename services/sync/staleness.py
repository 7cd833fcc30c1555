"""How long ago something happened, in plain words: the sources screen's "last updated
3 days ago"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.i18n import _, ngettext


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
            return _("today")
        if days == 1:
            return _("yesterday")
    if seconds < 60:
        return _("just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 24:
        return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)
    days = int(seconds // 86400)
    if days == 1:
        return _("yesterday")
    if days < 14:
        return ngettext("{n} day ago", "{n} days ago", days).format(n=days)
    months = _months_between(then, now)
    if months < 1:
        return ngettext("{n} week ago", "{n} weeks ago", days // 7).format(n=days // 7)
    if months < 12:
        return _("a month ago") if months == 1 else ngettext("{n} month ago", "{n} months ago", months).format(n=months)
    years = months // 12
    return _("a year ago") if years == 1 else ngettext("{n} year ago", "{n} years ago", years).format(n=years)
