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
    caches = _Caches()
    keys = [caches.address_key(raw) for _, raw in rows]
    parked = _parked_addresses([raw for _, raw in rows], keys)
    if parked:
        feed.repairs.append(
            f"{sum(parked.values())} online meeting(s) give an address that {len(parked)} place(s) share with many "
            "differently named online meetings and no in-person one (e.g. " + ", ".join(repr(a) for a in list(parked)[:2])
            + "): a parking address, not a venue; they are listed as online, with no distance")
    meetings = []
    for position, (index, raw) in enumerate(rows):
        rows[position] = None
        address_key, keys[position] = keys[position], None
        try:
            record = _meeting(index, raw, feed, parked, address_key, caches)
        except ValueError as problem:
            feed.skipped.append(skipped_record(index, raw.get("slug") or raw.get("id"), raw.get("name"), str(problem)))
            refuse_if_mostly_bad(feed.skipped.total, index + 1)
            continue
        meetings.append((index, address_key if record.attendance in ("in_person", "hybrid") else "", record))
    feed.meetings += len(meetings)
    feed.groups.extend(dedupe_ids(_grouped(meetings, feed), feed))


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _address_key(raw: dict) -> str:
    address = text(raw.get("formatted_address")) or text(raw.get("address")) or ""
    return _NOT_ALNUM.sub(" ", address.lower()).strip()


def _text_of(raw: dict, key: str) -> str | None:
    """``text(raw.get(key))``, with the common case (a string) inline."""
    value = raw.get(key)
    if type(value) is str:
        return value.strip() or None
    return None if value is None else text(value)


class _Caches:
    """What one read works out once per distinct value rather than once per meeting (issue
    #14: 100,000 meetings repeat the same type lists, times, dates and addresses). Every
    value here is immutable or never changed by its users."""

    LIMIT = 50_000

    def __init__(self):
        self.keys: dict[str, str] = {}
        self.types: dict = {}
        self.clocks: dict = {}
        self.ends: dict = {}
        self.dates: dict = {}
        self.zones: dict = {}
        self.rules: dict = {}

    def address_key(self, raw: dict) -> str:
        address = _text_of(raw, "formatted_address") or _text_of(raw, "address") or ""
        found = self.keys.get(address)
        if found is None:
            if len(self.keys) > self.LIMIT:
                self.keys.clear()
            found = self.keys[address] = _NOT_ALNUM.sub(" ", address.lower()).strip()
        return found

    def codes(self, value) -> tuple:
        """(types, audience, languages, accessibility, type codes) of a ``types`` value."""
        # Only text is a key: 1, 1.0 and True are equal keys but different type codes.
        if type(value) is str:
            key = value
        elif type(value) is list and all(type(item) is str for item in value):
            key = tuple(value)
        else:
            key = None
        found = self.types.get(key) if key is not None else None
        if found is None:
            types = _types(value)
            found = (
                types,
                tuple(sorted({AUDIENCE_CODES[t] for t in types if t in AUDIENCE_CODES})),
                tuple(sorted({LANGUAGE_CODES[t] for t in types if t in LANGUAGE_CODES})),
                tuple(sorted({ACCESSIBILITY_CODES[t] for t in types if t in ACCESSIBILITY_CODES})),
                tuple(t for t in dict.fromkeys(types) if t),
            )
            if key is not None:
                if len(self.types) > self.LIMIT:
                    self.types.clear()
                self.types[key] = found
        return found

    def clock(self, value):
        if type(value) is not str:
            return parse_clock(value)
        found = self.clocks.get(value, self)
        if found is self:
            if len(self.clocks) > self.LIMIT:
                self.clocks.clear()
            found = self.clocks[value] = parse_clock(value)
        return found

    def hour_after(self, start: time) -> time:
        found = self.ends.get(start)
        if found is None:
            found = self.ends[start] = (datetime.combine(datetime.min, start) + timedelta(hours=1)).time()
        return found

    def date(self, value):
        if type(value) is not str:
            return as_date(value)
        found = self.dates.get(value, self)
        if found is self:
            if len(self.dates) > self.LIMIT:
                self.dates.clear()
            found = self.dates[value] = as_date(value)
        return found

    def zone(self, name: str | None):
        found = self.zones.get(name, self)
        if found is self:
            if len(self.zones) > self.LIMIT:
                self.zones.clear()
            found = self.zones[name] = valid_zone(name)
        return found

    def weekly(self, day: int, start: time, end: time, zone: str | None) -> ScheduleRule:
        key = (day, start, end, zone)
        found = self.rules.get(key)
        if found is None:
            if len(self.rules) > self.LIMIT:
                self.rules.clear()
            found = self.rules[key] = _shared(ScheduleRule("weekly", weekday=day, start=start, end=end, timezone=zone))
        return found


