"""BMLT (Basic Meeting List Toolbox) ``GetSearchResults`` JSON, as Narcotics Anonymous root
servers publish it at ``…/client_interface/json/?switcher=GetSearchResults``.

- A list of meetings, or ``{"meetings": [...], "formats": [...]}`` when the request asked
  for ``get_used_formats=1`` (then each format's own name and description are known).
- Every value is a string. ``weekday_tinyint``: 1 = Sunday … 7 = Saturday; ``start_time``
  "HH:MM:SS"; ``duration_time`` "HH:MM:SS"; ``time_zone`` the meeting's IANA zone.
- ``venue_type``: 1 in person, 2 virtual, 3 hybrid; older servers leave it out, and then the
  ``VM``/``HY``/``TC`` format codes say it.
- ``formats``: comma-separated key strings (O, C, BEG, W, …); their meanings below are the
  NA world-wide format codes most servers use; unknown codes are kept as they are.
- Virtual meetings carry placeholder coordinates on many servers, so an online-only
  meeting's coordinates are not used as a place.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from services.directory.importers.common import (
    refuse_if_mostly_bad,
    as_float,
    dedupe_ids,
    grouping_text,
    merge_meetings,
    merged_report,
    skipped_record,
    split_list,
    text,
    valid_coordinates_or_repair,
)
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ParsedFeed, ScheduleRule
from services.directory.schedule import valid_zone
from services.directory.vocabulary import Attendance, infer_topics

# The fields that make a record a BMLT meeting rather than anything else.
_SIGNATURE_FIELDS = ("weekday_tinyint", "meeting_name", "id_bigint")

# NA format key strings (as served by most root servers in English) and what each means to Kindred.
FORMAT_MEANINGS: dict[str, tuple[str, str]] = {
    "O": ("confidentiality", "Open meeting: anyone may attend, including family and friends."),
    "C": ("confidentiality", "Closed meeting: for addicts, or people who think they may have a problem with drugs."),
    "W": ("audience", "women"), "M": ("audience", "men"), "GL": ("audience", "lgbtq"), "LGBTQ": ("audience", "lgbtq"),
    "Y": ("audience", "young_adults"), "YP": ("audience", "young_adults"),
    "BEG": ("note", "Focused on the needs of newcomers"), "NC": ("note", "Newcomer meeting"),
    "D": ("note", "Discussion"), "SPK": ("note", "Speaker"), "SP": ("note", "Speaker"), "BT": ("note", "Basic Text study"),
    "JT": ("note", "Just for Today reading"), "ST": ("note", "Step study"), "TR": ("note", "Tradition study"),
    "IW": ("note", "It Works study"), "LIT": ("note", "Literature study"), "QA": ("note", "Questions and answers"),
    "TOP": ("note", "Topic discussion"), "CW": ("note", "Children welcome"), "CAN": ("note", "Candlelight"),
    "WC": ("accessibility", "wheelchair_access"), "ASL": ("accessibility", "sign_language"),
    "NS": ("note", "Non-smoking"), "SMOK": ("note", "Smoking allowed"),
    "ES": ("language", "Spanish"), "SPA": ("language", "Spanish"), "EN": ("language", "English"), "FR": ("language", "French"),
    "DE": ("language", "German"), "IT": ("language", "Italian"), "PT": ("language", "Portuguese"), "RU": ("language", "Russian"),
    "PL": ("language", "Polish"), "FA": ("language", "Persian"), "DA": ("language", "Danish"), "SV": ("language", "Swedish"),
    "VM": ("venue", "online"), "HY": ("venue", "hybrid"), "TC": ("status", "temporarily_closed"),
}
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def looks_like(data) -> bool:
    meetings = meetings_of(data)
    if not meetings:
        return False
    sample = [m for m in meetings[:20] if isinstance(m, dict)]
    return bool(sample) and any(all(f in m for f in _SIGNATURE_FIELDS) or "weekday_tinyint" in m for m in sample)


def meetings_of(data) -> list | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("meetings"), list):
        return data["meetings"]
    return None


def attendance_for(venue_type: str | None, codes: set[str], link: bool, phone: bool, has_place: bool) -> Attendance:
    """How a meeting meets, from BMLT's venue type (1 in person, 2 virtual, 3 hybrid), else
    from its format codes. A virtual meeting with only a dial-in number meets by phone; one
    with neither a link nor a number says to ask the group."""
    online = link or phone
    if venue_type == "1" or (venue_type not in ("2", "3") and not ({"VM", "HY"} & codes) and not (online and not has_place)):
        return Attendance.IN_PERSON
    if venue_type == "3" or ("HY" in codes and venue_type != "2"):
        if has_place and online:
            return Attendance.HYBRID
        if has_place:
            return Attendance.IN_PERSON
    if link:
        return Attendance.ONLINE
    return Attendance.PHONE if phone else Attendance.ASK


def _weekday(value) -> int | None:
    """BMLT's 1 = Sunday … 7 = Saturday as our 0 = Monday … 6 = Sunday."""
    number = text(value)
    if number is None or not number.isdigit() or not 1 <= int(number) <= 7:
        return None
    return (int(number) + 5) % 7


