"""Bounds every imported group must keep, whatever importer read it.

A feed is untrusted: a 20 MB name, a group size of 10^30 or a start date in the year 9999
would be stored and then break search, export or the next-meeting arithmetic. A group
outside these bounds is skipped with the reason; the rest of the feed imports.
"""

from __future__ import annotations

import math
from datetime import date

from services.directory.importers.common import refuse_if_mostly_bad
from services.directory.model import GroupRecord, ParsedFeed, SkippedRecord

MAX_ID = 200
MAX_NAME = 300
MAX_TEXT = 5_000  # descriptions, notes, addresses, URLs …
MAX_LIST_ITEMS = 100
MAX_LIST_ITEM = 200
MAX_RULES = 50
MAX_TYPICAL_SIZE = 10_000
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _values(part) -> list[tuple[str, object]]:
    """(name, value) of a dataclass's fields. Not ``vars(part)``: that makes every instance
    keep a dict of its own from then on (18 MB over 100,000 groups; issue #14)."""
    names = _FIELD_NAMES.get(type(part))
    if names is None:
        from dataclasses import fields

        names = _FIELD_NAMES[type(part)] = tuple(f.name for f in fields(part))
    return [(name, getattr(part, name)) for name in names]


def _text_fields(group: GroupRecord):
    yield "name", group.name, MAX_NAME
    yield "id", group.external_id, MAX_ID
    for label, value in (
        ("description", group.description), ("notes", group.notes), ("credentials", group.facilitator_credentials),
        ("cost note", group.cost_note), ("confidentiality", group.confidentiality),
    ):
        yield label, value, MAX_TEXT
    for part, prefix in ((group.location, "location"), (group.online, "online"), (group.contact, "contact")):
        for key, value in _values(part):
            if isinstance(value, str):
                yield f"{prefix} {key}", value, MAX_TEXT
    for rule in group.schedule:
        yield "schedule note", rule.note, MAX_TEXT


def _texts_within(group: GroupRecord) -> bool:
    """The check of ``_text_fields`` without naming the field: the common case, run for
    every group of a 100,000-group feed, without a generator."""
    for value, limit in ((group.name, MAX_NAME), (group.external_id, MAX_ID)):
        if value is not None and len(value) > limit:
            return False
    for value in (group.description, group.notes, group.facilitator_credentials, group.cost_note, group.confidentiality):
        if value is not None and len(value) > MAX_TEXT:
            return False
    for part in (group.location, group.online, group.contact):
        for value in _plain_values(part):
            if isinstance(value, str) and len(value) > MAX_TEXT:
                return False
    for rule in group.schedule:
        if rule.note is not None and len(rule.note) > MAX_TEXT:
            return False
    return True


_GETTERS: dict[type, object] = {}


def _plain_values(part) -> tuple:
    """The values of ``_values(part)`` alone, read by one C call."""
    getter = _GETTERS.get(type(part))
    if getter is None:
        import operator

        names = [name for name, _ in _values(part)]
        getter = _GETTERS[type(part)] = (operator.attrgetter(*names) if len(names) > 1
                                         else (lambda item, name=names[0]: (getattr(item, name),)))
    return getter(part)


def problem(group: GroupRecord) -> str | None:
    """Why ``group`` cannot be stored, in plain words; None when it is within bounds."""
    if not _texts_within(group):
        for label, value, limit in _text_fields(group):
            if value is not None and len(value) > limit:
                return f"{label} is {len(value):,} characters long (at most {limit:,})"
    for label, values in (("topics", group.topics), ("audience", group.audience), ("languages", group.languages),
                          ("accessibility", group.accessibility), ("type codes", group.type_codes)):
        if len(values) > MAX_LIST_ITEMS:
            return f"{label} has {len(values):,} entries (at most {MAX_LIST_ITEMS})"
        for v in values:
            if not isinstance(v, str) or len(v) > MAX_LIST_ITEM:
                return f"{label} has an entry that is not short text (at most {MAX_LIST_ITEM} characters)"
    if len(group.schedule) > MAX_RULES:
        return f"the schedule has {len(group.schedule):,} rules (at most {MAX_RULES})"
    size = group.typical_size
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_TYPICAL_SIZE):
        shown = f"{size:.3g}" if isinstance(size, (int, float)) and not isinstance(size, bool) else repr(size)[:40]
        return f"typical_size {shown} is not a plausible group size (1 to {MAX_TYPICAL_SIZE:,})"
    for value in (group.location.latitude, group.location.longitude):
        if value is not None and (not isinstance(value, (int, float)) or not math.isfinite(value)):
            return f"coordinate {value!r} is not a number"
    dates = [("last_verified", group.last_verified)]
    for rule in group.schedule:
        dates += [("anchor_date", rule.anchor_date), ("starts_on", rule.starts_on), ("ends_on", rule.ends_on)]
        if rule.interval_weeks is not None and not (isinstance(rule.interval_weeks, int) and 1 <= rule.interval_weeks <= 52):
            return f"every {rule.interval_weeks!r} weeks is not between 1 and 52"
    for label, value in dates:
        if value is not None and not EARLIEST <= value <= LATEST:
            return f"{label} {value.isoformat()} is outside the years {EARLIEST.year}–{LATEST.year}"
    return None


def apply(feed: ParsedFeed, name: str) -> None:
    """Skip groups outside the bounds (with the reason); refuse a feed that is mostly bad."""
    kept = []
    for group in feed.groups:
        reason = problem(group)
        if reason is None:
            kept.append(group)
        else:
            feed.skipped.append(SkippedRecord(f"group {group.external_id[:60]!r} ({group.name[:60]!r})", reason))
    feed.groups[:] = kept
    refuse_if_mostly_bad(feed.bad_records, feed.bad_records + len(kept), name)
