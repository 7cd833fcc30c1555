"""Meeting Guide JSON (code4recovery spec), with the quirks real feeds have.

- ``day``: 0 = Sunday … 6 = Saturday, as a number, a numeric string, a name, or an array;
  no day and no time means by appointment.
- ``time``/``end_time``: "HH:MM" (some feeds write "7:30 PM"); ``end_time`` defaults to an
  hour after ``time``.
- ``types``: an array or a comma string, any case; unknown codes are kept.
- online from ``conference_url``/``conference_phone``; ``TC`` = temporarily closed;
  ``approximate`` locations; ``attendance_option`` when a feed gives it.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, time, timedelta

from services.directory.importers.common import (
    as_date,
    dedupe_ids,
    merge_meetings,
    merged_report,
    refuse_if_mostly_bad,
    skipped_record,
    split_list,
    text,
    valid_coordinates_or_repair,
)
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ParsedFeed, ScheduleRule
from services.directory.schedule import parse_clock, parse_weekday, valid_zone
from services.directory.vocabulary import infer_topics

AUDIENCE_CODES = {
    "W": "women", "M": "men", "LGBTQ": "lgbtq", "G": "lgbtq", "L": "lgbtq", "BI": "lgbtq", "T": "lgbtq",
    "NB": "lgbtq", "Y": "young_adults", "SEN": "seniors", "POC": "bipoc", "N": "indigenous", "NDG": "indigenous",
}
LANGUAGE_CODES = {
    "EN": "English", "S": "Spanish", "FR": "French", "DE": "German", "ITA": "Italian", "POR": "Portuguese",
    "POL": "Polish", "RUS": "Russian", "UK": "Ukrainian", "AR": "Arabic", "FA": "Persian", "HE": "Hebrew",
    "HI": "Hindi", "JA": "Japanese", "KOR": "Korean", "NL": "Dutch", "DA": "Danish", "SV": "Swedish",
    "NO": "Norwegian", "FI": "Finnish", "EL": "Greek", "TUR": "Turkish", "TL": "Tagalog", "TH": "Thai",
    "AF": "Afrikaans", "AM": "Amharic", "BG": "Bulgarian", "HR": "Croatian", "HU": "Hungarian", "IS": "Icelandic",
    "KA": "Georgian", "LT": "Lithuanian", "ML": "Malayalam", "MT": "Maltese", "NE": "Nepali", "PUN": "Punjabi",
    "SK": "Slovak", "SL": "Slovenian", "ASL": "American Sign Language",
}
ACCESSIBILITY_CODES = {
    "X": "wheelchair_access", "XB": "wheelchair_accessible_bathroom", "ASL": "sign_language",
    "FF": "fragrance_free", "BA": "childcare",
}
DAY_NAMES = {"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6}


def looks_like(data) -> bool:
    if not isinstance(data, list) or not data:
        return False
    sample = [item for item in data[:50] if isinstance(item, dict)]
    # A stray non-object is a bad record (reported), not a reason to refuse the whole feed.
    return len(sample) * 2 >= len(data[:50]) and any(
        "slug" in item or "day" in item or "time" in item or "types" in item for item in sample)


def _days(value) -> list[int] | str:
    """Meeting Guide days (0 = Sunday) as our weekdays (0 = Monday); a str is an error."""
    values = value if isinstance(value, list) else [value]
    days = []
    for item in values:
        if isinstance(item, bool):
            return f"day {item!r} is not a day of the week"
        if isinstance(item, str) and item.strip().lstrip("-").isdigit():
            item = int(item.strip())
        if isinstance(item, str):
            key = item.strip().lower()
            if key in DAY_NAMES:
                item = DAY_NAMES[key]
            elif parse_weekday(key) is not None:
                item = (parse_weekday(key) + 1) % 7
            else:
                return f"day {item!r} is not a day of the week"
        if not isinstance(item, int) or not 0 <= item <= 6:
            return f"day {item!r} is out of range (0 = Sunday … 6 = Saturday)"
        days.append((item - 1) % 7)
    return sorted(set(days))


def _types(value) -> list[str]:
    # Interned: the same few codes ("O", "C", "ONL") repeat on every meeting, and each group
    # keeps its own (14 MB of copies over 100,000 meetings; issue #14).
    return [sys.intern(t.upper()) for t in split_list(value)]


# A venue name that only says the meeting has no venue.
PLACEHOLDER_VENUE = re.compile(r"^(online|virtual|zoom|web|internet|phone|telephone|conference call|tbd|tba|various|"
                               r"none|n/?a|online meeting|virtual meeting|zoom meeting|google meet)\b", re.I)
# An address shared by this many differently named meetings, every one of them online, is
# where a feed parks its online meetings (a city hall, the intergroup office), not a venue.
PARKED_ADDRESS_GROUPS = 20
# Meeting Guide lists mutual-aid (12-step) meetings: no dues or fees, a collection for
# the group's costs. The format defines it; the feed need not say it.
TWELVE_STEP_COST_NOTE = ("No dues or fees; a voluntary collection (12-step tradition). From the Meeting Guide "
                         "format's convention — this listing does not state a cost itself.")


def parse(data, feed: ParsedFeed) -> None:
    rows = []
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            feed.skipped.append(skipped_record(index, None, None, f"is a {type(raw).__name__}, not a meeting object"))
            refuse_if_mostly_bad(feed.skipped.total, index + 1)
            continue
        rows.append((index, raw))
    # From here ``rows`` holds the only reference to each meeting (read_feed hands ``data``
    # over): each is let go once its record is made, so the parsed JSON and the records are
    # not both whole in memory at once (issue #14: 100,000 meetings).
    data.clear()
    parked = _parked_addresses([raw for _, raw in rows])
    if parked:
        feed.repairs.append(
            f"{sum(parked.values())} online meeting(s) give an address that {len(parked)} place(s) share with many "
            "differently named online meetings and no in-person one (e.g. " + ", ".join(repr(a) for a in list(parked)[:2])
            + "): a parking address, not a venue; they are listed as online, with no distance")
    meetings = []
    for position, (index, raw) in enumerate(rows):
        rows[position] = None
        try:
            record = _meeting(index, raw, feed, parked)
        except ValueError as problem:
            feed.skipped.append(skipped_record(index, raw.get("slug") or raw.get("id"), raw.get("name"), str(problem)))
            refuse_if_mostly_bad(feed.skipped.total, index + 1)
            continue
        meetings.append((index, _address_key(raw) if record.attendance in ("in_person", "hybrid") else "", record))
    feed.meetings += len(meetings)
    feed.groups.extend(dedupe_ids(_grouped(meetings, feed), feed))


def _address_key(raw: dict) -> str:
    address = text(raw.get("formatted_address")) or text(raw.get("address")) or ""
    return re.sub(r"[^a-z0-9]+", " ", address.lower()).strip()


def _parked_addresses(rows: list[dict]) -> dict[str, int]:
    names: dict[str, set] = {}
    offline: set[str] = set()
    counts: dict[str, int] = {}
    for raw in rows:
        key = _address_key(raw)
        if not key:
            continue
        if text(raw.get("conference_url")) or text(raw.get("conference_phone")):
            names.setdefault(key, set()).add((text(raw.get("name")) or "").lower())
            counts[key] = counts.get(key, 0) + 1
        else:
            offline.add(key)
    return {key: counts[key] for key, found in names.items() if len(found) >= PARKED_ADDRESS_GROUPS and key not in offline}


def _grouped(meetings: list[tuple[int, str, GroupRecord]], feed: ParsedFeed) -> list[tuple[int, GroupRecord]]:
    """One group per name and place: Meeting Guide lists each weekday meeting as its own row.
    The group keeps every meeting's time; its id is the shortest, then smallest, of its rows'
    slugs, so it stays the same across re-imports (and across our own Meeting Guide export)."""
    by_key: dict[tuple, list[tuple[int, GroupRecord]]] = {}
    for index, address_key, record in meetings:
        where = record.location
        place = (address_key, (where.venue or "").lower()) if record.attendance in ("in_person", "hybrid") else ()
        online = (record.online.url or "", record.online.phone or "") if record.attendance != "in_person" else ()
        key = (re.sub(r"\W+", " ", record.name.lower()).strip(), place, online, record.status)
        by_key.setdefault(key, []).append((index, record))
    grouped = []
    for rows in by_key.values():
        rows.sort(key=lambda row: _slug_order(row[1].external_id))
        grouped.append((rows[0][0], merge_meetings([r for _, r in rows])))
    merged_report(feed, len(meetings), len(grouped), "rows with the same name and place are one group with all its times")
    return grouped


def _slug_order(slug: str):
    return (len(slug), slug)


def _attendance(raw: dict, types: list[str], location: Location, online: OnlineAccess, parked: dict) -> tuple[str, str]:
    """(attendance, status). In person needs a specific street address and no TC; online
    comes from the link or phone; TC closes the venue, not an online meeting; a meeting
    with neither a venue nor a way to join is temporarily closed."""
    address = location.address or ""
    venue = location.venue or ""
    option = (text(raw.get("attendance_option")) or "").lower()
    first_part = address.split(",")[0]
    street = bool(re.search(r"\d", first_part)) and bool(re.search(r"[a-z]{2}", first_part, re.I))
    placeholder = (
        location.approximate or not street or _address_key(raw) in parked
        or bool(venue and PLACEHOLDER_VENUE.match(venue)))
    closed_venue = "TC" in types or option == "online"
    in_person = not placeholder and not closed_venue
    if option in ("in_person", "hybrid") and not closed_venue and address and not location.approximate:
        in_person = True
    if online.url:
        attendance = "hybrid" if in_person else "online"
    elif online.phone:
        attendance = "hybrid" if in_person else "phone"
    elif "ONL" in types or option in ("online", "hybrid"):
        attendance = "hybrid" if in_person else "ask"
    else:
        attendance = "in_person"
    status = "active"
    if option == "inactive":
        status = "inactive"
    elif attendance == "in_person" and "TC" in types:
        status = "temporarily_closed"  # the venue is closed and there is no other way to join
    return attendance, status


_SHARED_RULES: dict[ScheduleRule, ScheduleRule] = {}


def _shared(rule: ScheduleRule) -> ScheduleRule:
    """One object per distinct rule (memory, issue #14): most meetings share their day and time."""
    if len(_SHARED_RULES) > 50_000:
        _SHARED_RULES.clear()
    return _SHARED_RULES.setdefault(rule, rule)


def _meeting(index: int, raw: dict, feed: ParsedFeed, parked: dict) -> GroupRecord:
    name = text(raw.get("name"))
    if not name:
        raise ValueError("has no name")
    ident = text(raw.get("slug")) or text(raw.get("id"))
    if not ident:
        raise ValueError("has neither a slug nor an id")
    types = _types(raw.get("types"))
    where = f"record {index + 1} (id {ident!r})"

    zone_text = text(raw.get("timezone"))
    zone = valid_zone(zone_text)
    if zone_text and zone is None:
        feed.repairs.append(f"{where}: timezone {zone_text!r} is not an IANA zone name; ignored it")

    day_value = raw.get("day")
    start = parse_clock(raw.get("time")) if text(raw.get("time")) else None
    if text(raw.get("time")) and start is None:
        raise ValueError(f"time {raw.get('time')!r} is not a time of day (HH:MM)")
    has_day = day_value not in (None, "", [])
    rules: list[ScheduleRule] = []
    if has_day and start is not None:
        days = _days(day_value)
        if isinstance(days, str):
            raise ValueError(days)
        end = parse_clock(raw.get("end_time")) if text(raw.get("end_time")) else None
        if text(raw.get("end_time")) and end is None:
            feed.repairs.append(f"{where}: end_time {raw.get('end_time')!r} is unreadable; assumed one hour")
        if end is None:
            end = (datetime.combine(datetime.min, start) + timedelta(hours=1)).time()
        rules = [_shared(ScheduleRule("weekly", weekday=d, start=start, end=end, timezone=zone)) for d in days]
    else:
        note = None
        if has_day or start is not None:
            note = "the feed gives a day without a time" if has_day else "the feed gives a time without a day"
        rules = [ScheduleRule("by_appointment", note=note)]

    lat, lon = valid_coordinates_or_repair(raw.get("latitude"), raw.get("longitude"), where, feed.repairs)
    approximate = str(raw.get("approximate", "")).strip().lower() in ("yes", "true", "1")
    address = text(raw.get("formatted_address")) or text(raw.get("address"))
    location = Location(
        venue=text(raw.get("location")),
        address=address,
        city=text(raw.get("city")),
        region=text(raw.get("state")),  # Meeting Guide's "region" is a neighbourhood, not a state
        postal_code=text(raw.get("postal_code")),
        country=text(raw.get("country")),
        latitude=lat, longitude=lon, approximate=approximate,
    )
    conference_url = text(raw.get("conference_url"))
    conference_phone = text(raw.get("conference_phone"))
    online = OnlineAccess(url=conference_url, phone=conference_phone, notes=text(raw.get("conference_url_notes")) or text(raw.get("conference_phone_notes")))

    attendance, status = _attendance(raw, types, location, online, parked)

    confidentiality = None
    registration = "unknown"
    if "O" in types:
        confidentiality = "Open meeting: anyone may attend, including family and friends."
        registration = "drop_in"
    elif "C" in types:
        confidentiality = "Closed meeting: for people who share the problem the group is about."
        registration = "drop_in"

    notes = "\n\n".join(n for n in (text(raw.get("notes")), text(raw.get("location_notes")), text(raw.get("group_notes"))) if n) or None
    group_name = text(raw.get("group"))
    return GroupRecord(
        external_id=ident,
        name=name,
        description=f"Group: {group_name}" if group_name and group_name != name else None,
        notes=notes,
        topics=infer_topics(name, group_name, notes),
        audience=tuple(sorted({AUDIENCE_CODES[t] for t in types if t in AUDIENCE_CODES})),
        # Meeting Guide lists mutual-aid meetings, which members run themselves.
        leadership="peer",
        attendance=attendance,
        schedule=tuple(rules),
        location=location,
        online=online,
        cost="free",
        cost_note=TWELVE_STEP_COST_NOTE,
        registration=registration,
        confidentiality=confidentiality,
        languages=tuple(sorted({LANGUAGE_CODES[t] for t in types if t in LANGUAGE_CODES})),
        accessibility=tuple(sorted({ACCESSIBILITY_CODES[t] for t in types if t in ACCESSIBILITY_CODES})),
        contact=Contact(phone=text(raw.get("phone")), email=text(raw.get("email")), website=text(raw.get("website")) or text(raw.get("url"))),
        status=status,
        last_verified=as_date(raw.get("last_contact")) or as_date(raw.get("updated")),
        timezone_origin="feed" if zone else "unknown",
        type_codes=tuple(t for t in dict.fromkeys(types) if t),
    )


def _hhmm(value: time | None) -> str | None:
    return f"{value:%H:%M}" if value else None


def export(details) -> list[dict]:
    """Our groups as Meeting Guide meetings: one row per weekly meeting, each with the
    group's name. The first row's slug is the group's own id and later ones add "-2", "-3",
    so importing the export again gives the same groups with the same ids. Rules Meeting
    Guide cannot express (monthly, every N weeks, varies) are exported without day/time,
    with the rule written into the notes."""
    from services.directory.importers.kindred import export_ids
    from services.directory.schedule import describe_rule

    meetings = []
    for ident, item in zip(export_ids(details), details):
        record = item.record
        timed = [r for r in record.schedule if r.kind == "weekly" and r.interval_weeks == 1 and r.has_times]
        other = [describe_rule(r) for r in record.schedule if r not in timed]
        types = list(record.type_codes)
        if record.status == "temporarily_closed" and "TC" not in types:
            types.append("TC")
        group_name = record.description[len("Group: "):] if (record.description or "").startswith("Group: ") else None
        base = {
            "name": record.name,
            "group": group_name,
            "notes": "\n".join(n for n in [record.notes or "", *other] if n) or None,
            "location": record.location.venue,
            "formatted_address": record.location.address,
            "state": record.location.region,
            "country": record.location.country,
            "latitude": record.location.latitude if not record.location.approximate else None,
            "longitude": record.location.longitude if not record.location.approximate else None,
            "approximate": "yes" if record.location.approximate else "no",
            "conference_url": record.online.url,
            "conference_phone": record.online.phone,
            "types": types,
            "url": record.contact.website,
            # the format's own "YYYY-MM-DD HH:MM:SS" (a date alone fails its schema)
            "updated": f"{record.last_verified.isoformat()} 00:00:00" if record.last_verified else None,
        }
        if not timed:
            meetings.append({"slug": ident, **base})
        for n, rule in enumerate(timed):
            meetings.append({
                "slug": ident if n == 0 else f"{ident}-{n + 1}",
                "day": (rule.weekday + 1) % 7,
                "time": _hhmm(rule.start),
                "end_time": _hhmm(rule.end),
                "timezone": rule.timezone,
                **base,
            })
    return [{k: v for k, v in m.items() if v not in (None, "", [])} for m in meetings]
