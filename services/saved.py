"""Saved groups: the directory groups a person keeps, with private notes and an
attendance log. Everything here is private and goes through the encrypted store.

A saved group refers to a directory group by its id (``"source/id"``, as the directory
shows it) and keeps a snapshot of the public details it was saved with, so it survives a
re-import or the removal of its source; it is then shown as "no longer listed". The record id is random, never derived
from the group id: a plain row id made from a public group id would tell anyone holding
the file which groups the person saved.

The directory plugs in through ``is_listed(group_id) -> bool`` (or a set of listed ids);
``listing_checker(services)`` finds it on ``services.directory`` when that exists.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from services.i18n import N_, _
from services.private_files import spreadsheet_safe
from services.privacy.store import PrivateStore

KIND = "saved_group"
MAX_NOTE_CHARS = 20_000

Listed = Callable[[str], bool] | Collection[str] | None


class SavedGroupError(Exception):
    """A message for the person."""


@dataclass(frozen=True)
class SavedGroup:
    record_id: str
    group_id: str
    name: str
    details: dict[str, Any]
    note: str
    attended: list[str]  # ISO dates, oldest first
    saved_at: datetime
    listed: bool | None  # None: unknown (no directory to ask)

    @property
    def status(self) -> str:
        if self.listed is None:
            return "unknown"
        return "listed" if self.listed else "no longer listed"

    def as_json(self) -> dict:
        data = asdict(self)
        data["saved_at"] = self.saved_at.isoformat()
        data["status"] = self.status
        return data


def _clean_group_id(group_id: str) -> str:
    group_id = (group_id or "").strip()
    if not group_id:
        raise SavedGroupError(N_("A group id is needed (it looks like source/id, e.g. bundled/dbsa-support-groups)."))
    if len(group_id) > 500:
        raise SavedGroupError(N_("That group id is too long."))
    return group_id


def _clean_note(note: str) -> str:
    if len(note) > MAX_NOTE_CHARS:
        raise SavedGroupError(_("A note can be at most {n} characters.").format(n=MAX_NOTE_CHARS))
    return note


def _as_checker(listed: Listed) -> Callable[[str], bool] | None:
    if listed is None:
        return None
    if callable(listed):
        return listed
    ids = set(listed)
    return ids.__contains__


def listing_checker(services) -> Callable[[str], bool] | None:
    """``is_listed`` from the directory service, when there is one (it is built later)."""
    directory = getattr(services, "directory", None)
    if directory is None:
        return None
    for name in ("is_listed", "has_group"):
        method = getattr(directory, name, None)
        if callable(method):
            return lambda group_id, method=method: bool(method(group_id))
    for name in ("get_group", "get"):
        method = getattr(directory, name, None)
        if callable(method):
            return lambda group_id, method=method: method(group_id) is not None
    return None


def _iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def group_snapshot(services, group_id: str) -> dict[str, Any] | None:
    """Public details of a listed group from the directory, when it can say."""
    directory = getattr(services, "directory", None)
    method = getattr(directory, "get_group", None) if directory is not None else None
    if not callable(method):
        return None
    group = method(group_id)
    if group is None:
        return None
    if isinstance(group, dict):
        return group
    if hasattr(group, "__dataclass_fields__"):
        # A JSON round trip keeps every public detail (dates and instants as ISO 8601), so
        # the group can still be shown after its source stops listing it.
        details = asdict(group)
        record = details.pop("record", None)
        flat = {**(record or {}), **details}  # GroupDetails: the record's fields at the top
        return json.loads(json.dumps(flat, default=_iso))
    return {"name": getattr(group, "name", group_id)}


class SavedList(list):
    """Saved groups, plus how many saved-group records did not decrypt and were left out."""

    def __init__(self, items=(), left_out: int = 0):
        super().__init__(items)
        self.left_out = left_out


class SavedGroups:
    """Saved groups over one unlocked private store."""

    def __init__(self, store: PrivateStore):
        self._store = store

    def _find(self, group_id: str):
        for record in self._store.list(KIND, newest_first=False):
            if record.payload.get("group_id") == group_id:
                return record
        return None

    def _view(self, record, checker: Callable[[str], bool] | None) -> SavedGroup:
        payload = record.payload
        listed: bool | None = None
        if checker is not None:
            listed = bool(checker(payload["group_id"]))
        elif "listed" in payload:
            listed = payload["listed"]
        snapshot = payload.get("snapshot") or {}
        return SavedGroup(
            record_id=record.id,
            group_id=payload["group_id"],
            name=str(snapshot.get("name") or payload["group_id"]),
            details=snapshot,
            note=payload.get("note", ""),
            attended=sorted(payload.get("attended", [])),
            saved_at=record.occurred_at,
            listed=listed,
        )

    def save(self, group_id: str, snapshot: dict[str, Any] | None = None, note: str | None = None) -> SavedGroup:
        """Save a group (or refresh its snapshot if already saved). Keeps notes and attendance."""
        group_id = _clean_group_id(group_id)
        existing = self._find(group_id)
        payload = dict(existing.payload) if existing else {"group_id": group_id, "note": "", "attended": []}
        if snapshot:
            payload["snapshot"] = snapshot
            payload["listed"] = True
        if note is not None:
            payload["note"] = _clean_note(note)
        record = self._store.put(KIND, payload, record_id=existing.id if existing else None)
        return self._view(record, None)

    def unsave(self, group_id: str) -> bool:
        existing = self._find(_clean_group_id(group_id))
        return bool(existing) and self._store.delete(KIND, existing.id)

    def _require(self, group_id: str):
        existing = self._find(_clean_group_id(group_id))
        if existing is None:
            raise SavedGroupError(_("{group_id} is not one of your saved groups. Save it first.").format(group_id=group_id))
        return existing

    def set_note(self, group_id: str, note: str) -> SavedGroup:
        existing = self._require(group_id)
        payload = {**existing.payload, "note": _clean_note(note)}
        return self._view(self._store.put(KIND, payload, record_id=existing.id), None)

    def mark_attended(self, group_id: str, on: date | None = None) -> SavedGroup:
        """Log "I went" for a day (default today). Logging the same day twice keeps one."""
        existing = self._require(group_id)
        day = (on or date.today()).isoformat()
        attended = sorted(set(existing.payload.get("attended", [])) | {day})
        payload = {**existing.payload, "attended": attended}
        return self._view(self._store.put(KIND, payload, record_id=existing.id), None)

    def remove_attendance(self, group_id: str, on: date) -> SavedGroup:
        existing = self._require(group_id)
        attended = [d for d in existing.payload.get("attended", []) if d != on.isoformat()]
        return self._view(self._store.put(KIND, {**existing.payload, "attended": attended}, record_id=existing.id), None)

    def get(self, group_id: str, listed: Listed = None) -> SavedGroup | None:
        record = self._find(_clean_group_id(group_id))
        return self._view(record, _as_checker(listed)) if record else None

    def list(self, listed: Listed = None) -> SavedList:
        """Saved groups, newest saved first. ``listed`` is the directory's answer (a
        callable or a set of listed ids); without it, the state kept with the group is
        used. ``left_out`` counts saved groups that do not decrypt."""
        checker = _as_checker(listed)
        records = self._store.list(KIND, newest_first=True)
        return SavedList([self._view(r, checker) for r in records], left_out=records.left_out)


# --- plain exports (asked for with the passphrase again; see cli and views) -------------
EXPORT_FIELDS = ["group_id", "name", "status", "note", "attended", "saved_at"]


def export_json(groups: list[SavedGroup]) -> str:
    return json.dumps([g.as_json() for g in groups], ensure_ascii=False, indent=2)


def export_csv(groups: list[SavedGroup]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for group in groups:
        row = {
            "group_id": group.group_id,
            "name": group.name,
            "status": group.status,
            "note": group.note,
            "attended": " ".join(group.attended),
            "saved_at": group.saved_at.isoformat(),
        }
        # Names come from feeds and notes from the person: neither may run as a formula.
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return buffer.getvalue()
