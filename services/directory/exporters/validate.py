"""Checks of exported files against the formats' published schemas (see schemas/PROVENANCE.md).

Each check returns ``(errors, warnings)``: lists of plain sentences naming the record and the
field. An error means the file breaks the format; a warning means the published schema is
narrower than the format in practice (Meeting Guide's address patterns describe only US
addresses).
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from services.directory.exporters.hsds_datapackage import table_schemas

MEETING_GUIDE_SCHEMA = Path(__file__).resolve().parent / "schemas" / "meeting-guide.schema.json"
_US_ONLY_FIELDS = {"formatted_address", "address", "city", "state", "postal_code"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:\d{2})?$")


@lru_cache(maxsize=1)
def _meeting_guide_validator():
    from jsonschema import Draft7Validator

    schema = json.loads(MEETING_GUIDE_SCHEMA.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def meeting_guide(meetings) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    slugs: dict[str, int] = {}
    for error in _meeting_guide_validator().iter_errors(meetings):
        path = list(error.absolute_path)
        where = f"meeting {path[0] + 1}" if path and isinstance(path[0], int) else "the feed"
        field = str(path[1]) if len(path) > 1 else None
        name = meetings[path[0]].get("name") if path and isinstance(path[0], int) and isinstance(meetings[path[0]], dict) else None
        text = f"{where}{f' ({name!r})' if name else ''}{f', {field}' if field else ''}: {error.message}"
        (warnings if field in _US_ONLY_FIELDS and error.validator == "pattern" else errors).append(text)
    for index, meeting in enumerate(meetings if isinstance(meetings, list) else []):
        slug = meeting.get("slug") if isinstance(meeting, dict) else None
        if slug in slugs:
            errors.append(f"meeting {index + 1}: slug {slug!r} repeats meeting {slugs[slug] + 1}'s (slugs must be unique)")
        elif slug:
            slugs[slug] = index
    return errors, warnings


def _value_problem(field: dict, value: str) -> str | None:
    kind, fmt = field["type"], field.get("format")
    try:
        if kind == "number":
            float(value)
        elif kind == "date":
            date.fromisoformat(value)
        elif kind == "datetime":
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif kind == "time" and not _TIME.match(value):
            return f"{value!r} is not a time (HH:MM)"
    except ValueError:
        return f"{value!r} is not a {kind}"
    if fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return f"{value!r} is not a UUID"
    if fmt == "email" and not _EMAIL.match(value):
        return f"{value!r} is not an e-mail address"
    if fmt == "uri" and not _URI.match(value):
        return f"{value!r} is not a web address"
    if "enum" in field and value not in field["enum"]:
        return f"{value!r} is not one of {', '.join(field['enum'])}"
    return None


def hsds_datapackage(folder: Path) -> tuple[list[str], list[str]]:
    """The CSVs in ``folder`` against the HSDS 3.0 tables: header, required fields, types,
    formats, enums, unique ids, and every reference to another table's id."""
    folder = Path(folder)
    errors: list[str] = []
    descriptor_path = folder / "datapackage.json"
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [f"datapackage.json cannot be read: {error}"], []
    described = {r.get("path"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}
    ids: dict[str, set[str]] = {}
    loaded: dict[str, list[dict]] = {}
    for table in table_schemas():
        path = folder / table["path"]
        if not path.exists():
            continue
        expected = [f["name"] for f in table["fields"]]
        resource = described.get(table["path"])
        if resource is None:
            errors.append(f"datapackage.json does not describe {table['path']}")
        elif [f.get("name") for f in resource.get("schema", {}).get("fields", [])] != expected:
            errors.append(f"datapackage.json lists other fields for {table['path']} than HSDS 3.0 has")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != expected:
                errors.append(f"{table['path']}: the columns are not HSDS 3.0's {table['name']} fields in order")
                continue
            rows = list(reader)
        loaded[table["name"]] = rows
        fields = {f["name"]: f for f in table["fields"]}
        seen: set[str] = set()
        for number, row in enumerate(rows, start=2):  # line 1 is the header
            for name in table["required"]:
                if not (row.get(name) or "").strip():
                    errors.append(f"{table['path']} line {number}: {name} is required by HSDS 3.0 and is empty")
            for name, value in row.items():
                if value:
                    problem = _value_problem(fields[name], value)
                    if problem:
                        errors.append(f"{table['path']} line {number}: {name}: {problem}")
            if row.get("id") in seen:
                errors.append(f"{table['path']} line {number}: id {row['id']} is used twice")
            seen.add(row.get("id"))
        ids[table["name"]] = seen
    for table in table_schemas():
        for number, row in enumerate(loaded.get(table["name"], []), start=2):
            for field, target in table["foreignKeys"]:
                value = row.get(field)
                if value and value not in ids.get(target, set()):
                    errors.append(f"{table['path']} line {number}: {field} {value} is not an id in {target}")
    if "service" not in loaded:
        errors.append("services.csv is missing")
    return errors, []
