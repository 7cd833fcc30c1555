"""A saved group's snapshot (plain JSON of its public details) as GroupDetails again, so a
group that is no longer listed can still be shown, with next meetings computed from the
rules it was saved with."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.calendar import rules_from_snapshot
from services.directory.model import Contact, GroupDetails, GroupRecord, Location, NextMeeting, OnlineAccess
from services.directory.schedule import describe_rule, next_meetings, zone


def _fields(cls, data) -> dict:
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in cls.__dataclass_fields__}


def _tuple(value) -> tuple:
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def upcoming(rules, person_zone: str | None, now: datetime, count: int = 3) -> tuple[NextMeeting, ...]:
    return tuple(
        NextMeeting(start=start, end=end, timezone=zone_name,
                    local_start=start.astimezone(zone(person_zone or zone_name)), local_timezone=person_zone or zone_name)
        for start, end, zone_name in next_meetings([r for r in rules if r.timezone], now, count)
    )


def details_from_snapshot(group_id: str, snapshot: dict, person_zone: str | None = None,
                          now: datetime | None = None) -> GroupDetails:
    now = now or datetime.now(UTC)
    rules = rules_from_snapshot(snapshot)
    verified = snapshot.get("last_verified")
    try:
        verified = date.fromisoformat(verified) if isinstance(verified, str) else None
    except ValueError:
        verified = None
    size = snapshot.get("typical_size")
    record = GroupRecord(
        external_id=str(snapshot.get("external_id") or group_id),
        name=str(snapshot.get("name") or group_id),
        description=snapshot.get("description") if isinstance(snapshot.get("description"), str) else None,
        notes=snapshot.get("notes") if isinstance(snapshot.get("notes"), str) else None,
        topics=_tuple(snapshot.get("topics")), audience=_tuple(snapshot.get("audience")),
        leadership=str(snapshot.get("leadership") or "unknown"),
        facilitator_credentials=snapshot.get("facilitator_credentials") if isinstance(snapshot.get("facilitator_credentials"), str) else None,
        attendance=str(snapshot.get("attendance") or "in_person"),
        schedule=rules,
        location=Location(**_fields(Location, snapshot.get("location"))),
        online=OnlineAccess(**_fields(OnlineAccess, snapshot.get("online"))),
        cost=str(snapshot.get("cost") or "unknown"),
        cost_note=snapshot.get("cost_note") if isinstance(snapshot.get("cost_note"), str) else None,
        typical_size=size if isinstance(size, int) else None,
        registration=str(snapshot.get("registration") or "unknown"),
        confidentiality=snapshot.get("confidentiality") if isinstance(snapshot.get("confidentiality"), str) else None,
        languages=_tuple(snapshot.get("languages")), accessibility=_tuple(snapshot.get("accessibility")),
        contact=Contact(**_fields(Contact, snapshot.get("contact"))),
        status=str(snapshot.get("status") or "active"),
        last_verified=verified,
    )
    return GroupDetails(id=group_id, source=str(snapshot.get("source") or ""), record=record,
                        next_meetings=upcoming(rules, person_zone, now),
                        schedule_text=tuple(describe_rule(r) for r in rules), timezone_note=None)