def _parked_addresses(rows: list[dict], keys: list[str]) -> dict[str, int]:
    names: dict[str, set] = {}
    offline: set[str] = set()
    counts: dict[str, int] = {}
    for raw, key in zip(rows, keys):
        if not key:
            continue
        if text(raw.get("conference_url")) or text(raw.get("conference_phone")):
            names.setdefault(key, set()).add((text(raw.get("name")) or "").lower())
            counts[key] = counts.get(key, 0) + 1
        else:
            offline.add(key)
    return {key: counts[key] for key, found in names.items() if len(found) >= PARKED_ADDRESS_GROUPS and key not in offline}


_NOT_WORD = re.compile(r"\W+")


def _grouped(meetings: list[tuple[int, str, GroupRecord]], feed: ParsedFeed) -> list[tuple[int, GroupRecord]]:
    """One group per name and place: Meeting Guide lists each weekday meeting as its own row.
    The group keeps every meeting's time; its id is the shortest, then smallest, of its rows'
    slugs, so it stays the same across re-imports (and across our own Meeting Guide export)."""
    by_key: dict[tuple, list[tuple[int, GroupRecord]]] = {}
    for index, address_key, record in meetings:
        where = record.location
        place = (address_key, (where.venue or "").lower()) if record.attendance in ("in_person", "hybrid") else ()
        online = (record.online.url or "", record.online.phone or "") if record.attendance != "in_person" else ()
        key = (_NOT_WORD.sub(" ", record.name.lower()).strip(), place, online, record.status)
        by_key.setdefault(key, []).append((index, record))
    grouped = []
    for rows in by_key.values():
        rows.sort(key=lambda row: _slug_order(row[1].external_id))
        grouped.append((rows[0][0], merge_meetings([r for _, r in rows])))
    merged_report(feed, len(meetings), len(grouped), "rows with the same name and place are one group with all its times")
    return grouped


def _slug_order(slug: str):
    return (len(slug), slug)


_DIGIT = re.compile(r"\d")
_TWO_LETTERS = re.compile(r"[a-z]{2}", re.I)


