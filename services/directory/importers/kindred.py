"""Kindred's own feed: versioned JSON with publisher metadata and groups.

Documented in docs/feed-format.md; the JSON Schema is docs/feed.schema.json (bundled in
the package as services/directory/feed.schema.json so it works without the docs folder).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from services.i18n import N_, Message
from services.directory.importers.common import FeedError, refuse_if_mostly_bad, as_date, dedupe_ids, skipped_record, text
from services.directory.model import (
    WEEKDAY_NAMES,
    Contact,
    GroupRecord,
    Location,
    OnlineAccess,
    ParsedFeed,
    ScheduleRule,
)
from services.directory.schedule import parse_clock, valid_zone
from services.directory.vocabulary import normalise_audience, normalise_topic

FORMAT_NAME = "kindred-directory"
VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "feed.schema.json"


def looks_like(data) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT_NAME


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _fast_validators():
    """Compiled checks (fastjsonschema) for the whole feed minus its groups, and for one group.

    They only decide "valid or not", about 15 times faster than ``jsonschema``; a feed or a
    group they reject is checked again by ``jsonschema`` for its precise messages. So a valid
    100,000-group feed is checked in a second or two, and the messages stay the same."""
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - the package is a dependency; this is a fallback
        return None
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    # Without "$id" and "$schema", every "$ref" is a pointer into this document: nothing is
    # ever fetched (with an "$id", fastjsonschema would try to download the base URL).
    schema = {key: value for key, value in schema.items() if key not in ("$id", "$schema")}
    top = {**schema, "properties": {**schema["properties"], "groups": {"type": "array"}}}
    group = {"$defs": schema["$defs"], **schema["$defs"]["group"]}
    return fastjsonschema.compile(top), fastjsonschema.compile(group), fastjsonschema.JsonSchemaException


class _GroupError:
    """A jsonschema error for a group checked on its own, with the group's real index."""

    def __init__(self, error, index: int):
        self.message = error.message
        path = list(error.absolute_path)
        self.absolute_path = ["groups", index, *path[2:]] if len(path) >= 2 and path[0] == "groups" else path


def _schema_errors(data: dict) -> list:
    fast = _fast_validators()
    if fast is None:
        return list(_validator().iter_errors(data))
    top, group, invalid = fast
    try:
        top(data)
    except invalid:
        return list(_validator().iter_errors(data))
    errors = []
    bad = 0
    for index, raw in enumerate(data["groups"]):
        try:
            group(raw)
        except invalid:
            bad += 1
            refuse_if_mostly_bad(bad, index + 1)  # before the slow, precise check below
            alone = {**data, "groups": [raw]}
            errors.extend(_GroupError(error, index) for error in _validator().iter_errors(alone))
    return errors


def _path(error) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(top level)"


