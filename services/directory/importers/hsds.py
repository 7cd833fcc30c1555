"""Open Referral HSDS: 3.0 JSON (a service, a service_list page, an organization with its
services, a service_at_location) and the tabular datapackage (a folder or .zip of CSVs),
including the older 1.x/2.x ``regular_schedules.csv`` (weekday/opens_at/closes_at).

HSDS describes services; each service (at each of its locations) becomes one group.
HSDS examples and real exports contradict themselves (COUNT with UNTIL, latitude 100, a
numeric UTC offset as "timezone"): what can be repaired is, and the report says how;
what cannot is refused with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from datetime import date
from pathlib import Path

from services.i18n import N_, Message
from services.directory.importers.common import (
    refuse_if_mostly_bad,
    FeedError,
    as_date,
    dedupe_ids,
    skipped_record,
    split_list,
    text,
    valid_coordinates_or_repair,
)
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ParsedFeed, ScheduleRule
from services.directory.schedule import parse_clock, parse_weekday
from services.directory.vocabulary import infer_topics

RFC_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


# ---------------------------------------------------------------- detection and shapes
def looks_like(data) -> bool:
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("contents"), list) and "total_items" in data:
        return True
    return "id" in data and any(key in data for key in (
        "service_at_locations", "services", "service", "location_type", "schedules", "organization"))


def services_in(data: dict, feed: ParsedFeed) -> list[tuple[dict, list[dict]]]:
    """(service, its service_at_locations) pairs from any HSDS 3.0 JSON response shape."""
    if isinstance(data.get("contents"), list):  # service_list (a page)
        if data.get("total_pages", 1) and data.get("total_pages", 1) > 1:
            feed.repairs.append(
                f"this is page {data.get('page_number', '?')} of {data.get('total_pages')} of a paged service list; "
                f"only its {len(data['contents'])} service(s) are imported")
        return [(s, s.get("service_at_locations") or []) for s in data["contents"] if isinstance(s, dict)]
    if isinstance(data.get("service"), dict):  # service_at_location_full
        sal = {key: value for key, value in data.items() if key != "service"}
        return [(data["service"], [sal])]
    if isinstance(data.get("services"), list):  # organization_full
        organization = {k: v for k, v in data.items() if k != "services"}
        pairs = []
        for service in data["services"]:
            if isinstance(service, dict):
                service = {**service, "organization": service.get("organization") or organization}
                pairs.append((service, service.get("service_at_locations") or []))
        return pairs
    if "location_type" in data and "name" in data and "service_at_locations" not in data:
        raise FeedError(Message(N_(
            "this HSDS file describes a location, not services: Kindred imports services (each one a group). "
            "Import the service_list, service or datapackage export instead")))
    return [(data, data.get("service_at_locations") or [])]


def parse_json(data: dict, feed: ParsedFeed) -> None:
    pairs = services_in(data, feed)
    if not pairs:
        raise FeedError(Message(N_("this HSDS file holds no services")))
    _services_to_groups(pairs, feed)


# ---------------------------------------------------------------- services → groups
# A 211 lists every service (scouts, marine patrol, food banks): only those that are groups,
# or about what Kindred's groups are about, are support groups. The rest are skipped and
# counted, unless the import asks for every service.
NOT_A_GROUP = "not a support group (no group, meeting or peer-support words, no topic Kindred covers)"
GROUP_WORDS = re.compile(
    r"\bsupport groups?\b|\bpeer support\b|\bmutual (?:aid|support)\b|\bgroups?\b|"
    r"\bmeetings?\b|\bcircle\b|\banonymous\b|\bpeer[- ]led\b", re.I)


def is_support_group(service: dict) -> bool:
    terms = " ".join(filter(None, (text(t.get("name")) for t in service.get("taxonomy_terms") or [] if isinstance(t, dict))))
    blob = " ".join(filter(None, [text(service.get("name")), text(service.get("alternate_name")),
                                  text(service.get("description")), terms]))
    # "families" or "wellbeing" alone describe half of a 211; a clinical topic is specific enough
    specific = set(infer_topics(blob)) - {"caregivers_and_family", "general_wellbeing", "stress"}
    return bool(GROUP_WORDS.search(blob) or specific)


def _services_to_groups(pairs, feed: ParsedFeed) -> None:
    groups: list[tuple[int, GroupRecord]] = []
    for index, (service, sals) in enumerate(pairs):
        sid = text(service.get("id"))
        if not feed.all_services and not is_support_group(service):
            feed.not_groups += 1
            feed.skipped.append(skipped_record(index, sid, service.get("name"), NOT_A_GROUP))
            continue
        try:
            if not sid:
                raise ValueError("the service has no id")
            if not text(service.get("name")):
                raise ValueError("the service has no name")
            located = [sal for sal in sals if isinstance(sal, dict)]
            if not located:
                groups.append((index, _group(sid, service, None, feed)))
            for sal in located:
                ident = sid if len(located) == 1 else f"{sid}@{text(sal.get('id')) or len(groups)}"
                groups.append((index, _group(ident, service, sal, feed)))
        except ValueError as problem:
            feed.skipped.append(skipped_record(index, sid, service.get("name"), str(problem)))
            refuse_if_mostly_bad(feed.bad_records, index + 1 - feed.not_groups)
    feed.groups.extend(dedupe_ids(groups, feed))


def _keywords(blob: str, *words: str) -> bool:
    return any(re.search(word, blob, re.I) for word in words)


def _group(ident: str, service: dict, sal: dict | None, feed: ParsedFeed) -> GroupRecord:
    where = f"service {ident!r}"
    location_raw = (sal or {}).get("location") or {}
    schedules = []
    seen = set()
    for raw in [*(service.get("schedules") or []), *((sal or {}).get("schedules") or []), *(location_raw.get("schedules") or [])]:
        key = raw.get("id") or id(raw)
        if isinstance(raw, dict) and key not in seen:
            seen.add(key)
            schedules.append(raw)
    rules: list[ScheduleRule] = []
    for raw in schedules:
        rules.extend(_rules(raw, f"{where} schedule {raw.get('id', '?')!r}", feed))
    if any(raw.get("hours_of_operation") for raw in schedules):
        rules = _group_times_or_call(rules)

    addresses = [a for a in location_raw.get("addresses") or [] if isinstance(a, dict)]
    address = next((a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else {})
    lat, lon = valid_coordinates_or_repair(location_raw.get("latitude"), location_raw.get("longitude"),
                                           f"{where} location {location_raw.get('id', '?')!r}", feed.repairs)
    street = ", ".join(p for p in (text(address.get("address_1")), text(address.get("address_2"))) if p) or None
    location = Location(
        venue=text(location_raw.get("name")), address=street, city=text(address.get("city")),
        region=text(address.get("state_province")) or text(address.get("region")),
        postal_code=text(address.get("postal_code")), country=text(address.get("country")),
        latitude=lat, longitude=lon,
    )

    description = text(service.get("description"))
    program = service.get("program") or {}
    organization = service.get("organization") or {}
    blob = " ".join(filter(None, [
        description, text(service.get("accreditations")), text((sal or {}).get("description")),
        *(text(s.get("attending_type")) for s in schedules)]))
    professional = _keywords(blob, r"professional", r"counsell?or", r"therapist", r"licen[cs]ed", r"clinician", r"accredited")
    peer = _keywords(blob, r"\bpeer", r"lived experience", r"mutual aid")
    leadership = "co_facilitated" if professional and peer else "professional" if professional else "peer" if peer else "unknown"

    attending = " ".join(filter(None, (text(s.get("attending_type")) for s in schedules))) + " " + (text(service.get("alert")) or "")
    remote = location_raw.get("location_type") == "virtual" or _keywords(attending, r"remote", r"video", r"online", r"virtual")
    in_person = bool(location_raw) and location_raw.get("location_type") != "virtual"
    attendance = "hybrid" if remote and in_person else "online" if remote else "in_person"

    fees = " ".join(filter(None, [text(service.get("fees_description")), text(service.get("fees"))]))
    amounts = [o.get("amount") for o in service.get("cost_options") or [] if isinstance(o, dict)]
    if _keywords(fees, r"sliding"):
        cost = "sliding_scale"
    elif _keywords(fees, r"donation"):
        cost = "donation"
    elif any(isinstance(a, (int, float)) and a > 0 for a in amounts) or _keywords(fees, r"£\s*\d", r"\$\s*\d", r"€\s*\d", r"\bcharge", r"\bpay\b"):
        cost = "fee"
    elif _keywords(fees, r"\bfree\b", r"no (charge|cost|fee)"):
        cost = "free"
    else:
        cost = "unknown"

    process = text(service.get("application_process")) or ""
    if _keywords(process, r"drop[- ]in", r"just come", r"walk[- ]in"):
        registration = "drop_in"
    elif _keywords(process, r"referr", r"appointment", r"\bcall\b", r"\bring\b", r"intake"):
        registration = "intake_call"
    elif _keywords(process, r"regist", r"sign up"):
        registration = "register"
    else:
        registration = "unknown"

    # 3.0 names a language in "name"; 1.x/2.x exports in "language"
    languages = [text(lang.get("name")) or text(lang.get("language")) or text(lang.get("code"))
                 for lang in service.get("languages") or [] if isinstance(lang, dict)]
    languages += [text(lang.get("name")) for lang in location_raw.get("languages") or [] if isinstance(lang, dict)]
    accessibility = set()
    for item in location_raw.get("accessibility") or []:
        words = " ".join(filter(None, [text(item.get("description")), text(item.get("details")), text(item.get("accessibility"))]))
        if _keywords(words, r"wheelchair"):
            accessibility.add("wheelchair_access")
        if _keywords(words, r"induction loop", r"hearing loop", r"t-coil"):
            accessibility.add("hearing_loop")
        if _keywords(words, r"sign language", r"\bASL\b", r"\bBSL\b"):
            accessibility.add("sign_language")

    phones = [*(service.get("phones") or []), *((sal or {}).get("phones") or []), *(location_raw.get("phones") or [])]
    phone = next((text(p.get("number")) for p in phones if isinstance(p, dict) and text(p.get("number"))), None)
    if phone and phone.strip('"') != phone:
        phone = phone.strip('"').strip()  # some exports quote the number twice
    contacts = [*(service.get("contacts") or []), *((sal or {}).get("contacts") or [])]
    contact_name = next((text(c.get("name")) for c in contacts if isinstance(c, dict) and text(c.get("name"))), None)

    status_text = (text(service.get("status")) or "active").lower()
    status = "temporarily_closed" if "temporar" in status_text else "inactive" if status_text in ("inactive", "defunct") else "active"
    notes = "\n\n".join(filter(None, [
        text(service.get("alert")), text(service.get("eligibility_description")),
        text(service.get("interpretation_services")), text(service.get("application_process")),
    ])) or None
    return GroupRecord(
        external_id=ident,
        name=text(service.get("name")),
        description=description,
        notes=notes,
        topics=infer_topics(text(service.get("name")), description, text(program.get("description"))),
        leadership=leadership,
        facilitator_credentials=text(service.get("accreditations")),
        attendance=attendance,
        schedule=tuple(rules),
        location=location,
        online=OnlineAccess(),
        cost=cost,
        cost_note=text(service.get("fees_description")),
        registration=registration,
        languages=tuple(dict.fromkeys(lang for lang in languages if lang)),
        accessibility=tuple(sorted(accessibility)),
        contact=Contact(name=contact_name, email=text(service.get("email")) or text(organization.get("email")), phone=phone,
                        website=text(service.get("url")) or text(organization.get("website"))),
        status=status,
        last_verified=as_date(service.get("assured_date")) or as_date(service.get("last_modified")),
    )


def _rules(raw: dict, where: str, feed: ParsedFeed) -> list[ScheduleRule]:
    """HSDS schedule (RFC 5545-like) → our rules, repairing or refusing contradictions."""
    note = text(raw.get("description")) or text(raw.get("notes"))
    tz = raw.get("timezone")
    if tz not in (None, ""):
        feed.repairs.append(
            f"{where}: timezone {tz!r} is a UTC offset, not an IANA zone; ignored it (a fixed offset would be wrong "
            "across daylight-saving changes)")
    freq = (text(raw.get("freq")) or "").upper()
    tokens = [t.upper() for t in split_list(raw.get("byday"))]
    start = parse_clock(text(raw.get("opens_at")) or "")
    end = parse_clock(text(raw.get("closes_at")) or "")
    if not freq and not tokens:
        return [ScheduleRule("varies", note=note or "see the organisation for times")]
    if freq not in ("WEEKLY", "MONTHLY"):
        feed.repairs.append(f"{where}: freq {freq or '(none)'!r} is not WEEKLY or MONTHLY; kept as 'times vary'")
        return [ScheduleRule("varies", note=note)]
    if start is None:
        feed.repairs.append(f"{where}: no readable opens_at; kept as 'times vary'")
        return [ScheduleRule("varies", note=note)]
    for field in ("byweekno", "byyearday", "bymonthday"):
        if text(raw.get(field)):
            feed.repairs.append(f"{where}: {field} {raw.get(field)!r} cannot apply to a {freq} rule (RFC 5545); ignored it")
    valid_from, valid_to = as_date(raw.get("valid_from")), as_date(raw.get("valid_to"))
    dtstart, until = as_date(raw.get("dtstart")), as_date(raw.get("until"))
    if raw.get("count") not in (None, "") and until:
        feed.repairs.append(f"{where}: COUNT ({raw.get('count')}) together with UNTIL ({until}) is not allowed (RFC 5545); used UNTIL, ignored COUNT")
    elif raw.get("count") not in (None, ""):
        feed.repairs.append(f"{where}: COUNT ({raw.get('count')}) is not supported; the rule is treated as open-ended")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValueError(f"schedule {raw.get('id', '?')!r}: valid_to {valid_to} is before valid_from {valid_from}")
    ends_on = min((d for d in (valid_to, until) if d), default=None)
    starts_on = max((d for d in (valid_from, dtstart) if d), default=None)
    if ends_on and starts_on and ends_on < starts_on:
        raise ValueError(f"schedule {raw.get('id', '?')!r}: it ends ({ends_on}) before it starts ({starts_on})")
    if ends_on and ends_on < date.today():
        feed.repairs.append(f"{where}: the schedule ended on {ends_on}; kept, with no future meetings")
    interval = raw.get("interval")
    try:
        interval = int(interval) if interval not in (None, "") else 1
    except (TypeError, ValueError):
        interval = 1
    rules = []
    for token in tokens:
        match = BYDAY.match(token)
        if not match:
            feed.repairs.append(f"{where}: byday {token!r} is not a day; ignored it")
            continue
        ordinal = int(match.group(1)) if match.group(1) else None
        weekday = RFC_DAYS[match.group(2)]
        common = dict(weekday=weekday, start=start, end=end, starts_on=starts_on, ends_on=ends_on, note=note)
        if freq == "MONTHLY" and ordinal is not None:
            if ordinal not in (1, 2, 3, 4, 5, -1):
                feed.repairs.append(f"{where}: byday {token!r}: only 1..5 and -1 (last) are supported; ignored it")
                continue
            if interval > 1:
                feed.repairs.append(f"{where}: every {interval} months is not supported; kept as monthly with a note")
            rules.append(ScheduleRule("monthly", ordinal=ordinal, **common))
        else:
            if ordinal is not None:
                feed.repairs.append(f"{where}: byday {token!r} has an ordinal, which a WEEKLY rule cannot have; used it as every week")
            elif freq == "MONTHLY":
                feed.repairs.append(f"{where}: MONTHLY on every {token} is the same as weekly; stored as weekly")
            anchor = dtstart if interval > 1 else None
            if interval > 1 and anchor is None:
                feed.repairs.append(f"{where}: every {interval} weeks with no dtstart: which weeks is unknown; kept as 'times vary'")
                rules.append(ScheduleRule("varies", note=note))
                continue
            rules.append(ScheduleRule("weekly", interval_weeks=interval, anchor_date=anchor, **common))
    if not rules:
        if freq == "MONTHLY" and not tokens:
            feed.repairs.append(f"{where}: MONTHLY without byday is not supported; kept as 'times vary'")
        return [ScheduleRule("varies", note=note)]
    return rules


def _group_times_or_call(rules: list[ScheduleRule]) -> list[ScheduleRule]:
    """1.x/2.x regular_schedules are a service's hours of operation. A group's own meeting
    is short; an agency's office hours (a long day, or the same hours five days a week) are
    not meeting times: the person is told to call for the group's times instead."""
    timed = [r for r in rules if r.kind == "weekly" and r.start is not None]
    if not timed:
        return rules
    def minutes(r):
        return ((r.end.hour * 60 + r.end.minute) if r.end else 0) - (r.start.hour * 60 + r.start.minute)
    same_hours: dict[tuple, set] = {}
    for r in timed:
        same_hours.setdefault((r.start, r.end), set()).add(r.weekday)
    if any(minutes(r) >= 180 for r in timed) or any(len(days) >= 5 for days in same_hours.values()):
        hours = "; ".join(f"{', '.join(('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[d] for d in sorted(days))} "
                          f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M}"
                          for (start, end), days in same_hours.items())
        return [ScheduleRule("varies", note=f"Call for group times (the agency's office hours: {hours})")]
    return rules