def _clock(value) -> time | None:
    raw = text(value)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", raw or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _duration(value) -> timedelta | None:
    raw = text(value)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", raw or "")
    if not match:
        return None
    length = timedelta(hours=int(match.group(1)), minutes=int(match.group(2)))
    return length if timedelta(0) < length <= timedelta(hours=24) else None


def _format_names(data) -> dict[str, str]:
    """key_string -> name_string, from a response made with get_used_formats=1."""
    names = {}
    if isinstance(data, dict) and isinstance(data.get("formats"), list):
        for item in data["formats"]:
            if isinstance(item, dict) and text(item.get("key_string")):
                names[text(item["key_string"]).upper()] = text(item.get("name_string")) or text(item.get("description_string")) or ""
    return names


def parse(data, feed: ParsedFeed) -> None:
    meetings = meetings_of(data) or []
    names = _format_names(data)
    rows = []
    for index, raw in enumerate(meetings):
        if not isinstance(raw, dict):
            feed.skipped.append(skipped_record(index, None, None, f"is a {type(raw).__name__}, not a meeting object"))
            refuse_if_mostly_bad(feed.skipped.total, index + 1)
            continue
        try:
            rows.append((index, _meeting(index, raw, names, feed)))
        except ValueError as problem:
            feed.skipped.append(skipped_record(index, raw.get("id_bigint"), raw.get("meeting_name"), str(problem)))
            refuse_if_mostly_bad(feed.skipped.total, index + 1)
    rows = dedupe_ids(list(rows), feed)  # a repeated id_bigint is one meeting listed twice
    feed.meetings += len(rows)
    feed.groups.extend(_grouped(rows, feed))


def group_key(record: GroupRecord) -> tuple:
    """What makes meeting rows one group: the same name, at the same street address (the
    venue's name is spelt differently from row to row on real servers: "Trinity Memorial
    Church", "Trinity Memorial"), joined the same way online, in the same state."""
    where = record.location
    place = ()
    if record.attendance in ("in_person", "hybrid"):
        street = (where.address or "").split(",")[0]
        place = (grouping_text(street) or grouping_text(where.venue), grouping_text(where.city))
    online = (record.online.url or "", record.online.phone or "") if record.attendance != "in_person" else ()
    return (grouping_text(record.name), place, online, record.status)


def _grouped(rows: list[GroupRecord], feed: ParsedFeed) -> list[GroupRecord]:
    """One group per name and place: BMLT returns one row per weekly meeting, so a group that
    meets on three days is three rows. The group keeps every time (each in its own zone)."""
    by_key: dict[tuple, list[GroupRecord]] = {}
    for record in rows:
        by_key.setdefault(group_key(record), []).append(record)
    groups = [merge_meetings(records) for records in by_key.values()]
    merged_report(feed, len(rows), len(groups), "rows with the same name and street address are one group with all its times")
    return groups


