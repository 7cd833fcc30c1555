"""Entries to and from the payloads kept (encrypted) in the private store, with validation."""

from __future__ import annotations

import math
from datetime import datetime

from services.i18n import N_
from services.journal.model import (
    GROUP_TIMINGS,
    HELPED_LEVELS,
    MAX_NOTE_CHARS,
    MAX_SHORT_TEXT,
    MAX_STRATEGIES,
    MAX_TAGS,
    MOODS,
    Entry,
    JournalError,
    StrategyUse,
    search_text_for,
)

PAYLOAD_VERSION = 1


def _short(value, what: str) -> str:
    text = " ".join(str(value).split())
    if not text:
        raise JournalError(f"An empty {what} can't be saved.")
    if len(text) > MAX_SHORT_TEXT:
        raise JournalError(f"A {what} can be at most {MAX_SHORT_TEXT} characters.")
    return text


def _scale(value, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        raise JournalError(f"{what.capitalize()} is a number from 1 to 5.") from None
    if number not in MOODS:
        raise JournalError(f"{what.capitalize()} is a number from 1 to 5.")
    return number


def clean_tags(tags) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags or ():
        text = _short(tag, "tag") if str(tag).strip() else None
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    if len(seen) > MAX_TAGS:
        raise JournalError(f"An entry can have at most {MAX_TAGS} tags.")
    return tuple(seen.values())


def make_entry(
    *,
    id: str,
    at: datetime,
    mood,
    emotions=(),
    energy=None,
    anxiety=None,
    sleep_hours=None,
    tags=(),
    strategies=(),
    note: str | None = "",
    group: str | None = None,
    group_timing: str | None = None,
) -> Entry:
    """Validate everything a check-in may hold; raise JournalError with a plain message."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise JournalError(N_("A check-in needs a date and time with a time zone."))
    if isinstance(mood, bool) or mood not in MOODS:
        raise JournalError(N_("Choose a mood from 1 to 5."))
    emotion_list = []
    for emotion in emotions or ():
        text = _short(emotion, "feeling").lower()
        if text not in emotion_list:
            emotion_list.append(text)
    sleep = None
    if sleep_hours not in (None, ""):
        try:
            sleep = float(sleep_hours)
        except (TypeError, ValueError):
            raise JournalError(N_("Hours slept is a number, like 7 or 6.5.")) from None
        if math.isnan(sleep) or not 0 <= sleep <= 24:
            raise JournalError(N_("Hours slept is between 0 and 24."))
        sleep = round(sleep, 2)
    uses: list[StrategyUse] = []
    for use in strategies or ():
        if isinstance(use, StrategyUse):
            name, helped = use.name, use.helped
        elif isinstance(use, dict):
            name, helped = use.get("name"), use.get("helped")
        else:
            name, helped = use, None
        name = _short(name or "", "coping strategy name")
        if helped is not None and helped not in HELPED_LEVELS:
            raise JournalError(f"\"Did it help?\" is one of: {', '.join(HELPED_LEVELS)}.")
        if all(existing.name.casefold() != name.casefold() for existing in uses):
            uses.append(StrategyUse(name, helped))
    if len(uses) > MAX_STRATEGIES:
        raise JournalError(f"An entry can list at most {MAX_STRATEGIES} strategies.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise JournalError(
            f"This note is {len(note):,} characters; a note can hold up to {MAX_NOTE_CHARS:,}. "
            "Nothing was saved; shorten it or split it over two check-ins."
        )
    group = _short(group, "group") if group not in (None, "") and str(group).strip() else None
    if group_timing not in (None, "") and group_timing not in GROUP_TIMINGS:
        raise JournalError(N_("A meeting link is \"before\" or \"after\" the meeting."))
    return Entry(
        id=id,
        at=at,
        mood=int(mood),
        emotions=tuple(emotion_list),
        energy=_scale(energy, "energy"),
        anxiety=_scale(anxiety, "anxiety"),
        sleep_hours=sleep,
        tags=clean_tags(tags),
        strategies=tuple(uses),
        note=note,
        group=group,
        group_timing=(group_timing or None) if group else None,
    ).with_search_text()


def entry_to_payload(entry: Entry) -> dict:
    payload = {"v": PAYLOAD_VERSION, "at": entry.at.isoformat(), "mood": entry.mood}
    if entry.emotions:
        payload["emotions"] = list(entry.emotions)
    for key in ("energy", "anxiety", "sleep_hours", "group", "group_timing"):
        value = getattr(entry, key)
        if value is not None:
            payload[key] = value
    if entry.tags:
        payload["tags"] = list(entry.tags)
    if entry.strategies:
        payload["strategies"] = [{"name": s.name, "helped": s.helped} for s in entry.strategies]
    if entry.note:
        payload["note"] = entry.note
    return payload


def entry_from_payload(record_id: str, payload: dict, validate: bool = False) -> Entry:
    """Payloads written by us are trusted (they were validated when written); imports validate."""
    try:
        at = datetime.fromisoformat(payload["at"])
    except (KeyError, TypeError, ValueError):
        raise JournalError("an entry has no valid date and time") from None
    if validate:
        return make_entry(
            id=record_id,
            at=at,
            mood=payload.get("mood"),
            emotions=payload.get("emotions") or (),
            energy=payload.get("energy"),
            anxiety=payload.get("anxiety"),
            sleep_hours=payload.get("sleep_hours"),
            tags=payload.get("tags") or (),
            strategies=payload.get("strategies") or (),
            note=payload.get("note") or "",
            group=payload.get("group"),
            group_timing=payload.get("group_timing"),
        )
    tags = tuple(payload.get("tags", ()))
    strategies = tuple(StrategyUse(s["name"], s.get("helped")) for s in payload.get("strategies", ()))
    emotions = tuple(payload.get("emotions", ()))
    note = payload.get("note", "")
    group = payload.get("group")
    return Entry(
        id=record_id,
        at=at,
        mood=payload["mood"],
        emotions=emotions,
        energy=payload.get("energy"),
        anxiety=payload.get("anxiety"),
        sleep_hours=payload.get("sleep_hours"),
        tags=tags,
        strategies=strategies,
        note=note,
        group=group,
        group_timing=payload.get("group_timing"),
        search_text=search_text_for(note, tags, strategies, emotions, group),
    )