# ---------------------------------------------------------------- tabular datapackage
# A datapackage .zip is untrusted: a few kilobytes can inflate to gigabytes. Entries are
# streamed and counted as they inflate (never trusting the sizes the archive declares).
MAX_ENTRY_BYTES = 128 * 2**20
MAX_TOTAL_BYTES = 256 * 2**20
MAX_RATIO = 200  # inflated/compressed, checked once an entry passes RATIO_FROM bytes
RATIO_FROM = 1 * 2**20
MAX_ENTRIES = 1_000


def read_capped(file: Path, limit: int) -> bytes:
    with open(file, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FeedError(Message(N_("{file} is larger than {n} MB"), file=file.name, n=limit // 2**20))
    return data


def read_zip_tables(path: Path) -> dict[str, bytes]:
    """The .csv and .json entries of a zip, inflated with per-entry, total and ratio caps."""
    files: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise FeedError(Message(N_("{file} holds {n} files; a datapackage has a few tables"), file=path.name,
                                        n=len(infos)))
            total = 0
            for info in infos:
                if info.is_dir() or not info.filename.lower().endswith((".csv", ".json")):
                    continue
                if info.flag_bits & 0x1:
                    raise FeedError(Message(N_("{file}: {part} is encrypted (password-protected); export the datapackage "
                                               "without a password"), file=path.name, part=info.filename))
                out = bytearray()
                with archive.open(info) as entry:
                    while chunk := entry.read(64 * 1024):
                        out += chunk
                        total += len(chunk)
                        if len(out) > MAX_ENTRY_BYTES:
                            raise FeedError(Message(N_("{file}: {part} inflates to more than {n} MB, so it was not read"),
                                                    file=path.name, part=info.filename, n=MAX_ENTRY_BYTES // 2**20))
                        if total > MAX_TOTAL_BYTES:
                            raise FeedError(Message(N_("{file} inflates to more than {n} MB, so it was not read"),
                                                    file=path.name, n=MAX_TOTAL_BYTES // 2**20))
                        if len(out) > RATIO_FROM and len(out) > MAX_RATIO * max(info.compress_size, 1):
                            raise FeedError(Message(N_("{file}: {part} inflates more than {n} times (a zip bomb?), so it "
                                                       "was not read"), file=path.name, part=info.filename, n=MAX_RATIO))
                files[info.filename] = bytes(out)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError, ValueError,
            zlib.error, OSError) as error:
        raise FeedError(Message(N_("{file} is not a readable .zip file ({problem})"), file=path.name,
                                problem=str(error))) from error
    return files


# How HSDS versions and real 211 exports name the same tables.
TABLE_ALIASES = {
    "service_at_location": ("services_at_location", "service_at_locations", "services_at_locations"),
    "taxonomy_terms": ("taxonomy", "taxonomies_terms", "taxonomy_term"),
    "service_taxonomy": ("services_taxonomy", "service_taxonomies"),
    "regular_schedules": ("regular_schedule",),
    "physical_addresses": ("physical_address",),
    "languages": ("language",),
    "phones": ("phone",),
    "locations": ("location",),
    "organizations": ("organization",),
}
READ_TABLES = {"services", "locations", "addresses", "physical_addresses", "accessibility", "accessibility_for_disabilities",
               "schedules", "regular_schedules", "languages", "phones", "cost_options", "contacts", "organizations",
               "programs", "service_at_location", "taxonomy_terms", "service_taxonomy", "attributes", "datapackage"}


def _alias_tables(tables) -> None:
    for canonical, aliases in TABLE_ALIASES.items():
        if canonical not in tables.by_name:
            for alias in aliases:
                if alias in tables.by_name:
                    tables.by_name[canonical] = tables.by_name[alias]
                    tables.feed.repairs.append(f"read {tables.by_name[alias]} as the {canonical} table")
                    break


def _unread_tables(tables) -> list[str]:
    aliases = {alias for names in TABLE_ALIASES.values() for alias in names}
    return sorted({name for name, file in tables.by_name.items()
                   if file.lower().endswith(".csv") and name not in READ_TABLES and name not in aliases})


class _Tables:
    """CSV tables of a datapackage from a folder or a .zip, by table name."""

    def __init__(self, path: Path, feed: ParsedFeed):
        self.feed = feed
        self.files: dict[str, bytes] = {}
        if path.is_dir():
            total = 0
            for file in path.rglob("*"):
                if file.is_file() and file.suffix.lower() in (".csv", ".json"):
                    data = read_capped(file, MAX_ENTRY_BYTES)
                    total += len(data)
                    if total > MAX_TOTAL_BYTES:
                        raise FeedError(Message(N_("{file}: its tables add up to more than {n} MB"), file=path.name,
                                                n=MAX_TOTAL_BYTES // 2**20))
                    self.files[str(file.relative_to(path)).replace("\\", "/")] = data
        else:
            self.files = read_zip_tables(path)
        self.by_name = {Path(name).stem.lower(): name for name in sorted(self.files, key=len, reverse=True)}
        self._read_datapackage()

    def _read_datapackage(self) -> None:
        name = self.by_name.get("datapackage")
        if name is None:
            self.feed.repairs.append("no datapackage.json; read the CSV files by their standard HSDS names")
            return
        raw = self.files[name]
        try:
            package = json.loads(raw.decode("utf-8-sig"))
            resources = package.get("resources") if isinstance(package, dict) else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            preview = raw[:60].decode("utf-8", "replace").strip()
            self.feed.repairs.append(
                f"datapackage.json is not JSON (it reads {preview!r} — perhaps a link that was not copied); "
                "read the CSV files by their standard HSDS names instead")
            return
        for resource in resources or []:
            if isinstance(resource, dict) and resource.get("name") and isinstance(resource.get("path"), str):
                base = str(Path(name).parent)
                candidate = resource["path"] if base == "." else f"{base}/{resource['path']}"
                if candidate in self.files:
                    self.by_name[resource["name"].lower()] = candidate

    def rows(self, table: str) -> list[dict]:
        name = self.by_name.get(table)
        if name is None:
            return []
        try:
            content = self.files[name].decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FeedError(Message(N_("{file} is not UTF-8 text ({problem})"), file=name, problem=str(error))) from error
        try:
            return [{k.strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
                    for row in csv.DictReader(io.StringIO(content))]
        except csv.Error as error:
            raise FeedError(Message(N_("{file} is not readable CSV ({problem})"), file=name, problem=str(error))) from error

    def has(self, table: str) -> bool:
        return table in self.by_name


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for row in rows:
        if row.get(key):
            index.setdefault(row[key], []).append(row)
    return index


def _old_schedule(row: dict, feed: ParsedFeed) -> dict | None:
    """A 1.x/2.x regular_schedules row as a 3.0-style weekly schedule."""
    weekday_raw = (row.get("weekday") or "").strip()
    weekday = parse_weekday(weekday_raw)
    if weekday is None and weekday_raw.isdigit():
        number = int(weekday_raw)
        # 1.x/2.x exports number days 1 = Monday … 7 = Sunday (ISO); some write 0 for Sunday.
        weekday = {0: 6}.get(number, number - 1) if 0 <= number <= 7 else None
    if weekday is None:
        feed.repairs.append(f"regular_schedules row {row.get('id', '?')!r}: weekday {weekday_raw!r} is not a day; ignored the row")
        return None
    return {
        "id": row.get("id"), "freq": "WEEKLY", "byday": list(RFC_DAYS)[weekday],
        "opens_at": row.get("opens_at"), "closes_at": row.get("closes_at"), "description": row.get("description"),
    }


def parse_tabular(path: Path, feed: ParsedFeed) -> None:
    tables = _Tables(path, feed)
    _alias_tables(tables)
    if not tables.has("services"):
        raise FeedError(Message(N_("{file}: no services.csv found \u2014 not an HSDS datapackage"), file=path.name))
    services = tables.rows("services")
    locations = {row["id"]: dict(row) for row in tables.rows("locations") if row.get("id")}
    for address in tables.rows("addresses") + tables.rows("physical_addresses"):
        if address.get("location_id") in locations:
            address.setdefault("address_type", "physical")
            locations[address["location_id"]].setdefault("addresses", []).append(address)
    for table in ("accessibility", "accessibility_for_disabilities"):
        for row in tables.rows(table):
            if row.get("location_id") in locations:
                locations[row["location_id"]].setdefault("accessibility", []).append(row)
    schedules = [dict(row) for row in tables.rows("schedules")]
    if tables.has("regular_schedules"):
        feed.repairs.append("regular_schedules.csv is the HSDS 1.x/2.x schedule table; read it as weekly schedules")
        for row in tables.rows("regular_schedules"):
            converted = _old_schedule(row, feed)
            if converted:
                schedules.append({**converted, "service_id": row.get("service_id"), "location_id": row.get("location_id"),
                                  "service_at_location_id": row.get("service_at_location_id"), "hours_of_operation": True})
    schedules_by_service = _by(schedules, "service_id")
    schedules_by_sal = _by(schedules, "service_at_location_id")
    schedules_by_location = _by(schedules, "location_id")
    languages = _by(tables.rows("languages"), "service_id")
    phones = _by(tables.rows("phones"), "service_id")
    costs = _by(tables.rows("cost_options"), "service_id")
    contacts = _by(tables.rows("contacts"), "service_id")
    organizations = {row["id"]: row for row in tables.rows("organizations") if row.get("id")}
    programs = {row["id"]: row for row in tables.rows("programs") if row.get("id")}
    sal_by_service = _by(tables.rows("service_at_location"), "service_id")
    term_names = {row["id"]: row for row in tables.rows("taxonomy_terms") if row.get("id")}
    terms_by_service: dict[str, list[dict]] = {}
    for row in tables.rows("service_taxonomy"):
        term = term_names.get(row.get("taxonomy_id") or row.get("taxonomy_term_id") or "")
        if term and row.get("service_id"):
            terms_by_service.setdefault(row["service_id"], []).append(term)
    for row in tables.rows("attributes"):
        term = term_names.get(row.get("taxonomy_term_id") or "")
        if term and row.get("link_id"):
            terms_by_service.setdefault(row["link_id"], []).append(term)
    if locations and not sal_by_service and not any(s.get("location_id") for s in schedules):
        feed.repairs.append("locations.csv is there but no table links services to locations (no service_at_location): "
                            "every service comes in with no place")
    unread = _unread_tables(tables)
    if unread:
        feed.repairs.append(f"tables not read (Kindred has no use for them): {', '.join(unread)}")

    pairs = []
    for service in services:
        sid = service.get("id")
        built = dict(service)
        for field in ("minimum_age", "maximum_age"):
            built.pop(field, None)
        built["organization"] = organizations.get(service.get("organization_id") or "", {})
        built["program"] = programs.get(service.get("program_id") or "", {})
        built["languages"] = languages.get(sid, [])
        built["taxonomy_terms"] = terms_by_service.get(sid, [])
        built["phones"] = phones.get(sid, [])
        built["contacts"] = contacts.get(sid, [])
        built["cost_options"] = [{**c, "amount": _number(c.get("amount"))} for c in costs.get(sid, [])]
        built["schedules"] = [s for s in schedules_by_service.get(sid, []) if not s.get("service_at_location_id") and not s.get("location_id")]
        sals = []
        for sal in sal_by_service.get(sid, []):
            location = locations.get(sal.get("location_id") or "")
            if location is None:
                feed.repairs.append(f"service_at_location {sal.get('id')!r} names location {sal.get('location_id')!r}, which is not in locations.csv; kept the service without it")
                continue
            location = {**location, "latitude": _number(location.get("latitude")), "longitude": _number(location.get("longitude"))}
            sal_schedules = schedules_by_sal.get(sal.get("id") or "", []) + [
                s for s in schedules_by_location.get(location["id"], [])
                if s.get("service_id") in (None, "", sid) and not s.get("service_at_location_id")]
            sals.append({**sal, "location": location, "schedules": sal_schedules})
        if not sals:
            # 1.x/2.x: schedules keyed by service and location without a service_at_location row
            built["schedules"] = schedules_by_service.get(sid, [])
        pairs.append((built, sals))
    if not pairs:
        raise FeedError(Message(N_("{file}: services.csv has no rows"), file=path.name))
    _services_to_groups(pairs, feed)


def _number(value):
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return value  # left as text: the coordinate check reports it
