"""Shared pieces of the importers: the fatal error, small value readers, and the time-zone
step every importer's groups go through."""

from __future__ import annotations

import csv
import dataclasses
import io
import operator
import re
from datetime import date, datetime, time

from services.i18n import N_, Message
from services.directory import places
from services.directory.model import GroupRecord, Location, ParsedFeed
from services.directory.schedule import valid_zone


class FeedError(Exception):
    """A fatal problem with a whole file: nothing is imported. The message says what and where
    (a ``Message`` where a person picking a file in the app may read it, so it is shown in
    their language). ``hint``: what to do on the command line, in the CLI's text only — a
    person picking a file has no options to give."""

    def __init__(self, message, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = str(self.args[0]) if self.args else ""
        return text + self.hint if self.hint else text


# A feed with at least this many unusable records, more of them bad than good, is refused
# whole: its report would be as large as the feed and it is not a directory worth reading.
MOSTLY_BAD_AFTER = 1_000


def refuse_if_mostly_bad(bad: int, seen: int, name: str = "the feed") -> None:
    """Stop reading once a feed is clearly mostly unusable (checked as records are read, so
    a million empty records cost milliseconds, not minutes)."""
    if bad >= MOSTLY_BAD_AFTER and bad * 2 > seen:
        raise FeedError(Message(
            N_("{name}: {bad} of the first {seen} records are unusable, so the feed was refused as a whole "
               "(it is not a directory of groups Kindred can read)"), name=name, bad=bad, seen=seen))


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


ZONE_ORIGINS = ("feed", "coordinates", "region", "import", "unknown")
ZONE_ORIGIN_WORDS = {"feed": "by feed", "coordinates": "by coordinates", "region": "by region",
                     "import": "by --timezone", "unknown": "unknown"}
# "6:30pm Central", "7 PM EST": a zone named beside a time in a meeting's own text.
_NAMED_ZONE = re.compile(
    r"(?<!\d)\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?)?\s*\(?\b(eastern|central|mountain|pacific|atlantic|"
    r"e[sd]?t|c[sd]?t|m[sd]?t|p[sd]?t)\b(?!\s+europe)", re.I)
_NAMED_ZONES = {"eastern": "America/New_York", "central": "America/Chicago", "mountain": "America/Denver",
                "pacific": "America/Los_Angeles", "atlantic": "America/Halifax", "e": "America/New_York",
                "c": "America/Chicago", "m": "America/Denver", "p": "America/Los_Angeles"}


_DIGIT = re.compile(r"\d")


def _named_zone(*texts: str | None) -> tuple[str, str] | None:
    for value in texts:
        if not value or _DIGIT.search(value) is None:  # the pattern starts with a digit: most names have none
            continue
        match = _NAMED_ZONE.search(value)
        if match:
            word = match.group(1).lower()
            return match.group(0).strip(), _NAMED_ZONES.get(word, _NAMED_ZONES.get(word[:1]))
    return None


def _decide_zone(group: GroupRecord, import_zone: str | None, where: str, doubtful: list[str]):
    """(zone, origin, location) from the group's region and coordinates together; a town
    name is only looked up inside its own country and state."""
    zone, origin, location, notes = _decide_place(group.location, group.attendance in ("in_person", "hybrid"), import_zone)
    doubtful.extend(f"{where}: {note}" for note in notes)
    return zone, origin, location


def _decide_place(location: Location, in_person: bool, import_zone: str | None):
    """(zone, origin, location, doubtful notes) for a place: what ``_decide_zone`` decides,
    depending only on the location, whether the group meets there and ``--timezone``."""
    notes: list[str] = []
    if import_zone and location.approximate and not in_person:
        # An online meeting's approximate place is where its members are from, not a clock:
        # its times are in the feed's own zone.
        return import_zone, "import", location, ()
    parts = places.cached_address_parts(location.address)
    country, admin1 = places.region_of(location.country, location.region, parts.get("country"), parts.get("region"))
    lat, lon = location.latitude, location.longitude
    if lat is not None and lon is not None and places.placeholder_coordinates(lat, lon):
        notes.append(f"coordinates ({lat}, {lon}) are a placeholder, not a place; ignored them")
        location = replaced(location, latitude=None, longitude=None)
        lat = lon = None
    if lat is not None and lon is not None:
        city = places.nearest_city_in(lat, lon, country, admin1)
        if city is not None:
            return city["timezone"], "coordinates", location, tuple(notes)
        anywhere = places.nearest_city(lat, lon)
        texts = (location.country, location.region, parts.get("country"), parts.get("region"))
        if anywhere is not None and anywhere["countrycode"] in places.countries_named(*texts):
            # "Georgia" is a US state and a country: the coordinates say which
            return anywhere["timezone"], "coordinates", location, tuple(notes)
        if country is not None and anywhere is not None:
            region = places.region_name(country, admin1) or country
            notes.append(f"coordinates ({lat}, {lon}) lie outside {region}, where its address is; ignored them")
            location = replaced(location, latitude=None, longitude=None)
    if country == "US" or country is None:
        place = places.zip_in_region(location.postal_code or parts.get("postal_code"), admin1)
        if place is not None and place.timezone:
            return place.timezone, "region", location, tuple(notes)
    town = places.city_in_region(location.city or parts.get("city"), country, admin1)
    if town is not None:
        if location.latitude is None:
            location = replaced(location, latitude=town.latitude, longitude=town.longitude, approximate=True)
        return town.timezone, "region", location, tuple(notes)
    zone = places.zone_for_region(country, admin1) if admin1 or country else None
    if zone:
        return zone, "region", location, tuple(notes)
    if import_zone:
        return import_zone, "import", location, tuple(notes)
    return None, "unknown", location, tuple(notes)


_FIELDS: dict[type, tuple] = {}


def replaced(record, **changes):
    """``dataclasses.replace`` for the directory's record classes (every field an init field,
    no ``__post_init__``), without its per-call look-up of the fields: it runs for every group
    whose zone an import decides (issue #14)."""
    known = _FIELDS.get(type(record))
    if known is None:
        names = tuple(f.name for f in dataclasses.fields(record))
        known = _FIELDS[type(record)] = (operator.attrgetter(*names), {name: n for n, name in enumerate(names)})
    values, positions = known
    found = list(values(record))
    for name, value in changes.items():
        found[positions[name]] = value
    return type(record)(*found)


def resolve_zones(feed: ParsedFeed, import_zone: str | None) -> None:
    """Give every timed rule with no zone one, decided from the group's region (state,
    province, ZIP, country) and coordinates together; ``--timezone`` is the default for the
    rest, not an override; else none — "time zone unknown", never a silent UTC. Counts how
    each meeting's zone was decided and lists the doubtful cases in the feed's report.

    Each distinct place is decided once, and each rule given its zone once (issue #14:
    100,000 meetings share far fewer places and rules)."""
    shared: dict = {}  # one object per distinct rule: thousands of groups meet "Tuesday 19:00 in New York"
    with_zone: dict = {}  # (id(rule), zone) → (rule, the rule in that zone); the rule is kept, so its id is not reused
    decided: dict = {}  # (location, meets there) → what _decide_place decided
    counts = feed.zone_counts
    doubtful = feed.doubtful
    groups = feed.groups
    for index, group in enumerate(groups):
        schedule = group.schedule
        timed = [r for r in schedule if r.kind in ("weekly", "monthly")]
        if not timed:
            loc = group.location
            if loc.latitude is not None and loc.longitude is not None and places.placeholder_coordinates(loc.latitude, loc.longitude):
                doubtful.append(f"{group.name!r} (id {group.external_id!r}): coordinates ({loc.latitude}, {loc.longitude}) "
                                "are a placeholder, not a place; ignored them")
                groups[index] = replaced(group, location=replaced(loc, latitude=None, longitude=None))
            continue
        if all(r.timezone for r in timed):
            origin = "feed"
            zone = timed[0].timezone
        else:
            loc = group.location
            # repr and type too: -0.0 == 0.0 and 40 == 40.0 == True, but the notes print them as given
            key = (loc, group.attendance in ("in_person", "hybrid"), repr(loc.latitude), repr(loc.longitude),
                   type(loc.approximate))
            try:
                found = decided.get(key)
            except TypeError:  # not hashable (a hostile feed's odd value): decided every time
                key, found = None, None
            if found is None:
                found = _decide_place(key[0] if key else group.location, group.attendance in ("in_person", "hybrid"),
                                      import_zone)
                if key is not None:
                    if len(decided) > 50_000:
                        decided.clear()
                    decided[key] = found
            zone, origin, location, notes = found
            if notes:
                where = f"{group.name!r} (id {group.external_id!r})"
                doubtful.extend(f"{where}: {note}" for note in notes)
            rules = []
            for rule in schedule:
                if rule.timezone is None:
                    pair = with_zone.get((id(rule), zone))
                    if pair is None:
                        pair = with_zone[(id(rule), zone)] = (rule, replaced(rule, timezone=zone))
                    rule = pair[1]
                rules.append(shared.setdefault(rule, rule))
            group = groups[index] = replaced(group, schedule=tuple(rules), timezone_origin=origin, location=location)
        counts[origin] = counts.get(origin, 0) + len(timed)
        named = _named_zone(group.name, group.notes)
        if named and zone and named[1] and not places._same_clock(zone, named[1]):
            doubtful.append(f"{group.name!r} (id {group.external_id!r}): its text says {named[0]!r} but its meetings are "
                            f"in {zone}; check with the source")
    unknown = counts.get("unknown", 0)
    if unknown:
        feed.repairs.append(
            f"{unknown} meeting(s) have no time zone (none in the feed, no region or coordinates to decide one, no "
            "--timezone): they are shown as 'time zone unknown' and no next meeting is claimed.")


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
    if lat_f == 0 and lon_f == 0:
        return None, None  # (0, 0) is a blank, not a place in the Gulf of Guinea
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


def _id_order(ident: str):
    return (len(ident), ident)  # numeric ids in number order; slugs shortest first


def merge_meetings(records: list[GroupRecord]) -> GroupRecord:
    """One group from the rows a feed lists it as (one row per weekday meeting): every
    meeting's time once, in week order; everything any row says about who it is for, its
    languages, access and formats; each distinct note once. The id and everything else come
    from the row with the first id (shortest, then smallest), so the group keeps its id
    across re-imports while that row is listed; a venue name or confidentiality only some
    rows give is kept."""
    records = sorted(records, key=lambda r: _id_order(r.external_id))
    first = records[0]
    if len(records) == 1:
        return first
    rules = tuple(sorted(dict.fromkeys(rule for r in records for rule in r.schedule),
                         key=lambda rule: (rule.weekday if rule.weekday is not None else 9, rule.start or time(0))))
    venue = first.location.venue or next((r.location.venue for r in records if r.location.venue), None)
    return replaced(
        first,
        schedule=rules,
        topics=tuple(dict.fromkeys(t for r in records for t in r.topics)),
        audience=tuple(sorted({a for r in records for a in r.audience})),
        languages=tuple(sorted({lang for r in records for lang in r.languages})),
        accessibility=tuple(sorted({a for r in records for a in r.accessibility})),
        type_codes=tuple(dict.fromkeys(t for r in records for t in r.type_codes)),
        notes="\n\n".join(dict.fromkeys(r.notes for r in records if r.notes)) or None,
        confidentiality=first.confidentiality or next((r.confidentiality for r in records if r.confidentiality), None),
        location=replaced(first.location, venue=venue),
        last_verified=max((r.last_verified for r in records if r.last_verified), default=None),
    )


def grouping_text(value: str | None) -> str:
    """A name or address as rows of one group spell it: case, punctuation and spacing aside."""
    return re.sub(r"[^a-z0-9]+", " ", (value or "").lower()).strip()


def merged_report(feed: ParsedFeed, rows: int, groups: int, how: str) -> None:
    if groups < rows:
        feed.repairs.append(f"{rows} meeting rows are {groups} groups: {how}")
