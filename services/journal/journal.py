"""The journal of one unlocked session: check-ins, the person's own strategies, settings,
self-checks and the safety plan, all through the private store (encrypted).

Decrypting every entry is the slow part (AES-GCM and JSON per record), so a ``Journal``
keeps the decrypted entries of its session in memory once something needs all of them
(search, filters, insights) and updates that cache on every write it makes. The cache
lives exactly as long as the session's unlocked store, and is dropped when it is locked.
"""

from __future__ import annotations

import bisect
import logging
import threading
import uuid
import weakref
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from services.i18n import N_
from services.journal.insights import Insights, Summary, from_summary, summarize
from services.journal.codec import entry_from_payload, entry_to_payload, make_entry
from services.journal.model import (
    ENTRY_KIND,
    SAFETY_PLAN_ID,
    SAFETY_PLAN_KIND,
    SELF_CHECK_KIND,
    SETTINGS_ID,
    SETTINGS_KIND,
    STRATEGY_KIND,
    DEFAULT_MOOD_LABELS,
    Entry,
    JournalError,
    JournalSettings,
)
from services.privacy import LockedError, PrivateStore
from services.privacy.store import WriteStamp
from services.storage import collector_paused

log = logging.getLogger(__name__)

PAGE_SIZE = 30
SUMMARY_NAME = "journal_insights"  # the sealed Summary of every check-in (services.journal.insights)
LOW_MOOD = 1  # "very low"
LOW_RUN_LENGTH = 3
LOW_RUN_WINDOW = timedelta(days=7)


def now_local() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class TimelineQuery:
    text: str = ""
    mood: int | None = None
    tag: str | None = None
    strategy: str | None = None
    group: str | None = None
    on_or_before: date | None = None  # "jump to a date"

    @property
    def is_empty(self) -> bool:
        return self == TimelineQuery()

    def matches(self, entry: Entry) -> bool:
        if self.mood is not None and entry.mood != self.mood:
            return False
        if self.tag and all(t.casefold() != self.tag.casefold() for t in entry.tags):
            return False
        if self.strategy and all(s.name.casefold() != self.strategy.casefold() for s in entry.strategies):
            return False
        if self.group and (entry.group or "").casefold() != self.group.casefold():
            return False
        if self.text:
            return all(word in entry.search_text for word in self.text.casefold().split())
        return True


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    total: int  # matching entries in all
    offset: int
    left_out: int = 0  # check-ins that do not decrypt, skipped (see PrivateStore.integrity_report)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.entries) < self.total


@dataclass(frozen=True)
class OwnStrategy:
    id: str
    name: str
    how_to: str = ""
    learned_at: str | None = None  # a saved group's id or name


_journals: "weakref.WeakKeyDictionary[PrivateStore, Journal]" = weakref.WeakKeyDictionary()
_journals_lock = threading.Lock()


