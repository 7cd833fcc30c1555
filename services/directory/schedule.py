"""Next meetings from schedule rules, correct across DST (zoneinfo only, never fixed offsets).

Rules are in the meeting's local wall-clock time. A local time that does not exist on a
spring-forward day (02:30 in New York) is moved forward by the gap, as clocks do; a time
that happens twice on a fall-back day is taken at its first occurrence.
"""

from __future__ import annotations

import calendar
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.directory.model import WEEKDAY_NAMES, ScheduleRule
from services.i18n import N_, _, weekday_name

WEEKDAY_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINAL_WORDS = {1: N_("first"), 2: N_("second"), 3: N_("third"), 4: N_("fourth"), 5: N_("fifth"), -1: N_("last")}
# How far ahead to look: a monthly "5th Friday" can skip a few months; beyond a year a rule
# that has not met is treated as having no next meeting.
HORIZON_DAYS = 400


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def valid_zone(name: str | None) -> str | None:
    """The IANA name if zoneinfo knows it, else None. Offsets such as "+03:00" are refused."""
    if not name or not isinstance(name, str) or "/" not in name and name != "UTC":
        return None
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def localise(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The aware instant of a wall-clock time, normalised through UTC so gap times move on."""
    naive = datetime.combine(day, at).replace(tzinfo=tz, fold=0)
    return naive.astimezone(UTC).astimezone(tz)


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date | None:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    if ordinal == -1:
        return days[-1]
    return days[ordinal - 1] if 1 <= ordinal <= len(days) else None


def _candidate_days(rule: ScheduleRule, first: date):
    """Local dates on or after ``first`` the rule meets on, in order."""
    last = first + timedelta(days=HORIZON_DAYS)
    if rule.kind == "weekly":
        day = first + timedelta(days=(rule.weekday - first.weekday()) % 7)
        step = max(1, rule.interval_weeks)
        if step > 1:
            anchor = rule.anchor_date or rule.starts_on
            if anchor is None:
                return  # every N weeks with no anchor: which weeks is unknowable
            anchor_monday = anchor - timedelta(days=anchor.weekday())
            weeks = ((day - timedelta(days=day.weekday())) - anchor_monday).days // 7
            day += timedelta(weeks=(-weeks) % step)
        while day <= last:
            yield day
            day += timedelta(weeks=step)
    elif rule.kind == "monthly":
        year, month = first.year, first.month
        while date(year, month, 1) <= last:
            day = nth_weekday(year, month, rule.weekday, rule.ordinal or 1)
            if day is not None and day >= first:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def occurrences(rule: ScheduleRule, after: datetime, count: int = 1) -> list[tuple[datetime, datetime | None]]:
    """The next ``count`` (start, end) pairs at or after ``after``, in the rule's zone.

    Empty when the rule has no times, no known zone, or has ended."""
    if not rule.has_times or rule.timezone is None:
        return []
    tz = zone(rule.timezone)
    local_after = after.astimezone(tz)
    first = local_after.date() - timedelta(days=1)  # yesterday: a gap-shifted start can land today
    if rule.starts_on and rule.starts_on > first:
        first = rule.starts_on
    found: list[tuple[datetime, datetime | None]] = []
    for day in _candidate_days(rule, first):
        if rule.ends_on and day > rule.ends_on:
            break
        start = localise(day, rule.start, tz)
        if start < after:
            continue
        end = None
        if rule.end is not None:
            end_day = day if rule.end > rule.start else day + timedelta(days=1)
            end = localise(end_day, rule.end, tz)
        found.append((start, end))
        if len(found) == count:
            break
    return found


def next_meetings(rules, after: datetime, count: int = 1) -> list[tuple[datetime, datetime | None, str]]:
    """The next ``count`` meetings over all of a group's rules: (start, end, zone name)."""
    merged = []
    for rule in rules:
        merged.extend((start, end, rule.timezone) for start, end in occurrences(rule, after, count))
    merged.sort(key=lambda item: item[0])
    return merged[:count]


def describe_rule(rule: ScheduleRule) -> str:
    """A rule in the session's language: "Weekly on Tuesday 19:00–20:30 (America/New_York)"."""
    if rule.kind == "by_appointment":
        return _("By appointment — {note}").format(note=rule.note) if rule.note else _("By appointment")
    if rule.kind == "varies":
        return rule.note or _("Times vary — see the organisation for local meetings")
    when = ""
    if rule.start is not None:
        when = f" {rule.start:%H:%M}" + (f"–{rule.end:%H:%M}" if rule.end else "")
    zone_text = f" ({rule.timezone})" if rule.timezone else " " + _("(time zone unknown)")
    day = weekday_name(rule.weekday) if rule.weekday is not None else "?"
    if rule.kind == "monthly":
        ordinal = ORDINAL_WORDS.get(rule.ordinal or 1)
        text = _("Monthly on the {ordinal} {day}").format(ordinal=_(ordinal) if ordinal else str(rule.ordinal), day=day)
    elif rule.interval_weeks > 1:
        text = _("Every {n} weeks on {day}").format(n=rule.interval_weeks, day=day)
    else:
        text = _("Weekly on {day}").format(day=day)
    text += when + zone_text
    if rule.ends_on:
        text += _(", until {date}").format(date=rule.ends_on.isoformat())
    return text


def parse_weekday(value) -> int | None:
    """'mon', 'Monday', 'MO' → 0. Numbers are not accepted here: feeds disagree on them."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()[:3]
    aliases = {"mo": "mon", "tu": "tue", "we": "wed", "th": "thu", "fr": "fri", "sa": "sat", "su": "sun"}
    key = aliases.get(key[:2], key) if len(key) == 2 else key
    return WEEKDAY_NAMES.index(key) if key in WEEKDAY_NAMES else None


_HHMM = re.compile(r"^\s*(\d{1,2}):(\d\d)(?::00)?\s*$")


def parse_clock(value) -> time | None:
    """'19:00', '7:00 PM', '19:00:00', '7pm' → time; None when unreadable."""
    if not isinstance(value, str):
        return None
    fast = _HHMM.match(value)
    if fast:  # the common "19:00" without strptime, which is slow at 100k meetings
        hour, minute = int(fast.group(1)), int(fast.group(2))
        return time(hour, minute) if hour < 24 and minute < 60 else None
    text = value.strip().upper().replace(".", "")
    for pattern in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    return None


def local_zone_name(environ=None) -> str | None:
    """The device's IANA zone: $TZ, else /etc/localtime's link target; None if unknown."""
    env = os.environ if environ is None else environ
    if valid_zone(env.get("TZ", "").lstrip(":")):
        return env["TZ"].lstrip(":")
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return None
    marker = "zoneinfo/"
    if marker in target:
        return valid_zone(target.split(marker, 1)[1])
    return None
