"""Groups as an Open Referral HSDS 3.0 tabular data package: ``datapackage.json`` plus one
CSV per table (organizations, services, locations, addresses, service_at_location,
schedules, phones, languages, accessibility), columns as the specification orders them.

Mapping, where HSDS has no field of its own for what Kindred knows:
- leadership, typical size, confidentiality and topics go into the service's ``description``
  (one labelled line each), credentials into ``accreditations``, audiences into
  ``eligibility_description``, registration into ``application_process``, cost into
  ``fees_description``;
- each schedule rule becomes a ``schedules`` row (WEEKLY with ``interval``, or MONTHLY with an
  ordinal ``byday`` such as ``2MO``); HSDS gives a time zone only as a UTC offset, which DST
  makes wrong half the year, so the IANA zone is written in the row's ``description`` and
  ``timezone`` is left empty (readers derive the zone from the location, as Kindred does);
- an in-person group gets a physical location with its address; an online one a virtual
  location with its link; a hybrid one its physical location, with the way to join online
  in that service_at_location's ``description`` (one place, so readers list it once).

Ids are UUIDs derived from the publisher's group ids (uuid5), so a re-export keeps them.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from services.directory.model import GroupRecord
from services.directory.schedule import describe_rule

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "hsds3-tables.json"
_NAMESPACE = uuid.UUID("6f1c8a52-3a1e-4f4b-9c55-5b0e2f6a7d10")
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LANGUAGE_CODES = {"English": "en", "Spanish": "es", "French": "fr", "German": "de", "Italian": "it", "Portuguese": "pt",
                   "Polish": "pl", "Russian": "ru", "Ukrainian": "uk", "Arabic": "ar", "Chinese": "zh", "Vietnamese": "vi",
                   "Korean": "ko", "Japanese": "ja", "Hindi": "hi", "Urdu": "ur", "Tagalog": "tl", "Persian": "fa",
                   "Dutch": "nl", "Danish": "da", "Swedish": "sv", "Greek": "el", "Turkish": "tr", "Hebrew": "he"}
_ATTENDING = {"in_person": "In person", "online": "Online", "hybrid": "In person or online"}
_STATUS = {"active": "active", "temporarily_closed": "temporarily closed", "inactive": "inactive"}
_COST = {"free": "Free", "donation": "By donation", "sliding_scale": "Sliding scale", "fee": "A fee"}
_REGISTRATION = {"drop_in": "Drop in: no sign-up needed.", "register": "Register before the first visit.",
                 "intake_call": "A short call with the organisers before the first visit."}
_LEADERSHIP = {"peer": "Peer-led", "professional": "Led by a professional", "co_facilitated": "Led by a peer and a professional"}


@lru_cache(maxsize=1)
def table_schemas() -> list[dict]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["tables"]


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def _label(key: str) -> str:
    return key.replace("_", " ")


def _service_description(record: GroupRecord) -> str:
    lines = [record.description or ""]
    if record.notes:
        lines.append(record.notes)
    if record.leadership in _LEADERSHIP:
        lines.append(_LEADERSHIP[record.leadership] + ".")
    if record.topics:
        lines.append("Topics: " + ", ".join(_label(t) for t in record.topics) + ".")
    if record.typical_size:
        lines.append(f"Typical size: about {record.typical_size} people.")
    if record.confidentiality:
        lines.append(f"Confidentiality: {record.confidentiality}")
    return "\n".join(line for line in lines if line).strip()


def _rule_row(rule, ids: dict, record: GroupRecord) -> dict:
    row = {"description": describe_rule(rule), "attending_type": _ATTENDING.get(record.attendance, ""), "notes": rule.note or ""}
    if rule.kind in ("weekly", "monthly") and rule.weekday is not None and rule.start is not None:
        code = _DAY_CODES[rule.weekday]
        row.update(
            freq="WEEKLY" if rule.kind == "weekly" else "MONTHLY",
            interval=str(rule.interval_weeks) if rule.kind == "weekly" else "1",
            byday=code if rule.kind == "weekly" else f"{rule.ordinal or 1}{code}",
            opens_at=f"{rule.start:%H:%M}", closes_at=f"{rule.end:%H:%M}" if rule.end else "",
            dtstart=(rule.anchor_date or rule.starts_on).isoformat() if (rule.anchor_date or rule.starts_on) else "",
            valid_from=rule.starts_on.isoformat() if rule.starts_on else "",
            valid_to=rule.ends_on.isoformat() if rule.ends_on else "",
        )
        if rule.timezone:
            row["description"] += f" — times are local to {rule.timezone}"
    return {**ids, **row}


def tables_for(items, publisher: str, publisher_description: str | None = None, website: str | None = None) -> dict[str, list[dict]]:
    """Rows per table (by table name) for ``items`` (objects with ``.id`` and ``.record``)."""
    org_id = _id("organization", publisher)
    rows: dict[str, list[dict]] = {t["name"]: [] for t in table_schemas()}
    rows["organization"].append({
        "id": org_id, "name": publisher, "website": website or "",
        "description": publisher_description or f"Support groups listed by {publisher}.",
    })
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for item in items:
        record: GroupRecord = item.record
        sid = _id("service", item.id)
        rows["service"].append({
            "id": sid, "organization_id": org_id, "name": record.name, "description": _service_description(record),
            "url": record.contact.website or "", "email": record.contact.email or "",
            "status": _STATUS.get(record.status, "active"),
            "application_process": _REGISTRATION.get(record.registration, ""),
            "accreditations": record.facilitator_credentials or "",
            "fees_description": " — ".join(p for p in (_COST.get(record.cost, ""), record.cost_note or "") if p),
            "eligibility_description": ("For: " + ", ".join(_label(a) for a in record.audience) + ".") if record.audience else "",
            "assured_date": record.last_verified.isoformat() if record.last_verified else "",
            "last_modified": now,
        })
        if record.contact.phone:
            rows["phone"].append({"id": _id("phone", item.id, "contact"), "service_id": sid, "number": record.contact.phone,
                                  "type": "voice", "description": "Contact"})
        for language in record.languages:
            rows["language"].append({"id": _id("language", item.id, language), "service_id": sid, "name": language,
                                     "code": _LANGUAGE_CODES.get(language, "")})
        locations = []  # (location id, service_at_location description)
        loc = record.location
        if record.attendance in ("in_person", "hybrid") and (loc.address or loc.venue or loc.city):
            lid = _id("location", item.id, "physical")
            rows["location"].append({
                "id": lid, "location_type": "physical", "organization_id": org_id, "name": loc.venue or record.name,
                "latitude": "" if loc.latitude is None else f"{loc.latitude:.6f}",
                "longitude": "" if loc.longitude is None else f"{loc.longitude:.6f}",
            })
            rows["address"].append({
                "id": _id("address", item.id), "location_id": lid, "address_1": loc.address or "", "city": loc.city or "",
                "state_province": loc.region or "", "postal_code": loc.postal_code or "", "country": loc.country or "",
                "address_type": "physical",
            })
            for feature in record.accessibility:
                rows["accessibility"].append({"id": _id("accessibility", item.id, feature), "location_id": lid,
                                              "description": _label(feature)})
            joining = " ".join(p for p in ("Also online:" if record.online.url or record.online.phone else "",
                                           record.online.url or "", record.online.phone or "") if p)
            locations.append((lid, joining if record.attendance == "hybrid" else ""))
        if record.attendance == "online" and (record.online.url or record.online.phone):
            vid = _id("location", item.id, "virtual")
            rows["location"].append({"id": vid, "location_type": "virtual", "organization_id": org_id,
                                     "url": record.online.url or "", "name": f"{record.name} (online)",
                                     "description": record.online.notes or ""})
            if record.online.phone:
                rows["phone"].append({"id": _id("phone", item.id, "dial-in"), "service_id": sid, "location_id": vid,
                                      "number": record.online.phone, "type": "voice", "description": "Dial in to join"})
            locations.append((vid, ""))
        sal_ids = []
        for lid, note in locations:
            sal = _id("service_at_location", item.id, lid)
            rows["service_at_location"].append({"id": sal, "service_id": sid, "location_id": lid, "description": note})
            sal_ids.append(sal)
        for n, rule in enumerate(record.schedule):
            # The schedule belongs to the service; tied to its first place when it has one.
            ids = {"id": _id("schedule", item.id, str(n)), "service_id": sid,
                   "service_at_location_id": sal_ids[0] if sal_ids else ""}
            rows["schedule"].append(_rule_row(rule, ids, record))
    return rows


def datapackage_descriptor(publisher: str) -> dict:
    resources = []
    for table in table_schemas():
        resources.append({
            "name": table["name"], "path": table["path"], "format": "csv", "mediatype": "text/csv",
            "profile": "tabular-data-resource",
            "schema": {
                "fields": [
                    {"name": f["name"], "type": f["type"],
                     **({"format": f["format"]} if "format" in f else {}),
                     "constraints": {"required": f["name"] in table["required"], **({"enum": f["enum"]} if "enum" in f else {})}}
                    for f in table["fields"]
                ],
                "primaryKey": "id",
                "foreignKeys": [{"fields": field, "reference": {"resource": target, "fields": "id"}}
                                for field, target in table["foreignKeys"]],
            },
        })
    return {"name": "hsds-" + "".join(c if c.isalnum() else "-" for c in publisher.lower()).strip("-")[:60],
            "title": f"{publisher}: support groups (HSDS 3.0)", "profile": "tabular-data-package",
            "version": "3.0", "resources": resources}


def write(items, folder: Path, publisher: str, publisher_description: str | None = None, website: str | None = None) -> int:
    """Write the data package into ``folder`` (created; its old CSVs replaced). Returns services written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = tables_for(items, publisher, publisher_description, website)
    for table in table_schemas():
        columns = [f["name"] for f in table["fields"]]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows[table["name"]]:
            writer.writerow({c: row.get(c, "") for c in columns})
        (folder / table["path"]).write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "datapackage.json").write_text(json.dumps(datapackage_descriptor(publisher), indent=1) + "\n", encoding="utf-8")
    return len(rows["service"])