class Journal:
    def __init__(self, store: PrivateStore):
        self._store = store
        self._lock = threading.RLock()
        self._entries: list[Entry] | None = None  # newest first, while cached
        self._keys: list[tuple] = []  # sort keys matching _entries, for bisect
        self._store_ref = None
        self._left_out = 0
        # The check-ins' generation (PrivateStore.generation) the cache is known to match,
        # or None when that is not known (then the cache is not trusted for a summary).
        self._cache_generation: int | None = None

    @classmethod
    def for_store(cls, store: PrivateStore) -> "Journal":
        """The one Journal of a session's unlocked store (its cache is shared by that session only)."""
        with _journals_lock:
            journal = _journals.get(store)
            if journal is None:
                # A weak proxy: the registry must not keep a locked-and-dropped store alive.
                journal = _journals[store] = cls(weakref.proxy(store))
                journal._store_ref = weakref.ref(store)
            return journal

    @property
    def store(self) -> PrivateStore:
        return self._store_ref() if self._store_ref is not None else self._store

    # --- the cache --------------------------------------------------------------------
    # Kept oldest first by (instant, id) so that bisect can place a new entry; read newest
    # first, which is exactly the store's order (occurred_at desc, id desc).
    @staticmethod
    def _sort_key(entry: Entry) -> tuple:
        return (entry.at.timestamp(), entry.id)

    def _cached(self) -> list[Entry]:
        """Every entry, newest first. Call with the lock held."""
        if self._store.is_locked:
            self._forget_cache()
        if self._entries is not None:
            try:
                self._store.check_current()  # a stale window must not read, even from memory
            except LockedError:
                self._forget_cache()
                raise
        if self._entries is None:
            records = self._store.list(ENTRY_KIND, newest_first=False)
            with collector_paused():
                self._entries = [entry_from_payload(r.id, r.payload) for r in records]
            self._keys = [self._sort_key(e) for e in self._entries]
            self._left_out = records.left_out
            self._cache_generation = records.generation
        return self._entries[::-1]

    def _forget_cache(self) -> None:
        self._entries = None
        self._keys = []
        self._cache_generation = None

    def _track(self, stamp: WriteStamp) -> None:
        """After a write of ours: the cache (updated with it) still matches the store only if
        nobody else wrote check-ins since the cache last matched. With unreadable check-ins
        left out, a write may have replaced one (the count is then off): not trusted either."""
        if self._cache_generation is not None and stamp.before == self._cache_generation and not self._left_out:
            self._cache_generation = stamp.after
        else:
            self._cache_generation = None

    # --- insights and their sealed summary ------------------------------------------------
    # Insights need every check-in; decrypting 20,000 of them is most of a second. The
    # ``Summary`` they are computed from is kept sealed in the store (``private_summary``)
    # with the check-ins' generation it was built from. SQLite triggers change that
    # generation on every write of a check-in, by any path (app, import, restore, device
    # sync, delete-all, set aside), so a summary is used only while nothing has changed
    # since it was built; otherwise insights come from the check-ins, as before, and the
    # summary is written again.
    def insights(self, today: date | None = None) -> Insights:
        """What the check-ins say (``services.journal.insights``), with ``left_out`` set."""
        # The stored summary is read without the lock: a background warm_cache holding it
        # for a whole decrypt must not make Insights wait.
        summary, generation = self._stored_summary()
        if summary is not None:
            try:
                return from_summary(summary, today)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
                log.warning("the journal's insights summary did not fit; computing from the check-ins")
        with self._lock:
            return from_summary(self._fresh_summary(generation), today)

    def _stored_summary(self) -> tuple[Summary | None, int]:
        payload, generation = self._store.read_summary(SUMMARY_NAME, ENTRY_KIND)
        if payload is None:
            return None, generation
        try:
            return Summary.from_dict(payload), generation
        except ValueError:
            return None, generation  # another version, or not a summary: rebuilt below

    def _fresh_summary(self, generation: int) -> Summary:
        """Call with the lock held: a summary from the check-ins, kept sealed when its
        generation is known. ``generation``: the current one, as just read."""
        if self._entries is not None and self._cache_generation != generation:
            self._forget_cache()  # someone else wrote check-ins: read them all again
        entries = self._cached()
        summary = summarize(entries, self._left_out)
        self._keep_summary(summary)
        return summary

    def _keep_summary(self, summary: Summary) -> None:
        # Only a summary of a cache known to match the store is kept.
        if self._cache_generation is None:
            return
        try:
            self._store.write_summary(SUMMARY_NAME, ENTRY_KIND, self._cache_generation, summary.to_dict())
        except LockedError:
            raise
        except Exception:  # noqa: BLE001 - a summary is a shortcut; failing to keep one loses nothing
            log.warning("the journal's insights summary could not be kept", exc_info=False)

    def refresh_summary(self) -> bool:
        """Keep an up-to-date summary if the cache can make one without reading the store
        (before locking: the next unlock then shows Insights at once). Never raises."""
        if not self._lock.acquire(blocking=False):
            return False  # a decrypt in the background holds it: locking must not wait for that
        try:
            if self._entries is None or self._store.is_locked or self._cache_generation is None:
                return False
            kept, generation = self._store.summary_generations(SUMMARY_NAME, ENTRY_KIND)
            if kept == generation or generation != self._cache_generation:
                return False  # the kept one is current, or the cache is not
            self._keep_summary(summarize(self._cached(), self._left_out))
            return True
        except Exception:  # noqa: BLE001 - locking must go on whatever happens here
            return False
        finally:
            self._lock.release()

    @property
    def left_out(self) -> int:
        """Check-ins that did not decrypt at the last full read, and were skipped."""
        return self._left_out

    def _cache_remove(self, entry_id: str) -> None:
        if self._entries is None:
            return
        for index in range(len(self._entries) - 1, -1, -1):
            if self._entries[index].id == entry_id:
                del self._entries[index]
                del self._keys[index]
                return

    def _cache_insert(self, entry: Entry) -> None:
        if self._entries is None:
            return
        self._cache_remove(entry.id)
        key = self._sort_key(entry)
        index = bisect.bisect_left(self._keys, key)
        self._entries.insert(index, entry)
        self._keys.insert(index, key)

    def warm_cache(self) -> None:
        """Decrypt every entry now (in a worker thread), so that search and insights are quick
        later; and keep the insights summary up to date while everything is at hand."""
        with self._lock:
            self._cached()
            self.refresh_summary()

    def drop_cache(self) -> None:
        with self._lock:
            self._forget_cache()

    # --- entries ----------------------------------------------------------------------
    def all_entries(self) -> list[Entry]:
        """Every entry, newest first (a copy of the cached list)."""
        with self._lock:
            return self._cached()

    def count(self) -> int:
        with self._lock:
            if self._entries is not None and not self._store.is_locked:
                return len(self._entries)
        return self._store.count(ENTRY_KIND)

    def get(self, entry_id: str) -> Entry | None:
        record = self._store.get(ENTRY_KIND, entry_id)
        return entry_from_payload(record.id, record.payload) if record else None

    def add(self, *, mood, at: datetime | None = None, **fields) -> Entry:
        entry = make_entry(id=uuid.uuid4().hex, at=at or now_local(), mood=mood, **fields)
        return self.save(entry)

    def update(self, entry_id: str, **changes) -> Entry:
        existing = self.get(entry_id)
        if existing is None:
            raise JournalError(N_("That check-in no longer exists."))
        values = {name: getattr(existing, name) for name in (
            "at", "mood", "emotions", "energy", "anxiety", "sleep_hours", "tags", "strategies", "note", "group", "group_timing"
        )}
        values.update(changes)
        return self.save(make_entry(id=entry_id, **values))

    def save(self, entry: Entry) -> Entry:
        """Write one validated entry (new or replacing the one with its id)."""
        with self._lock:
            stamp = WriteStamp()
            self._store.put(ENTRY_KIND, entry_to_payload(entry), record_id=entry.id, occurred_at=entry.at, stamp=stamp)
            self._cache_insert(entry)
            self._track(stamp)
        return entry

    def save_many(self, entries: list[Entry]) -> int:
        """All or nothing: one transaction."""
        with self._lock:
            stamp = WriteStamp()
            count = self._store.put_many(ENTRY_KIND, [(e.id, entry_to_payload(e), e.at) for e in entries], stamp=stamp)
            if self._entries is not None:
                for entry in entries:
                    self._cache_insert(entry)
            self._track(stamp)
        return count

    def delete(self, entry_id: str) -> Entry | None:
        """Delete and return the entry, so that the caller can offer "Undo" (``save`` it back)."""
        with self._lock:
            entry = self.get(entry_id)
            if entry is None:
                return None
            stamp = WriteStamp()
            self._store.delete(ENTRY_KIND, entry_id, stamp=stamp)
            self._cache_remove(entry_id)
            self._track(stamp)
        return entry

    def page(self, query: TimelineQuery | None = None, offset: int = 0, limit: int = PAGE_SIZE) -> TimelinePage:
        """One page of the timeline, newest first.

        With no filter and nothing cached yet, only the page itself is decrypted (fast
        first screen); searching and filtering use the cache of every entry.
        """
        query = query or TimelineQuery()
        # No lock here: a first page must not wait for another thread filling the cache.
        cached = self._entries is not None and not self._store.is_locked
        if query.is_empty and not cached:
            records = self._store.list(ENTRY_KIND, newest_first=True, limit=limit, offset=offset)
            if not records.left_out:
                return TimelinePage([entry_from_payload(r.id, r.payload) for r in records], self._store.count(ENTRY_KIND), offset)
            # Some rows do not decrypt: count and page over the readable ones only.
        entries = self.all_entries()
        left_out = self._left_out
        if query.on_or_before is not None:
            start = self._first_on_or_before(entries, query.on_or_before)
            entries = entries[start:]
        if not (query.text or query.mood or query.tag or query.strategy or query.group):
            return TimelinePage(entries[offset : offset + limit], len(entries), offset, left_out)
        matching = [e for e in entries if query.matches(e)]
        return TimelinePage(matching[offset : offset + limit], len(matching), offset, left_out)

    @staticmethod
    def _first_on_or_before(entries: list[Entry], day: date) -> int:
        for index, entry in enumerate(entries):
            if entry.at.date() <= day:
                return index
        return len(entries)

    def vocabulary(self) -> dict[str, list[str]]:
        """Tags, strategies and groups the person has used, most used first (for filters and chips)."""
        counts: dict[str, dict[str, int]] = {"tags": {}, "strategies": {}, "groups": {}}
        names: dict[str, dict[str, str]] = {"tags": {}, "strategies": {}, "groups": {}}

        def count(bucket: str, value: str) -> None:
            key = value.casefold()
            counts[bucket][key] = counts[bucket].get(key, 0) + 1
            names[bucket].setdefault(key, value)

        for entry in self.all_entries():
            for tag in entry.tags:
                count("tags", tag)
            for use in entry.strategies:
                count("strategies", use.name)
            if entry.group:
                count("groups", entry.group)
        return {
            bucket: [names[bucket][k] for k, _ in sorted(counts[bucket].items(), key=lambda kv: (-kv[1], kv[0]))]
            for bucket in counts
        }

    # --- low moods ----------------------------------------------------------------------
    def low_mood_run(self, today: datetime | None = None) -> str | None:
        """If the latest check-ins are a recent run of very low moods, the id of the run's
        first entry (so that one run is offered help once, however long it gets)."""
        run = []
        for entry in self.page(limit=60).entries:
            if entry.mood > LOW_MOOD:
                break
            run.append(entry)
        if len(run) < LOW_RUN_LENGTH or (today or now_local()) - run[0].at > LOW_RUN_WINDOW:
            return None
        return run[-1].id

    def should_offer_help(self) -> bool:
        run = self.low_mood_run()
        return run is not None and self.settings().low_mood_offered_for != run

    def mark_help_offered(self) -> None:
        run = self.low_mood_run()
        if run is not None:
            self.save_settings(replace(self.settings(), low_mood_offered_for=run))

    # --- settings -----------------------------------------------------------------------
    def settings(self) -> JournalSettings:
        record = self._store.get(SETTINGS_KIND, SETTINGS_ID)
        if record is None:
            return JournalSettings()
        payload = record.payload
        labels = dict(DEFAULT_MOOD_LABELS)
        labels.update({int(k): v for k, v in (payload.get("mood_labels") or {}).items()})
        return JournalSettings(
            mood_labels=labels,
            favourites=tuple(payload.get("favourites") or ()),
            reminder_time=payload.get("reminder_time") or "20:00",
            time_zone=payload.get("time_zone"),
            low_mood_offered_for=payload.get("low_mood_offered_for"),
        )

    def save_settings(self, settings: JournalSettings) -> JournalSettings:
        labels = {}
        for mood in DEFAULT_MOOD_LABELS:
            label = " ".join(str(settings.mood_labels.get(mood) or "").split())
            if len(label) > 40:
                raise JournalError(N_("A mood name can be at most 40 characters."))
            labels[str(mood)] = label or DEFAULT_MOOD_LABELS[mood]
        try:
            time.fromisoformat(settings.reminder_time)
        except ValueError:
            raise JournalError(N_("Give the reminder time as hours and minutes, like 20:00.")) from None
        payload = {
            "mood_labels": labels,
            "favourites": list(dict.fromkeys(settings.favourites)),
            "reminder_time": settings.reminder_time,
            "time_zone": settings.time_zone,
            "low_mood_offered_for": settings.low_mood_offered_for,
        }
        self._store.put(SETTINGS_KIND, payload, record_id=SETTINGS_ID)
        return self.settings()

    def rename_mood(self, mood: int, label: str) -> JournalSettings:
        settings = self.settings()
        return self.save_settings(replace(settings, mood_labels={**settings.mood_labels, mood: label}))

    def toggle_favourite(self, strategy_name: str) -> JournalSettings:
        settings = self.settings()
        favourites = list(settings.favourites)
        if strategy_name in favourites:
            favourites.remove(strategy_name)
        else:
            favourites.append(strategy_name)
        return self.save_settings(replace(settings, favourites=tuple(favourites)))

    # --- the person's own coping strategies ----------------------------------------------
    def own_strategies(self) -> list[OwnStrategy]:
        records = self._store.list(STRATEGY_KIND, newest_first=False)
        return [
            OwnStrategy(r.id, r.payload["name"], r.payload.get("how_to", ""), r.payload.get("learned_at"))
            for r in records
        ]

    def add_own_strategy(self, name: str, how_to: str = "", learned_at: str | None = None, strategy_id: str | None = None) -> OwnStrategy:
        name = " ".join((name or "").split())
        if not name:
            raise JournalError(N_("Give your strategy a name."))
        if len(name) > 200 or len(how_to or "") > 5000:
            raise JournalError(N_("That is too long: a name up to 200 characters, a how-to up to 5,000."))
        payload = {"name": name, "how_to": (how_to or "").strip()}
        if learned_at and learned_at.strip():
            payload["learned_at"] = learned_at.strip()
        record = self._store.put(STRATEGY_KIND, payload, record_id=strategy_id)
        return OwnStrategy(record.id, name, payload["how_to"], payload.get("learned_at"))

    def delete_own_strategy(self, strategy_id: str) -> bool:
        return self._store.delete(STRATEGY_KIND, strategy_id)

    # --- self-checks and the safety plan (kept here so every kind has one owner) ----------
    def save_self_check(self, payload: dict, at: datetime | None = None, record_id: str | None = None) -> str:
        moment = at or now_local()
        record = self._store.put(SELF_CHECK_KIND, {**payload, "at": moment.isoformat()}, record_id=record_id, occurred_at=moment)
        return record.id

    def self_check_records(self) -> list[tuple[str, dict]]:
        return [(r.id, r.payload) for r in self._store.list(SELF_CHECK_KIND, newest_first=False)]

    def safety_plan_payload(self) -> dict | None:
        record = self._store.get(SAFETY_PLAN_KIND, SAFETY_PLAN_ID)
        return record.payload if record else None

    def save_safety_plan_payload(self, payload: dict) -> None:
        self._store.put(SAFETY_PLAN_KIND, payload, record_id=SAFETY_PLAN_ID)
