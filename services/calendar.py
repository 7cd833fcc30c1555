"""A saved group's meetings as a calendar file (.ics) a person adds to their own calendar.

One repeating event per timed schedule rule: DTSTART in the meeting's own IANA zone (with
its VTIMEZONE), an RRULE (weekly, every N weeks, monthly on the nth weekday), and a VALARM
reminder. Only the group's public details go in; never notes or attendance.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta

from services.i18n import N_, _
from services.directory.model import ScheduleRule
from services.directory.schedule import occurrences, valid_zone, zone
from services.links import directions_link, web_link

RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEFAULT_LENGTH = timedelta(hours=1)
REMINDER_CHOICES = (15, 30, 60, 120, 24 * 60)  # minutes before


class CalendarError(ValueError):
    """A message for the person."""


def _time(value) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and value:
        try:
            return time.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def rules_from_snapshot(snapshot: dict) -> tuple[ScheduleRule, ...]:
    """The schedule rules kept in a saved group's snapshot (plain JSON), as rules again."""
    rules = []
    for item in snapshot.get("schedule") or ():
        if not isinstance(item, dict) or item.get("kind") not in ("weekly", "monthly", "by_appointment", "varies"):
            continue
        weekday = item.get("weekday")
        rules.append(ScheduleRule(
            kind=item["kind"],
            weekday=weekday if isinstance(weekday, int) and 0 <= weekday <= 6 else None,
            start=_time(item.get("start")), end=_time(item.get("end")),
            timezone=valid_zone(item.get("timezone")),
            interval_weeks=item.get("interval_weeks") if isinstance(item.get("interval_weeks"), int) and item["interval_weeks"] > 0 else 1,
            ordinal=item.get("ordinal") if isinstance(item.get("ordinal"), int) else None,
            anchor_date=_date(item.get("anchor_date")), starts_on=_date(item.get("starts_on")),
            ends_on=_date(item.get("ends_on")), note=item.get("note") if isinstance(item.get("note"), str) else None,
        ))
    return tuple(rules)


def rrule_for(rule: ScheduleRule) -> dict:
    day = RRULE_DAYS[rule.weekday]
    if rule.kind == "monthly":
        recurrence = {"freq": "monthly", "byday": f"{rule.ordinal or 1}{day}"}
    else:
        recurrence = {"freq": "weekly", "byday": day}
        if rule.interval_weeks > 1:
            recurrence["interval"] = rule.interval_weeks
    if rule.ends_on:
        # UNTIL with a zoned DTSTART must be in UTC (RFC 5545 3.3.10): the end of that day, there.
        last = datetime.combine(rule.ends_on, time(23, 59, 59), tzinfo=zone(rule.timezone))
        recurrence["until"] = last.astimezone(UTC)
    return recurrence


def group_ics(
    group_id: str,
    name: str,
    rules: tuple[ScheduleRule, ...],
    *,
    description: str | None = None,
    location=None,
    online_url: str | None = None,
    website: str | None = None,
    reminder_minutes: int = 60,
    now: datetime | None = None,
) -> bytes:
    """A VCALENDAR with one repeating VEVENT per timed rule. Raises CalendarError when the
    group has no regular time with a known time zone (nothing honest to add)."""
    now = now or datetime.now(UTC)
    timed = [r for r in rules if r.has_times and r.timezone and valid_zone(r.timezone)]
    if not timed:
        raise CalendarError(_("This group has no regular meeting time with a known time zone, so there is nothing to "
                              "add to a calendar. Check the times with the group."))
    if reminder_minutes <= 0:
        raise CalendarError(N_("The reminder must be some minutes before the meeting."))
    from icalendar import Alarm, Calendar, Event  # here: a second of start-up otherwise (issue #14)

    calendar = Calendar()
    calendar.add("prodid", "-//Kindred//Saved group//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    link = web_link(online_url) or web_link(website)
    where = None
    if location is not None:
        get = location.get if isinstance(location, dict) else (lambda key, default=None: getattr(location, key, default))
        where = ", ".join(str(get(k)) for k in ("venue", "address", "city", "region", "postal_code") if get(k)) or None
    directions = directions_link(location) if location is not None else None
    added = 0
    first_day = None
    for index, rule in enumerate(timed):
        upcoming = occurrences(rule, now, 1)
        if not upcoming:
            continue
        start, end = upcoming[0]
        end = end if end is not None and end > start else start + DEFAULT_LENGTH
        event = Event()
        digest = hashlib.sha256(f"{group_id}\n{index}".encode()).hexdigest()[:24]
        event.add("uid", f"{digest}@kindred.invalid")  # stable: adding it again updates, not duplicates
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", name)
        text = "\n\n".join(part for part in (description, f"Online: {link}" if link else None,
                                             f"Directions: {directions}" if directions else None) if part)
        if text:
            event.add("description", text)
        if where:
            event.add("location", where)
        elif link:
            event.add("location", link)
        if link:
            event.add("url", link)
        event.add("rrule", rrule_for(rule))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{name} starts in {_minutes_words(reminder_minutes)}")
        alarm.add("trigger", timedelta(minutes=-reminder_minutes))
        event.add_component(alarm)
        calendar.add_component(event)
        added += 1
        first_day = min(first_day, start.date()) if first_day else start.date()
    if not added:
        raise CalendarError(N_("This group has no meeting coming up, so there is nothing to add to a calendar."))
    calendar.add_missing_timezones(first_date=first_day - timedelta(days=1), last_date=first_day + timedelta(days=366 * 3))
    return calendar.to_ical()


def _minutes_words(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def ics_file_name(name: str) -> str:
    slug = "".join(ch.lower() if ch.isalnum() else "-" for ch in name).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug[:50] or 'group'}.ics"