def _meeting(index: int, raw: dict, format_names: dict[str, str], feed: ParsedFeed) -> GroupRecord:
    name = text(raw.get("meeting_name"))
    if not name:
        raise ValueError("has no meeting_name")
    ident = text(raw.get("id_bigint"))
    if not ident:
        raise ValueError("has no id_bigint")
    where = f"record {index + 1} (id {ident!r})"
    codes = [c.upper() for c in split_list(raw.get("formats"))]
    code_set = set(codes)

    zone_text = text(raw.get("time_zone"))
    zone = valid_zone(zone_text)
    if zone_text and zone is None:
        feed.repairs.append(f"{where}: time_zone {zone_text!r} is not an IANA zone name; ignored it")

    weekday = _weekday(raw.get("weekday_tinyint"))
    if weekday is None:
        raise ValueError(f"weekday_tinyint {raw.get('weekday_tinyint')!r} is not a day (1 = Sunday … 7 = Saturday)")
    start = _clock(raw.get("start_time"))
    if start is None:
        raise ValueError(f"start_time {raw.get('start_time')!r} is not a time of day (HH:MM:SS)")
    length = _duration(raw.get("duration_time"))
    if length is None:
        if text(raw.get("duration_time")):
            feed.repairs.append(f"{where}: duration_time {raw.get('duration_time')!r} is unreadable; assumed one hour")
        length = timedelta(hours=1)
    end = (datetime.combine(datetime.min, start) + length).time()
    rule = ScheduleRule("weekly", weekday=weekday, start=start, end=end, timezone=zone)

    link = text(raw.get("virtual_meeting_link"))
    comments = text(raw.get("comments"))
    venue_type = text(raw.get("venue_type"))
    if not link and ("VM" in code_set or venue_type in ("2", "3")) and comments:
        found = _URL.search(comments)  # older virtual listings put the link in the comments
        link = found.group(0) if found else None
    phone = text(raw.get("phone_meeting_number"))
    street = text(raw.get("location_street"))
    city = text(raw.get("location_municipality")) or text(raw.get("location_city_subsection"))
    has_place = bool(street or city)
    attendance = attendance_for(venue_type, code_set, bool(link), bool(phone), has_place)

    lat, lon = None, None
    physical = attendance in (Attendance.IN_PERSON, Attendance.HYBRID)
    if physical:
        lat, lon = valid_coordinates_or_repair(raw.get("latitude"), raw.get("longitude"), where, feed.repairs)
    elif as_float(raw.get("latitude")) not in (None, 0.0):
        feed.repairs.append(f"{where}: an online-only meeting; its coordinates were not used as a place")
    address = ", ".join(p for p in (street, city, text(raw.get("location_province")), text(raw.get("location_postal_code_1"))) if p)
    location = Location(
        venue=text(raw.get("location_text")) if physical else None,
        address=(address or None) if physical else None,
        city=city if physical else None,
        region=text(raw.get("location_province")) if physical else None,
        postal_code=text(raw.get("location_postal_code_1")) if physical else None,
        country=text(raw.get("location_nation")),
        latitude=lat, longitude=lon,
    )
    # Online-only listings often put the joining instructions where a venue would go.
    extra = text(raw.get("virtual_meeting_additional_info")) or (text(raw.get("location_text")) if not physical else None)
    online = OnlineAccess(url=link, phone=phone, notes=extra)

    audience, languages, accessibility, notes_from_codes = set(), set(), set(), []
    confidentiality = None
    status = "active"
    for code in codes:
        kind, value = FORMAT_MEANINGS.get(code, ("", ""))
        if kind == "audience":
            audience.add(value)
        elif kind == "language":
            languages.add(value)
        elif kind == "accessibility":
            accessibility.add(value)
        elif kind == "confidentiality":
            confidentiality = value
        elif kind == "status":
            status = value
        elif kind == "note":
            notes_from_codes.append(value)
        elif not kind and format_names.get(code):
            notes_from_codes.append(format_names[code])
    if status == "temporarily_closed" and attendance == "hybrid":
        attendance = Attendance.ONLINE  # the room is closed; the online meeting goes on
    notes = "\n\n".join(n for n in (
        text(raw.get("location_info")), comments if comments and comments != link else None,
        ("Formats: " + ", ".join(notes_from_codes)) if notes_from_codes else None) if n) or None
    return GroupRecord(
        external_id=ident,
        name=name,
        notes=notes,
        # BMLT lists Narcotics Anonymous meetings: recovery from addiction, whatever else the name says.
        topics=tuple(dict.fromkeys(("addiction_recovery", *infer_topics(name, notes)))),
        audience=tuple(sorted(audience)),
        leadership="peer",  # NA meetings are run by their members
        attendance=attendance,
        schedule=(rule,),
        location=location,
        online=online,
        cost="donation",  # NA has no dues or fees; groups pass a basket (Seventh Tradition)
        registration="drop_in",
        confidentiality=confidentiality,
        languages=tuple(sorted(languages)),
        accessibility=tuple(sorted(accessibility)),
        # Contact fields (contact_name_1, contact_email_1 …) are members' own details: never imported.
        contact=Contact(),
        status=status,
        timezone_origin="feed" if zone else "unknown",
        type_codes=tuple(dict.fromkeys(codes)),
    )
