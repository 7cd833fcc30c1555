"""Directory rows in SQLite: writing a source's groups in one transaction, keeping each
group's stored next meeting current, and reading groups back as dataclasses."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from services.directory import schedule as sched
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ScheduleRule, SourceInfo
from services.models import DirectoryGroup, DirectoryGroupTag, DirectorySchedule, DirectorySource

TAG_KINDS = ("topic", "audience", "language", "accessibility", "type")
CHUNK = 500


def tag_value(kind: str, value: str) -> str:
    """How a tag is stored and matched: vocabulary keys lower case, languages in title
    case ("Urdu", "American Sign Language"), feed type codes as the feed wrote them."""
    value = value.strip()
    if kind == "language":
        return value.title()
    return value if kind == "type" else value.lower()


def _minutes(value: time | None) -> int | None:
    return value.hour * 60 + value.minute if value is not None else None


def _clock(minutes: int | None) -> time | None:
    return time(minutes // 60, minutes % 60) if minutes is not None else None


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def next_start(rules, now: datetime) -> tuple[int | None, str | None]:
    found = sched.next_meetings(rules, now, 1)
    if not found:
        return None, None
    start, _end, zone_name = found[0]
    return epoch(start), zone_name


def get_or_create_source(session: Session, name: str, kind: str, now: datetime) -> DirectorySource:
    source = session.scalar(select(DirectorySource).where(DirectorySource.name == name))
    if source is None:
        source = DirectorySource(name=name, kind=kind, created_at=now)
        session.add(source)
        session.flush()
    return source


def replace_source_groups(session: Session, source: DirectorySource, groups: list[GroupRecord], now: datetime) -> int:
    """Delete the source's groups and insert ``groups``: the caller's transaction makes it
    all or nothing. Returns how many groups the source had before."""
    before = session.scalar(select(func.count()).select_from(DirectoryGroup).where(DirectoryGroup.source_id == source.id)) or 0
    session.execute(delete(DirectoryGroup).where(DirectoryGroup.source_id == source.id))
    next_id = (session.scalar(select(func.max(DirectoryGroup.id))) or 0) + 1
    group_rows, rule_rows, tag_rows = [], [], []
    for offset, record in enumerate(groups):
        gid = next_id + offset
        start_utc, zone_name = next_start(record.schedule, now)
        loc, online, contact = record.location, record.online, record.contact
        group_rows.append({
            "id": gid, "source_id": source.id, "external_id": record.external_id,
            "uid": f"{source.name}/{record.external_id}", "name": record.name, "description": record.description,
            "notes": record.notes, "leadership": record.leadership,
            "facilitator_credentials": record.facilitator_credentials, "attendance": record.attendance,
            "cost": record.cost, "cost_note": record.cost_note, "typical_size": record.typical_size,
            "registration": record.registration, "confidentiality": record.confidentiality,
            "venue": loc.venue, "address": loc.address, "city": loc.city, "region": loc.region,
            "postal_code": loc.postal_code, "country": loc.country, "latitude": loc.latitude,
            "longitude": loc.longitude, "location_approximate": loc.approximate,
            "online_url": online.url, "online_phone": online.phone, "online_notes": online.notes,
            "contact_name": contact.name, "contact_email": contact.email, "contact_phone": contact.phone,
            "website": contact.website, "status": record.status, "last_verified": record.last_verified,
            "timezone_origin": record.timezone_origin, "next_start_utc": start_utc, "next_timezone": zone_name,
        })
        for rule in record.schedule:
            rule_rows.append({
                "group_id": gid, "kind": rule.kind, "weekday": rule.weekday, "interval_weeks": rule.interval_weeks,
                "ordinal": rule.ordinal, "start_minute": _minutes(rule.start), "end_minute": _minutes(rule.end),
                "timezone": rule.timezone, "anchor_date": rule.anchor_date, "starts_on": rule.starts_on,
                "ends_on": rule.ends_on, "note": rule.note,
            })
        for kind, values in (("topic", record.topics), ("audience", record.audience), ("language", record.languages),
                             ("accessibility", record.accessibility), ("type", record.type_codes)):
            for value in dict.fromkeys(tag_value(kind, v) for v in values):
                tag_rows.append({"group_id": gid, "kind": kind, "value": value[:120]})
    for table, rows in ((DirectoryGroup, group_rows), (DirectorySchedule, rule_rows), (DirectoryGroupTag, tag_rows)):
        for start in range(0, len(rows), 5000):
            if rows[start:start + 5000]:
                session.execute(insert(table), rows[start:start + 5000])
    return before


def _rule_from_row(row) -> ScheduleRule:
    return ScheduleRule(
        kind=row.kind, weekday=row.weekday, start=_clock(row.start_minute), end=_clock(row.end_minute),
        timezone=row.timezone, interval_weeks=row.interval_weeks, ordinal=row.ordinal,
        anchor_date=row.anchor_date, starts_on=row.starts_on, ends_on=row.ends_on, note=row.note,
    )


def rules_for(session: Session, group_ids) -> dict[int, list[ScheduleRule]]:
    found: dict[int, list[ScheduleRule]] = defaultdict(list)
    ids = list(group_ids)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(DirectorySchedule).where(DirectorySchedule.group_id.in_(ids[start:start + CHUNK])).order_by(DirectorySchedule.id)
        ).scalars()
        for row in rows:
            found[row.group_id].append(_rule_from_row(row))
    return found


def tags_for(session: Session, group_ids) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    ids = list(group_ids)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(DirectoryGroupTag.group_id, DirectoryGroupTag.kind, DirectoryGroupTag.value)
            .where(DirectoryGroupTag.group_id.in_(ids[start:start + CHUNK]))
            .order_by(DirectoryGroupTag.group_id, DirectoryGroupTag.kind, DirectoryGroupTag.value)
        )
        for group_id, kind, value in rows:
            found[group_id][kind].append(value)
    return found


def refresh_next_meetings(session: Session, now: datetime) -> int:
    """Recompute the stored next meeting of every group whose stored one has started.

    An index range scan finds them; between searches that is usually none or a few, and
    after a long time away at most every timed group once."""
    due = list(session.scalars(select(DirectoryGroup.id).where(DirectoryGroup.next_start_utc < epoch(now))))
    if not due:
        return 0
    rules = rules_for(session, due)
    updates = []
    for gid in due:
        start_utc, zone_name = next_start(rules.get(gid, []), now)
        updates.append({"gid": gid, "start": start_utc, "zone": zone_name})
    session.execute(
        text("UPDATE directory_group SET next_start_utc = :start, next_timezone = :zone WHERE id = :gid"), updates)
    return len(due)


def record_from_row(row: DirectoryGroup, rules: list[ScheduleRule], tags: dict[str, list[str]]) -> GroupRecord:
    return GroupRecord(
        external_id=row.external_id, name=row.name, description=row.description, notes=row.notes,
        topics=tuple(tags.get("topic", ())), audience=tuple(tags.get("audience", ())),
        leadership=row.leadership, facilitator_credentials=row.facilitator_credentials,
        attendance=row.attendance, schedule=tuple(rules),
        location=Location(venue=row.venue, address=row.address, city=row.city, region=row.region,
                          postal_code=row.postal_code, country=row.country, latitude=row.latitude,
                          longitude=row.longitude, approximate=row.location_approximate),
        online=OnlineAccess(url=row.online_url, phone=row.online_phone, notes=row.online_notes),
        cost=row.cost, cost_note=row.cost_note, typical_size=row.typical_size, registration=row.registration,
        confidentiality=row.confidentiality, languages=tuple(tags.get("language", ())),
        accessibility=tuple(tags.get("accessibility", ())),
        contact=Contact(name=row.contact_name, email=row.contact_email, phone=row.contact_phone, website=row.website),
        status=row.status, last_verified=row.last_verified, timezone_origin=row.timezone_origin,
        type_codes=tuple(tags.get("type", ())),
    )


def sources(session: Session) -> list[SourceInfo]:
    counts = dict(session.execute(select(DirectoryGroup.source_id, func.count()).group_by(DirectoryGroup.source_id)).all())
    result = []
    for source in session.scalars(select(DirectorySource).order_by(DirectorySource.name)):
        last = source.last_imported_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)  # SQLite keeps no offset; we always write UTC
        result.append(SourceInfo(source.name, source.kind, source.format, source.location, source.publisher,
                                 counts.get(source.id, 0), last))
    return result


def mark_imported(session: Session, source: DirectorySource, **fields) -> None:
    session.execute(update(DirectorySource).where(DirectorySource.id == source.id).values(**fields))
