"""Kindred's plain CSV template, for organisations that keep a spreadsheet.

One row per group; documented in docs/feed-format.md with an example in
docs/groups-template.csv. Lists (topics, audience, languages, accessibility) are
separated by semicolons.
"""

from __future__ import annotations

import csv
import io

from services.i18n import N_, Message
from services.directory.importers.common import FeedError, as_date, as_float, dedupe_ids, refuse_if_mostly_bad, skipped_record, split_list, text
from services.directory.model import (
    ATTENDANCES,
    COSTS,
    LEADERSHIPS,
    REGISTRATIONS,
    STATUSES,
    Contact,
    GroupRecord,
    Location,
    OnlineAccess,
    ParsedFeed,
    ScheduleRule,
)
from services.directory.schedule import parse_clock, parse_weekday, valid_zone
from services.directory.vocabulary import normalise_audience, normalise_topic

COLUMNS = (
    "id", "name", "description", "topics", "audience", "leadership", "credentials", "attendance",
    "schedule", "day", "start_time", "end_time", "timezone", "every_n_weeks", "first_date", "week_of_month",
    "venue", "address", "city", "region", "postal_code", "country", "latitude", "longitude",
    "online_url", "online_phone", "cost", "cost_note", "typical_size", "registration", "confidentiality",
    "languages", "accessibility", "contact_name", "contact_email", "contact_phone", "website", "notes",
    "last_verified", "status",
)
REQUIRED = ("id", "name")
WEEK_OF_MONTH = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "first": 1, "second": 2, "third": 3, "fourth": 4,
                 "fifth": 5, "last": -1, "-1": -1}


def looks_like(header: list[str]) -> bool:
    names = {h.strip().lower() for h in header}
    return set(REQUIRED) <= names and "schedule" in names


def _choice(value, allowed, field, default):
    value = (text(value) or "").lower().replace("-", "_").replace(" ", "_")
    if not value:
        return default
    if value not in allowed:
        raise ValueError(f"{field} {value!r} is not one of {', '.join(allowed)}")
    return value


def parse(content: str, feed: ParsedFeed, name: str) -> None:
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FeedError(Message(N_("{file}: the header has no {columns} column \u2014 see docs/feed-format.md for the CSV "
                                   "template"), file=name, columns=", ".join(missing)))
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        feed.repairs.append(f"{name}: ignored unknown column(s) {', '.join(unknown)}")
    groups = []
    try:
        rows = list(reader)
    except csv.Error as error:
        raise FeedError(Message(N_("{file}: not readable CSV at line {line}: {problem}"), file=name, line=str(reader.line_num),
                                problem=str(error))) from error
    for index, raw in enumerate(rows):
        row = {(k or "").strip().lower(): v for k, v in raw.items()}
        try:
            groups.append((index, _row(row, index, feed)))
        except ValueError as problem:
            feed.skipped.append(skipped_record(index, row.get("id"), row.get("name"), f"(line {index + 2}) {problem}"))
            refuse_if_mostly_bad(feed.skipped.total, index + 1)
    feed.groups.extend(dedupe_ids(groups, feed))


def _rule(row: dict) -> ScheduleRule:
    kind = (text(row.get("schedule")) or "varies").lower().replace(" ", "_").replace("-", "_")
    zone_text = text(row.get("timezone"))
    zone = valid_zone(zone_text)
    if zone_text and zone is None:
        raise ValueError(f"timezone {zone_text!r} is not an IANA zone name")
    if kind in ("by_appointment", "varies"):
        return ScheduleRule(kind)
    weekday = parse_weekday(text(row.get("day")) or "")
    if weekday is None:
        raise ValueError(f"day {row.get('day')!r} is not a day of the week (mon … sun)")
    start = parse_clock(text(row.get("start_time")) or "")
    if start is None:
        raise ValueError(f"start_time {row.get('start_time')!r} is not a time (HH:MM)")
    end = parse_clock(text(row.get("end_time")) or "") if text(row.get("end_time")) else None
    if kind == "weekly":
        every = text(row.get("every_n_weeks")) or "1"
        if not every.isdigit() or int(every) < 1:
            raise ValueError(f"every_n_weeks {every!r} is not a whole number of weeks")
        anchor = as_date(row.get("first_date"))
        if int(every) > 1 and anchor is None:
            raise ValueError(f"meets every {every} weeks but gives no first_date (a date it met on)")
        return ScheduleRule("weekly", weekday=weekday, start=start, end=end, timezone=zone, interval_weeks=int(every), anchor_date=anchor)
    if kind == "monthly":
        ordinal = WEEK_OF_MONTH.get((text(row.get("week_of_month")) or "").lower())
        if ordinal is None:
            raise ValueError(f"week_of_month {row.get('week_of_month')!r} is not 1-5 or 'last'")
        return ScheduleRule("monthly", weekday=weekday, start=start, end=end, timezone=zone, ordinal=ordinal)
    raise ValueError(f"schedule {kind!r} is not weekly, monthly, by_appointment or varies")


def _row(row: dict, index: int, feed: ParsedFeed) -> GroupRecord:
    ident, name = text(row.get("id")), text(row.get("name"))
    if not ident or not name:
        raise ValueError("id and name are required")
    rule = _rule(row)
    size = text(row.get("typical_size"))
    if size and not size.isdigit():
        raise ValueError(f"typical_size {size!r} is not a number")
    lat, lon = as_float(row.get("latitude")), as_float(row.get("longitude"))
    if (text(row.get("latitude")) or text(row.get("longitude"))) and (lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        raise ValueError(f"latitude/longitude {row.get('latitude')!r}, {row.get('longitude')!r} are not coordinates")
    topics = []
    for value in split_list(row.get("topics")):
        topic = normalise_topic(value)
        if topic is None:
            feed.repairs.append(f"line {index + 2} (id {ident!r}): topic {value!r} is not in the vocabulary; dropped it")
        else:
            topics.append(topic)
    return GroupRecord(
        external_id=ident, name=name, description=text(row.get("description")), notes=text(row.get("notes")),
        topics=tuple(dict.fromkeys(topics)),
        audience=tuple(a for a in (normalise_audience(v) for v in split_list(row.get("audience"))) if a),
        leadership=_choice(row.get("leadership"), LEADERSHIPS, "leadership", "unknown"),
        facilitator_credentials=text(row.get("credentials")),
        attendance=_choice(row.get("attendance"), ATTENDANCES, "attendance", "online" if text(row.get("online_url")) else "in_person"),
        schedule=(rule,),
        location=Location(venue=text(row.get("venue")), address=text(row.get("address")), city=text(row.get("city")),
                          region=text(row.get("region")), postal_code=text(row.get("postal_code")),
                          country=text(row.get("country")), latitude=lat, longitude=lon),
        online=OnlineAccess(url=text(row.get("online_url")), phone=text(row.get("online_phone"))),
        cost=_choice(row.get("cost"), COSTS, "cost", "unknown"), cost_note=text(row.get("cost_note")),
        typical_size=int(size) if size else None,
        registration=_choice(row.get("registration"), REGISTRATIONS, "registration", "unknown"),
        confidentiality=text(row.get("confidentiality")),
        languages=tuple(split_list(row.get("languages"))), accessibility=tuple(split_list(row.get("accessibility"))),
        contact=Contact(name=text(row.get("contact_name")), email=text(row.get("contact_email")),
                        phone=text(row.get("contact_phone")), website=text(row.get("website"))),
        status=_choice(row.get("status"), STATUSES, "status", "active"),
        last_verified=as_date(row.get("last_verified")),
        timezone_origin="feed" if rule.timezone else "unknown",
    )
