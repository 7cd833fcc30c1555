"""Plain words for directory groups: labels, next-meeting and distance texts, the "your
first time" note and the public text a person may share. Pure functions, no UI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.directory.model import GroupRecord, GroupSummary, NextMeeting, ScheduleRule
from services.directory.places import km_to_miles
from services.directory.vocabulary import (
    ATTENDANCE_LABELS,
    COST_LABELS,
    LEADERSHIP_LABELS,
    ONLINE_ANYWHERE,
    REGISTRATION_LABELS,
    Attendance,
    ScheduleState,
    label,
)
from services.i18n import _, format_date, format_number, ngettext, weekday_name
from services.links import web_link  # a hostile feed's link is never passed on as a link

# The one vocabulary's labels, under the names the screens have always imported.
ATTENDANCE = ATTENDANCE_LABELS
LEADERSHIP = LEADERSHIP_LABELS
COST = COST_LABELS
REGISTRATION = REGISTRATION_LABELS
SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

__all__ = ["ATTENDANCE", "COST", "LEADERSHIP", "REGISTRATION", "label", "times_text", "where_text",
           "freshness_text", "correction_draft", "status_note"]


def clock(moment: datetime, hour24: bool) -> str:
    if hour24:
        return f"{moment:%H:%M}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def relative_day(start: datetime, now: datetime) -> str:
    """How far off a meeting is, in the meeting-goer's calendar days."""
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    if start <= now:
        return _("now")
    if days == 0:
        minutes = int((start - now).total_seconds() // 60)
        if minutes < 60:
            return _("in {n} min").format(n=max(1, minutes))
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days < 14:
        return ngettext("in {n} day", "in {n} days", days).format(n=days)
    return ngettext("in {n} week", "in {n} weeks", days // 7).format(n=days // 7)


def next_meeting_text(meeting: NextMeeting, now: datetime, hour24: bool) -> str:
    """"Tue 7:00 PM · in 2 days", in the person's own zone."""
    start = meeting.local_start
    return f"{weekday_name(start.weekday(), 'abbreviated')} {clock(start, hour24)} · {relative_day(start, now)}"


def meeting_date_text(meeting: NextMeeting, hour24: bool) -> str:
    """"Tuesday 2 December, 7:00 PM" in the person's zone (for the details' next dates)."""
    start = meeting.local_start
    return f"{format_date(start, 'EEEEMMMMd')}, {clock(start, hour24)}"


def times_text(rules, hour24: bool) -> str | None:
    """Every weekly time of a group on one line: "Mon, Wed, Fri · 7:00 PM; Sat · 10:00 AM"
    (the group's own local times)."""
    by_time: dict[tuple, list[int]] = {}
    for rule in rules:
        if isinstance(rule, ScheduleRule) and rule.kind == "weekly" and rule.has_times and rule.interval_weeks == 1:
            by_time.setdefault((rule.start, rule.timezone), []).append(rule.weekday)
    if not by_time:
        return None
    parts = []
    for (start, _zone), days in sorted(by_time.items(), key=lambda item: (min(item[1]), item[0][0])):
        moment = datetime.combine(date(2000, 1, 3), start)
        parts.append(f"{', '.join(weekday_name(d, 'abbreviated') for d in sorted(set(days)))} · {clock(moment, hour24)}")
    return "; ".join(parts)


def where_text(attendance: str, distance_km: float | None, unit: str) -> str | None:
    """"2.3 mi away" for a group that meets in person; "Online — anywhere" for one that does
    not — never a distance to an online group, never "0.0 mi" for a group with no place."""
    if not Attendance(attendance).in_person:
        return _(ONLINE_ANYWHERE)
    return distance_text(distance_km, unit)


def freshness_text(updated: date | None, stale: bool, source: str) -> str:
    """"From aa-philly · updated 3 Mar 2025 · may be out of date — check with the group"."""
    text = _("From {source}").format(source=source)
    if updated:
        text += " · " + _("updated {date}").format(date=format_date(updated))
    else:
        text += " · " + _("no update date given")
    if stale:
        text += " · " + _("may be out of date — check with the group before going")
    return text


@dataclass(frozen=True)
class CorrectionDraft:
    """A correction for the person to send to the listing's source themselves."""

    to: str | None  # an e-mail address of the source, when it gives one
    link: str | None  # else a web page of the source
    subject: str
    body: str

    @property
    def mailto(self) -> str | None:
        """A mailto: link that opens the person's own e-mail app with the draft filled in."""
        from urllib.parse import quote

        from services.links import mailto_link

        base = mailto_link(self.to)
        return f"{base}?subject={quote(self.subject)}&body={quote(self.body)}" if base else None


def correction_draft(record: GroupRecord, group_id: str, source: str, schedule: tuple[str, ...] = (),
                     problem: str = "", updated: date | None = None) -> CorrectionDraft:
    """"Report a problem": what is wrong plus the listing's public details, drafted on the
    device. Kindred sends nothing; nothing about the person is included."""
    lines = [problem.strip() or "What is wrong: (please describe — e.g. the time changed, the group no longer meets)",
             "", "The listing as shown:", f"Name: {record.name}", f"Listing id: {group_id}"]
    lines += [f"When: {text}" for text in schedule]
    where = ", ".join(p for p in (record.location.venue, record.location.address, record.location.city,
                                  record.location.region) if p)
    if where:
        lines.append(f"Where: {where}")
    online = web_link(record.online.url)
    if online:
        lines.append(f"Online: {online}")
    if updated:
        lines.append(f"Last updated: {updated.isoformat()}")
    lines += ["", f"Found through the {source} listing."]
    return CorrectionDraft(
        to=record.contact.email or None, link=web_link(record.contact.website),
        subject=f"Correction to the listing: {record.name}", body="\n".join(lines))


def distance_text(km: float | None, unit: str) -> str | None:
    if km is None:
        return None
    if unit == "mi":
        miles = km_to_miles(km)
        return _("{distance} mi away").format(distance=format_number(miles, 1 if miles < 10 else 0))
    return _("{distance} km away").format(distance=format_number(km, 1 if km < 10 else 0))


def schedule_state(summary: GroupSummary) -> ScheduleState | None:
    """Whatever a person must know before counting on the next meeting."""
    if summary.status == "temporarily_closed":
        return ScheduleState.TEMPORARILY_CLOSED
    if summary.next_meeting is not None:
        return None
    kinds = {rule.kind for rule in summary.times}
    note = summary.schedule_note.lower()
    if "call for group times" in note:
        return ScheduleState.CALL_FOR_TIMES
    if "by_appointment" in kinds or note.startswith("by appointment"):
        return ScheduleState.BY_APPOINTMENT
    if "varies" in kinds or "vary" in note or "varies" in note:
        return ScheduleState.TIMES_VARY
    if any(rule.has_times and rule.timezone is None for rule in summary.times) or "time zone unknown" in note:
        return ScheduleState.TIME_ZONE_UNKNOWN
    return ScheduleState.NO_TIME


def status_note(summary: GroupSummary) -> str | None:
    state = schedule_state(summary)
    return state.label if state else None


def first_time_text(record: GroupRecord) -> str:
    """A short, calm note on what a first meeting is usually like for this kind of group."""
    parts = []
    if record.leadership == "professional":
        parts.append(_("A trained facilitator leads the meeting and keeps it safe and on track. "
                       "They may ask a little about you before or at your first meeting."))
    elif record.leadership == "co_facilitated":
        parts.append(_("A professional and a peer lead it together: one brings training, the other lived experience."))
    else:
        parts.append(_("It is run by people who have been through something similar. "
                       "Nobody will expect you to be an expert or to have answers."))
    if record.attendance in ("online", "phone", "ask"):
        parts.append(_("Online, you can join a few minutes early to check your sound, keep your camera off if you "
                       "prefer, and find a quiet spot where no one overhears."))
    elif record.attendance == "hybrid":
        parts.append(_("You can go in person or join online; either way, arriving a few minutes early helps."))
    else:
        parts.append(_("In person, arriving a few minutes early gives you time to find the room and say hello."))
    if record.registration in ("register", "intake_call"):
        parts.append(_("This group asks you to get in touch before your first visit."))
    parts.append(_("You don't have to speak: listening is a fine way to start. What is shared stays in the group."))
    return " ".join(parts)


def share_text(details: dict | GroupRecord, group_id: str | None = None, schedule: tuple[str, ...] = ()) -> str:
    """The group's public details as plain text to share. Never notes or attendance.

    ``details`` is a directory record or a saved snapshot (its public fields only are read)."""
    get = (details.get if isinstance(details, dict) else lambda key, default=None: getattr(details, key, default))
    lines = [str(get("name") or group_id or _("A support group"))]
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
    lines.append(_("Found with Kindred"))
    return "\n".join(line for line in lines if line)
