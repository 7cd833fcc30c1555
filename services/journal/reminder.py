"""A daily check-in reminder as a recurring calendar event (.ics) with an alarm.

A web app cannot count on notifications, so the person adds this to their own calendar.
The event holds no private data: just "time for a check-in".
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from services.i18n import N_, _
from services.journal.model import JournalError

SUMMARY = "Kindred check-in"
DESCRIPTION = "How are you feeling? Open Kindred for a short check-in. (Skip it any day; no pressure.)"


def guess_time_zone() -> str:
    """The device's IANA time zone name, else UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and _valid(name):
        return name
    try:
        name = Path("/etc/timezone").read_text().strip()
        if _valid(name):
            return name
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if _valid(name):
                return name
    except OSError:
        pass
    return "UTC"


def _valid(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError):
        return False


def time_zone_names() -> list[str]:
    return sorted(available_timezones())


def daily_reminder_ics(at: str = "20:00", time_zone: str = "UTC", starting: date | None = None) -> bytes:
    try:
        when = time.fromisoformat(at)
    except ValueError:
        raise JournalError(N_("Give the reminder time as hours and minutes, like 20:00.")) from None
    if not _valid(time_zone):
        raise JournalError(_("Unknown time zone {time_zone}; use a name like Europe/London or America/New_York.").format(time_zone=repr(time_zone)))
    zone = ZoneInfo(time_zone)
    start_day = starting or datetime.now(zone).date()
    start = datetime.combine(start_day, when.replace(second=0, microsecond=0), tzinfo=zone)

    from icalendar import Alarm, Calendar, Event  # here: a second of start-up otherwise (issue #14)

    calendar = Calendar()
    calendar.add("prodid", "-//Kindred//Daily check-in//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", f"{uuid.uuid4()}@kindred.invalid")
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=5))
    event.add("summary", SUMMARY)
    event.add("description", DESCRIPTION)
    event.add("rrule", {"freq": "daily"})
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", SUMMARY)
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=start_day - timedelta(days=366), last_date=start_day + timedelta(days=366 * 10))
    return calendar.to_ical()
