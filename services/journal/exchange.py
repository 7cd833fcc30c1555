"""Getting the journal out and back in: JSON (complete, re-importable), CSV (one row per
entry), and Daylio's CSV export.

Imports are all or nothing: the whole file is read and checked first, and only then
written in one go. A malformed file imports nothing and says why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from services.i18n import N_, _
from services.private_files import spreadsheet_safe
from services.journal import safety_plan as safety_plan_module
from services.journal.codec import entry_from_payload, entry_to_payload, make_entry
from services.journal.journal import Journal
from services.journal.model import DEFAULT_MOOD_LABELS, Entry, JournalError
from services.journal.selfcheck import score

FORMAT = "kindred-journal"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 50 * 1024 * 1024
CSV_COLUMNS = (
    "id", "date", "time", "utc_offset", "mood", "mood_label", "emotions", "energy", "anxiety", "sleep_hours",
    "tags", "strategies", "note", "group", "group_timing",
)
LIST_SEPARATOR = " | "
DAYLIO_COLUMNS = ("full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note")
DAYLIO_DEFAULT_MAP = {"rad": 5, "good": 4, "meh": 3, "bad": 2, "awful": 1}


@dataclass(frozen=True)
class ImportPlan:
    """What an import would write; nothing is written until ``apply``."""

    source: str  # "kindred" | "daylio"
    entries: list[Entry]
    own_strategies: list[dict]
    self_checks: list[dict]
    safety_plan: dict | None
    settings: dict | None
    mood_map: dict[str, int] | None = None

    def summary(self) -> str:
        parts = [f"{len(self.entries)} check-in{'s' if len(self.entries) != 1 else ''}"]
        if self.own_strategies:
            parts.append(f"{len(self.own_strategies)} of your own strategies")
        if self.self_checks:
            parts.append(f"{len(self.self_checks)} self-check{'s' if len(self.self_checks) != 1 else ''}")
        if self.safety_plan:
            parts.append("your safety plan")
        return ", ".join(parts)


# --- export ------------------------------------------------------------------------------
def export_json(journal: Journal) -> bytes:
    settings = journal.settings()
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": datetime.now().astimezone().isoformat(),
        "entries": [{"id": e.id, **entry_to_payload(e)} for e in reversed(journal.all_entries())],
        "own_strategies": [
            {"id": s.id, "name": s.name, "how_to": s.how_to, **({"learned_at": s.learned_at} if s.learned_at else {})}
            for s in journal.own_strategies()
        ],
        "self_checks": [{"id": record_id, **payload} for record_id, payload in journal.self_check_records()],
        "safety_plan": journal.safety_plan_payload(),
        "settings": {
            "mood_labels": {str(k): v for k, v in settings.mood_labels.items()},
            "favourites": list(settings.favourites),
            "reminder_time": settings.reminder_time,
            "time_zone": settings.time_zone,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


_csv_cell = spreadsheet_safe  # spreadsheets run cells that start like a formula


def export_csv(journal: Journal) -> bytes:
    labels = journal.settings().mood_labels
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in reversed(journal.all_entries()):
        offset = e.at.strftime("%z")
        text = _csv_cell
        writer.writerow(
            [
                e.id, e.at.date().isoformat(), e.at.strftime("%H:%M"), f"{offset[:3]}:{offset[3:]}" if offset else "",
                e.mood, text(labels.get(e.mood, DEFAULT_MOOD_LABELS[e.mood])), text(LIST_SEPARATOR.join(e.emotions)),
                e.energy, e.anxiety, e.sleep_hours, text(LIST_SEPARATOR.join(e.tags)),
                text(LIST_SEPARATOR.join(f"{s.name} ({s.helped})" if s.helped else s.name for s in e.strategies)),
                text(e.note), text(e.group), e.group_timing,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets then read UTF-8 correctly


# --- import ------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise JournalError(_("That file is larger than {n} MB; nothing was imported.").format(n=MAX_IMPORT_BYTES // (1024 * 1024)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JournalError(N_("That file is not UTF-8 text; nothing was imported.")) from None


def detect(data: bytes) -> str:
    """'kindred' for our JSON, 'daylio' for a Daylio CSV; else a clear error."""
    text = _decode(data).lstrip()
    if text.startswith("{"):
        return "kindred"
    first_line = text.splitlines()[0] if text else ""
    header = [c.strip().strip('"').lower() for c in first_line.split(",")]
    if tuple(header[: len(DAYLIO_COLUMNS)]) == DAYLIO_COLUMNS:
        return "daylio"
    raise JournalError(
        _("This doesn't look like a Kindred journal export (JSON) or a Daylio CSV export; nothing was imported.")
    )


def plan_kindred_json(data: bytes) -> ImportPlan:
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as error:
        raise JournalError(_("The file is not valid JSON (line {lineno}); nothing was imported.").format(lineno=error.lineno)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise JournalError(N_("This JSON file is not a Kindred journal export; nothing was imported."))
    if not isinstance(document.get("version"), int) or document["version"] > FORMAT_VERSION:
        raise JournalError(N_("This export comes from a newer Kindred; update Kindred first. Nothing was imported."))
    entries = []
    for number, item in enumerate(document.get("entries") or [], start=1):
        try:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                raise JournalError("it has no id")
            entries.append(entry_from_payload(item["id"][:64], item, validate=True))
        except (JournalError, TypeError, KeyError, AttributeError) as error:
            raise JournalError(_("Check-in number {number} in the file can't be read ({error}); nothing was imported.").format(number=number, error=error)) from None
    own = []
    for item in document.get("own_strategies") or []:
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise JournalError(N_("One of your own strategies in the file has no name; nothing was imported."))
        own.append(item)
    checks = []
    for item in document.get("self_checks") or []:
        try:
            score(item["questionnaire"], item["answers"], item.get("difficulty"))
            if datetime.fromisoformat(item["at"]).tzinfo is None:
                raise ValueError("no time zone")
        except (JournalError, KeyError, TypeError, ValueError):
            raise JournalError(N_("A self-check in the file can't be read; nothing was imported.")) from None
        checks.append(item)
    plan = document.get("safety_plan")
    if plan is not None and not isinstance(plan, dict):
        raise JournalError(N_("The safety plan in the file can't be read; nothing was imported."))
    settings = document.get("settings")
    return ImportPlan("kindred", entries, own, checks, plan, settings if isinstance(settings, dict) else None)


def daylio_moods(data: bytes) -> dict[str, int]:
    """The mood names in a Daylio export with how often each occurs (for the person to map)."""
    counts: dict[str, int] = {}
    for row in _daylio_rows(data):
        name = row["mood"].strip().lower()
        counts[name] = counts.get(name, 0) + 1
    return counts


def suggested_mood_map(names) -> dict[str, int]:
    return {name: DAYLIO_DEFAULT_MAP[name] for name in names if name in DAYLIO_DEFAULT_MAP}


def parse_mood_map(text: str) -> dict[str, int]:
    """``"rad=5,good=4"`` -> {"rad": 5, "good": 4}."""
    mapping = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.rpartition("=")
        if not sep or not name.strip() or value.strip() not in {"1", "2", "3", "4", "5"}:
            raise JournalError(_("Can't read {detail}: write the mood map as name=N with N from 1 to 5, e.g. rad=5,good=4.").format(detail=repr(part.strip())))
        mapping[name.strip().lower()] = int(value)
    return mapping


def _daylio_rows(data: bytes) -> list[dict]:
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    missing = [c for c in DAYLIO_COLUMNS if c not in fields]
    if missing:
        raise JournalError(_("This is not a Daylio CSV export (missing column {detail}); nothing was imported.").format(detail=repr(missing[0])))
    reader.fieldnames = fields
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(row.get(c) is None for c in DAYLIO_COLUMNS):
            raise JournalError(_("Line {number} of the file has the wrong number of columns; nothing was imported.").format(number=number))
        rows.append(row)
    return rows


def _daylio_time(text: str) -> time:
    text = text.strip().upper()
    for fmt in ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValueError(text)


def plan_daylio(data: bytes, mood_map: dict[str, int] | None, time_zone: str) -> ImportPlan:
    rows = _daylio_rows(data)
    names = {row["mood"].strip().lower() for row in rows}
    mapping = {**suggested_mood_map(names), **{k.lower(): v for k, v in (mood_map or {}).items()}}
    unmapped = sorted(name for name in names if name not in mapping)
    if unmapped:
        raise JournalError(
            "These Daylio moods need a number from 1 to 5 before importing: " + ", ".join(unmapped) + ". Nothing was imported."
        )
    zone = ZoneInfo(time_zone)
    entries = []
    for number, row in enumerate(rows, start=2):
        try:
            day = datetime.strptime(row["full_date"].strip(), "%Y-%m-%d").date()
            at = datetime.combine(day, _daylio_time(row["time"]), tzinfo=zone)
        except ValueError:
            raise JournalError(_("Line {number}: can't read the date or time; nothing was imported.").format(number=number)) from None
        activities = [a.strip() for a in row["activities"].split("|") if a.strip()]
        note = "\n".join(
            part.strip() for part in (row["note_title"], row["note"].replace("<br>", "\n").replace("<br/>", "\n")) if part.strip()
        )
        digest = hashlib.sha256(json.dumps([row[c] for c in DAYLIO_COLUMNS], ensure_ascii=False).encode()).hexdigest()
        try:
            entries.append(
                make_entry(id=f"daylio-{digest[:32]}", at=at, mood=mapping[row["mood"].strip().lower()], tags=activities, note=note)
            )
        except JournalError as error:
            raise JournalError(_("Line {number}: {error} Nothing was imported.").format(number=number, error=error)) from None
    return ImportPlan("daylio", entries, [], [], None, None, mood_map=dict(sorted(mapping.items(), key=lambda kv: -kv[1])))


def plan_import(data: bytes, mood_map: dict[str, int] | None = None, time_zone: str = "UTC") -> ImportPlan:
    source = detect(data)
    return plan_kindred_json(data) if source == "kindred" else plan_daylio(data, mood_map, time_zone)


def apply(journal: Journal, plan: ImportPlan) -> int:
    """Write what the plan holds. Entries with the same id are replaced, so importing the
    same file twice does not duplicate anything."""
    count = journal.save_many(plan.entries) if plan.entries else 0
    for item in plan.own_strategies:
        journal.add_own_strategy(item["name"], item.get("how_to", ""), item.get("learned_at"), strategy_id=item.get("id"))
    for item in plan.self_checks:
        payload = {k: item[k] for k in ("questionnaire", "answers", "difficulty") if k in item}
        journal.save_self_check(payload, at=datetime.fromisoformat(item["at"]), record_id=item.get("id"))
    if plan.safety_plan and journal.safety_plan_payload() is None:
        safety_plan_module.save(journal, plan.safety_plan.get("steps") or {}, plan.safety_plan.get("reason_for_living", ""))
    if plan.settings and plan.source == "kindred":
        current = journal.settings()
        labels = {int(k): v for k, v in (plan.settings.get("mood_labels") or {}).items() if str(k) in {"1", "2", "3", "4", "5"}}
        journal.save_settings(
            replace(
                current,
                mood_labels={**current.mood_labels, **labels},
                favourites=tuple(dict.fromkeys([*current.favourites, *(plan.settings.get("favourites") or [])])),
            )
        )
    return count