def _generated_at(value) -> datetime | None:
    """The feed's "generated_at" as an aware UTC time (a date alone is its midnight UTC);
    None when absent or unreadable (it only guards against rollback; never a reason to refuse)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse(data: dict, feed: ParsedFeed) -> None:
    if data.get("version") != VERSION:
        raise FeedError(Message(N_("this is a Kindred feed of version {version}; this app reads version {supported}"),
                                version=repr(data.get("version")), supported=VERSION))
    errors = _schema_errors(data)
    bad_groups: dict[int, list[str]] = {}
    for error in errors:
        where = list(error.absolute_path)
        if len(where) >= 2 and where[0] == "groups" and isinstance(where[1], int):
            bad_groups.setdefault(where[1], []).append(f"{'/'.join(str(p) for p in where[2:]) or 'the group'}: {error.message}")
        else:
            raise FeedError(Message(N_("not a valid Kindred feed: at {where}: {problem}"), where=_path(error),
                                    problem=error.message))
    feed.publisher = data["publisher"]["name"]
    feed.generated_at = _generated_at(data.get("generated_at"))
    groups = []
    for index, raw in enumerate(data["groups"]):
        if index in bad_groups:
            feed.skipped.append(skipped_record(index, raw.get("id") if isinstance(raw, dict) else None,
                                               raw.get("name") if isinstance(raw, dict) else None, "; ".join(bad_groups[index])))
            continue
        try:
            groups.append((index, _group(index, raw, feed)))
        except ValueError as problem:
            feed.skipped.append(skipped_record(index, raw.get("id"), raw.get("name"), str(problem)))
    feed.groups.extend(dedupe_ids(groups, feed))


def _rule(raw: dict) -> ScheduleRule:
    zone_text = text(raw.get("timezone"))
    zone = valid_zone(zone_text)
    if zone_text and zone is None:
        raise ValueError(f"schedule timezone {zone_text!r} is not an IANA zone name")
    kind = raw["kind"]
    weekday = WEEKDAY_NAMES.index(raw["weekday"]) if raw.get("weekday") else None
    every = raw.get("every_weeks", 1)
    anchor = as_date(raw.get("anchor_date"))
    if kind == "weekly" and every > 1 and anchor is None and as_date(raw.get("starts_on")) is None:
        raise ValueError(f"meets every {every} weeks but gives no anchor_date (a date it met on)")
    return ScheduleRule(
        kind=kind, weekday=weekday, start=parse_clock(raw.get("start")), end=parse_clock(raw.get("end")),
        timezone=zone, interval_weeks=every, ordinal=raw.get("ordinal"), anchor_date=anchor,
        starts_on=as_date(raw.get("starts_on")), ends_on=as_date(raw.get("ends_on")), note=text(raw.get("note")),
    )


def _group(index: int, raw: dict, feed: ParsedFeed) -> GroupRecord:
    topics = []
    for value in raw.get("topics", []):
        topic = normalise_topic(value)
        if topic is None:
            feed.repairs.append(f"record {index + 1} (id {raw['id']!r}): topic {value!r} is not in the vocabulary; dropped it")
        else:
            topics.append(topic)
    audience = [a for a in (normalise_audience(v) for v in raw.get("audience", [])) if a]
    rules = tuple(_rule(r) for r in raw.get("schedule", []))
    loc = raw.get("location") or {}
    online = raw.get("online") or {}
    contact = raw.get("contact") or {}
    leadership = raw.get("leadership") or {}
    cost = raw.get("cost") or {}
    attendance = raw.get("attendance") or ("online" if online.get("url") or online.get("phone") else "in_person")
    return GroupRecord(
        external_id=raw["id"], name=raw["name"].strip(), description=text(raw.get("description")),
        notes=text(raw.get("notes")), topics=tuple(dict.fromkeys(topics)), audience=tuple(dict.fromkeys(audience)),
        leadership=leadership.get("kind", "unknown"), facilitator_credentials=text(leadership.get("credentials")),
        attendance=attendance, schedule=rules,
        location=Location(
            venue=text(loc.get("venue")), address=text(loc.get("address")), city=text(loc.get("city")),
            region=text(loc.get("region")), postal_code=text(loc.get("postal_code")), country=text(loc.get("country")),
            latitude=loc.get("latitude"), longitude=loc.get("longitude"), approximate=bool(loc.get("approximate", False)),
        ),
        online=OnlineAccess(url=text(online.get("url")), phone=text(online.get("phone")), notes=text(online.get("notes"))),
        cost=cost.get("kind", "unknown"), cost_note=text(cost.get("note")), typical_size=raw.get("typical_size"),
        registration=raw.get("registration", "unknown"), confidentiality=text(raw.get("confidentiality")),
        languages=tuple(raw.get("languages", [])), accessibility=tuple(raw.get("accessibility", [])),
        contact=Contact(name=text(contact.get("name")), email=text(contact.get("email")),
                        phone=text(contact.get("phone")), website=text(contact.get("website"))),
        status=raw.get("status", "active"), last_verified=as_date(raw.get("last_verified")),
        timezone_origin="feed" if any(r.timezone for r in rules) else "unknown",
        type_codes=tuple(raw.get("type_codes", [])),
    )


def _clock(value) -> str | None:
    return f"{value:%H:%M}" if value else None


def export_ids(details) -> list[str]:
    """Each group's id in an export: the feed's own id, so that importing the export again
    gives the same ids (never "source/source/id"); prefixed with its source only where two
    sources use the same id."""
    counts: dict[str, int] = {}
    for item in details:
        counts[item.record.external_id] = counts.get(item.record.external_id, 0) + 1
    return [item.record.external_id if counts[item.record.external_id] == 1 else f"{item.source}-{item.record.external_id}"
            for item in details]


def export_group(group_id_external: str, record: GroupRecord) -> dict:
    def rule(r: ScheduleRule) -> dict:
        out = {
            "kind": r.kind, "weekday": WEEKDAY_NAMES[r.weekday] if r.weekday is not None else None,
            "start": _clock(r.start), "end": _clock(r.end), "timezone": r.timezone,
            "every_weeks": r.interval_weeks if r.interval_weeks > 1 else None, "ordinal": r.ordinal,
            "anchor_date": r.anchor_date.isoformat() if r.anchor_date else None,
            "starts_on": r.starts_on.isoformat() if r.starts_on else None,
            "ends_on": r.ends_on.isoformat() if r.ends_on else None, "note": r.note,
        }
        return {k: v for k, v in out.items() if v is not None}

    loc = record.location
    group = {
        "id": group_id_external, "name": record.name, "description": record.description, "notes": record.notes,
        "topics": list(record.topics), "audience": list(record.audience),
        "leadership": {"kind": record.leadership, "credentials": record.facilitator_credentials},
        "attendance": record.attendance, "schedule": [rule(r) for r in record.schedule],
        "location": {"venue": loc.venue, "address": loc.address, "city": loc.city, "region": loc.region,
                     "postal_code": loc.postal_code, "country": loc.country, "latitude": loc.latitude,
                     "longitude": loc.longitude, "approximate": loc.approximate},
        "online": {"url": record.online.url, "phone": record.online.phone, "notes": record.online.notes},
        "cost": {"kind": record.cost, "note": record.cost_note}, "typical_size": record.typical_size,
        "registration": record.registration, "confidentiality": record.confidentiality,
        "languages": list(record.languages), "accessibility": list(record.accessibility),
        "contact": {"name": record.contact.name, "email": record.contact.email, "phone": record.contact.phone,
                    "website": record.contact.website},
        "status": record.status, "last_verified": record.last_verified.isoformat() if record.last_verified else None,
        "type_codes": list(record.type_codes),
    }
    return group


def export(details, publisher: str) -> dict:
    return {
        "format": FORMAT_NAME, "version": VERSION,
        "publisher": {"name": publisher, "note": "Exported from Kindred"},
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "groups": [export_group(ident, item.record) for ident, item in zip(export_ids(details), details)],
    }
