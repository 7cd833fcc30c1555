"""Shared pieces of the importers: the fatal error, small value readers, and the time-zone
step every importer's groups go through."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import date, datetime

from services.directory import places
from services.directory.model import GroupRecord, Location, ParsedFeed
from services.directory.schedule import valid_zone


class FeedError(Exception):
    """A fatal problem with a whole file: nothing is imported. The message says what and where."""


# A feed with at least this many unusable records, more of them bad than good, is refused
# whole: its report would be as large as the feed and it is not a directory worth reading.
MOSTLY_BAD_AFTER = 1_000


def refuse_if_mostly_bad(bad: int, seen: int, name: str = "the feed") -> None:
    """Stop reading once a feed is clearly mostly unusable (checked as records are read, so
    a million empty records cost milliseconds, not minutes)."""
    if bad >= MOSTLY_BAD_AFTER and bad * 2 > seen:
        raise FeedError(
            f"{name}: {bad:,} of the first {seen:,} records are unusable, so the feed was refused as a whole "
            "(it is not a directory of groups Kindred can read)")


def text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def as_date(value) -> date | None:
    value = text(value)
    if not value:
        return None
    for candidate in (value[:10], value.split(" ")[0]):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            pass
    for pattern in ("%m/%d/%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.split(" ")[0], pattern).date()
        except ValueError:
            pass
    return None


def as_float(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    value = text(value)
    try:
        return float(value) if value else None
    except ValueError:
        return None


def split_list(value) -> list[str]:
    """A list, or a comma/semicolon/pipe separated string, as clean strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[,;|]", str(value))
    return [s for s in (text(i) for i in items) if s]


def resolve_zones(feed: ParsedFeed, import_zone: str | None) -> None:
    """Give every timed rule with no zone one: the zone given at import, else the zone at
    the group's coordinates, else at a city found in its address (coordinates then become
    approximate ones), else none — "time zone unknown", never a silent UTC."""
    derived = 0
    unknown = 0
    for index, group in enumerate(feed.groups):
        if not any(rule.timezone is None and rule.kind in ("weekly", "monthly") for rule in group.schedule):
            continue
        zone, origin, location = None, "unknown", group.location
        if import_zone:
            zone, origin = import_zone, "import"
        elif places.valid_coordinates(location.latitude, location.longitude):
            zone = places.timezone_at(location.latitude, location.longitude)
            origin = "coordinates" if zone else "unknown"
        else:
            found = places.place_from_address(location.address, ", ".join(
                p for p in (location.city, location.region, location.country) if p))
            if found is not None:
                zone, origin = found.timezone, "place"
                if location.latitude is None:
                    location = dataclasses.replace(location, latitude=found.latitude, longitude=found.longitude, approximate=True)
        if zone:
            derived += origin in ("coordinates", "place")
        else:
            unknown += 1
        rules = tuple(dataclasses.replace(r, timezone=zone) if r.timezone is None else r for r in group.schedule)
        feed.groups[index] = dataclasses.replace(group, schedule=rules, timezone_origin=origin, location=location)
    if derived:
        feed.repairs.append(
            f"{derived} group(s) had no time zone in the feed; it was derived offline from their coordinates or "
            "address. If every time in this feed is in one zone, import again with --timezone ZONE."
        )
    if unknown:
        feed.repairs.append(
            f"{unknown} group(s) have no time zone (none in the feed, none given with --timezone, no place to "
            "derive one from): they are shown as 'time zone unknown' and no next meeting is claimed."
        )


def checked_import_zone(value: str | None) -> str | None:
    if value is None:
        return None
    zone = valid_zone(value)
    if zone is None:
        raise FeedError(f"--timezone {value!r} is not an IANA time zone name (for example America/New_York or Europe/London)")
    return zone


def location_or_empty(location: Location | None) -> Location:
    return location or Location()


def valid_coordinates_or_repair(lat, lon, where: str, repairs: list[str]) -> tuple[float | None, float | None]:
    lat_f, lon_f = as_float(lat), as_float(lon)
    if lat_f is None and lon_f is None:
        return None, None
    if lat_f is None or lon_f is None or not places.valid_coordinates(lat_f, lon_f):
        repairs.append(f"{where}: coordinates ({lat}, {lon}) are impossible (latitude must be -90..90, longitude -180..180); dropped them")
        return None, None
    return lat_f, lon_f


def dedupe_ids(groups: list[tuple[int, GroupRecord]], feed: ParsedFeed) -> list[GroupRecord]:
    """Keep the first record of each id; later ones are skipped, named by their record number."""
    seen: set[str] = set()
    kept = []
    for index, group in groups:
        if group.external_id in seen:
            feed.skipped.append(_skip(index, group.external_id, group.name, f"duplicate id {group.external_id!r}: an earlier record has it"))
            continue
        seen.add(group.external_id)
        kept.append(group)
    return kept


def _skip(index: int, ident, name, reason: str):
    from services.directory.model import SkippedRecord

    label = f"record {index + 1}"
    if ident:
        label += f" (id {ident!r}"
        label += f", {name!r})" if name else ")"
    elif name:
        label += f" ({name!r})"
    return SkippedRecord(label, reason)


skipped_record = _skip


def check_quotes(content: str, name: str) -> None:
    """Refuse a CSV whose quoted field never closes: the csv module would otherwise read
    the rest of the file into that one field, silently."""
    reader = csv.reader(io.StringIO(content), strict=True)
    try:
        for _row in reader:
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise FeedError(
                f"{name}: a quoted field opened on or before line {reader.line_num} never closes, so the rest of the "
                "file would be read as one value; add the missing closing quote (\")") from None
        # Other strictness problems (a character after a closing quote) are read leniently as before.
