"""Plain words for directory groups: labels, next-meeting and distance texts, the "your
first time" note and the public text a person may share. Pure functions, no UI."""

from __future__ import annotations

from datetime import datetime

from services.directory.model import GroupRecord, GroupSummary, NextMeeting
from services.directory.places import km_to_miles
from services.links import web_link  # a hostile feed's link is never passed on as a link

ATTENDANCE = {"in_person": "In person", "online": "Online", "hybrid": "In person or online"}
LEADERSHIP = {"peer": "Peer-led", "professional": "Professional", "co_facilitated": "Peer and professional",
              "unknown": "Leadership not given"}
COST = {"free": "Free", "donation": "Donation", "sliding_scale": "Sliding scale", "fee": "Fee",
        "unknown": "Cost not given"}
REGISTRATION = {"drop_in": "Drop in, no sign-up", "register": "Register first", "intake_call": "A call before the first visit",
                "unknown": "Not given"}
TOPIC_WORDS = {"trauma_ptsd": "Trauma and PTSD", "ocd": "OCD", "lgbtq": "LGBTQ+", "bipoc": "BIPOC"}
ACCESSIBILITY_WORDS = {"wheelchair_access": "Wheelchair access", "asl": "ASL interpretation",
                       "hearing_loop": "Hearing loop", "fragrance_free": "Fragrance free"}


def label(value: str) -> str:
    """A vocabulary key as words: "grief_and_loss" → "Grief and loss"."""
    if value in TOPIC_WORDS:
        return TOPIC_WORDS[value]
    if value in ACCESSIBILITY_WORDS:
        return ACCESSIBILITY_WORDS[value]
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def clock(moment: datetime, hour24: bool) -> str:
    if hour24:
        return f"{moment:%H:%M}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def relative_day(start: datetime, now: datetime) -> str:
    """How far off a meeting is, in the meeting-goer's calendar days."""
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    if start <= now:
        return "now"
    if days == 0:
        minutes = int((start - now).total_seconds() // 60)
        if minutes < 60:
            return f"in {max(1, minutes)} min"
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 14:
        return f"in {days} days"
    return f"in {days // 7} weeks"


def next_meeting_text(meeting: NextMeeting, now: datetime, hour24: bool) -> str:
    """"Tue 7:00 PM · in 2 days", in the person's own zone."""
    start = meeting.local_start
    return f"{start:%a} {clock(start, hour24)} · {relative_day(start, now)}"


def meeting_date_text(meeting: NextMeeting, hour24: bool) -> str:
    """"Tuesday 2 December, 7:00 PM" in the person's zone (for the details' next dates)."""
    start = meeting.local_start
    return f"{start:%A} {start.day} {start:%B}, {clock(start, hour24)}"


def distance_text(km: float | None, unit: str) -> str | None:
    if km is None:
        return None
    if unit == "mi":
        miles = km_to_miles(km)
        return f"{miles:.1f} mi away" if miles < 10 else f"{miles:.0f} mi away"
    return f"{km:.1f} km away" if km < 10 else f"{km:.0f} km away"


def status_note(summary: GroupSummary) -> str | None:
    """Whatever a person must know before counting on the next meeting."""
    if summary.status == "temporarily_closed":
        return "Temporarily closed"
    note = summary.schedule_note.lower()
    if summary.next_meeting is None:
        if note.startswith("by appointment"):
            return "By appointment"
        if "vary" in note or "varies" in note:
            return "Times vary — see the organisation"
        if "time zone unknown" in note:
            return "Time zone not given — check the time with the group"
        return "No regular time given"
    return None


def first_time_text(record: GroupRecord) -> str:
    """A short, calm note on what a first meeting is usually like for this kind of group."""
    parts = []
    if record.leadership == "professional":
        parts.append("A trained facilitator leads the meeting and keeps it safe and on track. "
                     "They may ask a little about you before or at your first meeting.")
    elif record.leadership == "co_facilitated":
        parts.append("A professional and a peer lead it together: one brings training, the other lived experience.")
    else:
        parts.append("It is run by people who have been through something similar. "
                     "Nobody will expect you to be an expert or to have answers.")
    if record.attendance == "online":
        parts.append("Online, you can join a few minutes early to check your sound, keep your camera off if you "
                     "prefer, and find a quiet spot where no one overhears.")
    elif record.attendance == "hybrid":
        parts.append("You can go in person or join online; either way, arriving a few minutes early helps.")
    else:
        parts.append("In person, arriving a few minutes early gives you time to find the room and say hello.")
    if record.registration in ("register", "intake_call"):
        parts.append("This group asks you to get in touch before your first visit.")
    parts.append("You don't have to speak: listening is a fine way to start. What is shared stays in the group.")
    return " ".join(parts)


def share_text(details: dict | GroupRecord, group_id: str | None = None, schedule: tuple[str, ...] = ()) -> str:
    """The group's public details as plain text to share. Never notes or attendance.

    ``details`` is a directory record or a saved snapshot (its public fields only are read)."""
    get = (details.get if isinstance(details, dict) else lambda key, default=None: getattr(details, key, default))
    lines = [str(get("name") or group_id or "A support group")]
    topics = get("topics") or ()
    if topics:
        lines.append(", ".join(label(t) for t in topics))
    lines.append(f"{ATTENDANCE.get(get('attendance'), '')} · {LEADERSHIP.get(get('leadership'), '')}".strip(" ·"))
    schedule = schedule or tuple(get("schedule_text") or ())
    lines.extend(schedule)
    location = get("location") or {}
    loc_get = location.get if isinstance(location, dict) else lambda key, default=None: getattr(location, key, default)
    where = ", ".join(str(loc_get(k)) for k in ("venue", "address", "city", "region") if loc_get(k))
    if where:
        lines.append(where)
    online = get("online") or {}
    online_url = online.get("url") if isinstance(online, dict) else getattr(online, "url", None)
    contact = get("contact") or {}
    website = contact.get("website") if isinstance(contact, dict) else getattr(contact, "website", None)
    for link in (web_link(online_url), web_link(website)):
        if link:
            lines.append(link)
    lines.append("Found with Kindred")
    return "\n".join(line for line in lines if line)