def _attendance(raw: dict, types: list[str], location: Location, online: OnlineAccess, parked: dict,
                address_key: str) -> tuple[str, str]:
    """(attendance, status). In person needs a specific street address and no TC; online
    comes from the link or phone; TC closes the venue, not an online meeting; a meeting
    with neither a venue nor a way to join is temporarily closed."""
    address = location.address or ""
    venue = location.venue or ""
    option = (_text_of(raw, "attendance_option") or "").lower()
    first_part = address.split(",")[0]
    street = bool(_DIGIT.search(first_part)) and bool(_TWO_LETTERS.search(first_part))
    placeholder = (
        location.approximate or not street or address_key in parked
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


_BY_APPOINTMENT = {note: ScheduleRule("by_appointment", note=note) for note in (
    None, "the feed gives a day without a time", "the feed gives a time without a day")}
_OPEN = "Open meeting: anyone may attend, including family and friends."
_CLOSED = "Closed meeting: for people who share the problem the group is about."


def _meeting(index: int, raw: dict, feed: ParsedFeed, parked: dict, address_key: str = "",
             caches: _Caches | None = None) -> GroupRecord:
    caches = caches or _Caches()
    name = _text_of(raw, "name")
    if not name:
        raise ValueError("has no name")
    ident = _text_of(raw, "slug") or _text_of(raw, "id")
    if not ident:
        raise ValueError("has neither a slug nor an id")
    types, audience, languages, accessibility, type_codes = caches.codes(raw.get("types"))

    zone_text = _text_of(raw, "timezone")
    zone = caches.zone(zone_text)
    if zone_text and zone is None:
        feed.repairs.append(f"record {index + 1} (id {ident!r}): timezone {zone_text!r} is not an IANA zone name; ignored it")

    day_value = raw.get("day")
    time_value = raw.get("time")
    has_time = _text_of(raw, "time") is not None
    start = caches.clock(time_value) if has_time else None
    if has_time and start is None:
        raise ValueError(f"time {time_value!r} is not a time of day (HH:MM)")
    has_day = day_value not in (None, "", [])
    if has_day and start is not None:
        days = _days(day_value)
        if isinstance(days, str):
            raise ValueError(days)
        end_value = raw.get("end_time")
        has_end = _text_of(raw, "end_time") is not None
        end = caches.clock(end_value) if has_end else None
        if has_end and end is None:
            feed.repairs.append(f"record {index + 1} (id {ident!r}): end_time {end_value!r} is unreadable; assumed one hour")
        if end is None:
            end = caches.hour_after(start)
        rules = tuple(caches.weekly(d, start, end, zone) for d in days)
    else:
        note = None
        if has_day or start is not None:
            note = "the feed gives a day without a time" if has_day else "the feed gives a time without a day"
        rules = (_BY_APPOINTMENT[note],)

    lat, lon = raw.get("latitude"), raw.get("longitude")
    if lat is None and lon is None:
        pass
    else:
        lat, lon = valid_coordinates_or_repair(lat, lon, f"record {index + 1} (id {ident!r})", feed.repairs)
    approximate = raw.get("approximate", "")
    approximate = (approximate.strip().lower() if type(approximate) is str else str(approximate).strip().lower()) in (
        "yes", "true", "1")
    location = Location(
        _text_of(raw, "location"),
        _text_of(raw, "formatted_address") or _text_of(raw, "address"),
        _text_of(raw, "city"),
        _text_of(raw, "state"),  # Meeting Guide's "region" is a neighbourhood, not a state
        _text_of(raw, "postal_code"),
        _text_of(raw, "country"),
        lat, lon, approximate,
    )
    online = OnlineAccess(_text_of(raw, "conference_url"), _text_of(raw, "conference_phone"),
                          _text_of(raw, "conference_url_notes") or _text_of(raw, "conference_phone_notes"))

    attendance, status = _attendance(raw, types, location, online, parked, address_key)

    confidentiality = None
    registration = "unknown"
    if "O" in types:
        confidentiality = _OPEN
        registration = "drop_in"
    elif "C" in types:
        confidentiality = _CLOSED
        registration = "drop_in"

    notes = "\n\n".join(n for n in (_text_of(raw, "notes"), _text_of(raw, "location_notes"), _text_of(raw, "group_notes")) if n) or None
    group_name = _text_of(raw, "group")
    return GroupRecord(
        ident,
        name,
        f"Group: {group_name}" if group_name and group_name != name else None,
        notes,
        infer_topics(name, group_name, notes),
        audience,
        # Meeting Guide lists mutual-aid meetings, which members run themselves.
        "peer",
        None,
        attendance,
        rules,
        location,
        online,
        "free",
        TWELVE_STEP_COST_NOTE,
        None,
        registration,
        confidentiality,
        languages,
        accessibility,
        Contact(None, _text_of(raw, "email"), _text_of(raw, "phone"), _text_of(raw, "website") or _text_of(raw, "url")),
        status,
        caches.date(raw.get("last_contact")) or caches.date(raw.get("updated")),
        "feed" if zone else "unknown",
        type_codes,
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
