"""Unsaved work, kept encrypted until it is saved or thrown away.

A half-written check-in, safety plan or note must survive leaving the screen, a reload and
a crash of the tab. Every draft lives in one encrypted record (kind ``draft``): one record,
so the store does not even show how many drafts there are or what they belong to (a
record id named after a group would say which group the person keeps).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from services.privacy.store import PrivateStore

KIND = "draft"
RECORD_ID = "drafts"
MAX_DRAFTS = 40  # the oldest go first; a person has a few at most
MAX_DRAFT_CHARS = 200_000  # a draft bigger than this is not kept (the form says so on save)


class DraftTooLarge(ValueError):
    def __init__(self) -> None:
        super().__init__("This is too long to keep as a draft. Save it, or shorten it.")


def _all(store: PrivateStore) -> dict[str, dict]:
    record = store.get(KIND, RECORD_ID)
    drafts = dict(record.payload.get("drafts", {})) if record else {}
    return {name: draft for name, draft in drafts.items() if isinstance(draft, dict)}


def load(store: PrivateStore, name: str) -> tuple[dict[str, Any], datetime] | None:
    """The draft called ``name`` and when it was last kept, or None."""
    draft = _all(store).get(name)
    if not draft or not isinstance(draft.get("fields"), dict):
        return None
    try:
        kept_at = datetime.fromisoformat(draft["kept_at"])
    except (KeyError, TypeError, ValueError):
        kept_at = datetime.now(UTC)
    return draft["fields"], kept_at


def keep(store: PrivateStore, name: str, fields: dict[str, Any]) -> None:
    """Keep (replace) the draft called ``name``. Empty fields throw it away."""
    if not any(value not in (None, "", [], (), {}) for value in fields.values()):
        discard(store, name)
        return
    if len(json.dumps(fields, ensure_ascii=False, default=str)) > MAX_DRAFT_CHARS:
        raise DraftTooLarge()
    drafts = _all(store)
    drafts.pop(name, None)
    drafts[name] = {"fields": fields, "kept_at": datetime.now(UTC).isoformat()}
    while len(drafts) > MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))  # insertion order: the least recently kept
    store.put(KIND, {"drafts": drafts}, record_id=RECORD_ID)


def discard(store: PrivateStore, name: str) -> None:
    drafts = _all(store)
    if name in drafts:
        del drafts[name]
        if drafts:
            store.put(KIND, {"drafts": drafts}, record_id=RECORD_ID)
        else:
            store.delete(KIND, RECORD_ID)


def names(store: PrivateStore) -> list[str]:
    return list(_all(store))
