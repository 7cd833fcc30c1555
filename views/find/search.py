"""Search while typing without freezing: a debounce, the search in a worker thread, and a
generation counter so that an answer to an old request is dropped, never shown.

Also the filter chips' logic: which filters are active, in words, and removing one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from services.directory.places import miles_to_km
from services.i18n import weekday_name
from services.directory.search import SearchQuery
from services.group_text import ATTENDANCE, COST, LEADERSHIP, label
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

# The Find filters' times of day (services/directory/search.py TIMES_OF_DAY), in words.
TIME_OF_DAY = {"morning": N_("Morning"), "afternoon": N_("Afternoon"), "evening": N_("Evening")}


def day_label(index: int, width: str = "wide") -> str:
    """A weekday in the session's language, capitalised as a label: "Tuesday", "Martes", "Mar."."""
    name = weekday_name(index, width)
    return name[:1].upper() + name[1:]


def time_of_day_label(key: str) -> str:
    return _(TIME_OF_DAY[key]) if key in TIME_OF_DAY else label(key)


DEBOUNCE_SECONDS = 0.25
PAGE_SIZE = 20


class SearchRunner:
    """``request(query)`` waits ``delay`` seconds for more typing, then runs ``search`` in
    a thread. Only the newest request's answer reaches ``on_result``; every newer request
    makes older ones stale (their sleep is cancelled, their answer discarded)."""

    def __init__(self, search: Callable, on_result: Callable, on_error: Callable, delay: float = DEBOUNCE_SECONDS):
        self.search = search
        self.on_result = on_result
        self.on_error = on_error
        self.delay = delay
        self.generation = 0
        self.discarded = 0  # answers that came back after a newer request (for tests)
        self._pending: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()

    def request(self, query: SearchQuery, immediate: bool = False, append: bool = False) -> int:
        self.generation += 1
        generation = self.generation
        if self._pending is not None and not self._pending.done():
            self._pending.cancel()  # still waiting out the debounce: it never searches
        task = asyncio.get_running_loop().create_task(self._run(generation, query, 0 if immediate else self.delay, append))
        self._pending = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return generation

    def is_current(self, generation: int) -> bool:
        return generation == self.generation

    async def _run(self, generation: int, query: SearchQuery, delay: float, append: bool) -> None:
        if delay:
            await asyncio.sleep(delay)
        if not self.is_current(generation):
            return
        if self._pending is asyncio.current_task():
            self._pending = None  # searching now: a newer request no longer cancels it, it outdates it
        try:
            page = await asyncio.to_thread(self.search, query)
        except Exception as problem:  # noqa: BLE001 - shown to the person, never raised into the loop
            if self.is_current(generation):
                self.on_error(problem)
            return
        if not self.is_current(generation):
            self.discarded += 1
            return
        self.on_result(query, page, append)

    async def wait(self) -> None:
        """For tests: until every request has finished (or was dropped)."""
        while any(not t.done() for t in self._tasks):
            await asyncio.sleep(0.01)


def active_filters(query: SearchQuery, unit: str = "km") -> list[tuple[str, str]]:
    """(key, words) for each active filter; ``remove_filter(query, key)`` takes it away."""
    found = [(f"topic:{t}", label(t)) for t in query.topics]
    found += [(f"audience:{a}", label(a)) for a in query.audience]
    if query.attendance:
        found.append(("attendance", ATTENDANCE.get(query.attendance, label(query.attendance))))
    if query.leadership:
        found.append(("leadership", LEADERSHIP.get(query.leadership, label(query.leadership))))
    found += [(f"cost:{c}", COST.get(c, label(c))) for c in query.cost]
    found += [(f"day:{d}", day_label(d)) for d in query.days]
    if query.time_of_day:
        found.append(("time_of_day", time_of_day_label(query.time_of_day)))
    if query.meets_within:
        found.append(("meets_within", _("Meets in the next 24 hours") if query.meets_within == "24h" else _("Meets in the next 7 days")))
    if query.within_km:
        amount = query.within_km / miles_to_km(1) if unit == "mi" else query.within_km
        found.append(("within_km", _("Within {amount} {unit}").format(amount=format_number(round(amount)), unit=unit)))
    if not query.show_closed:
        found.append(("show_closed", _("Open groups only")))
    return found


def remove_filter(query: SearchQuery, key: str) -> SearchQuery:
    kind, _, value = key.partition(":")
    if kind == "topic":
        return replace(query, topics=tuple(t for t in query.topics if t != value))
    if kind == "audience":
        return replace(query, audience=tuple(a for a in query.audience if a != value))
    if kind == "cost":
        return replace(query, cost=tuple(c for c in query.cost if c != value))
    if kind == "day":
        return replace(query, days=tuple(d for d in query.days if d != int(value)))
    if kind == "show_closed":
        return replace(query, show_closed=True)
    if kind == "within_km":
        return replace(query, within_km=None)
    return replace(query, **{kind: None})


def clear_filters(query: SearchQuery) -> SearchQuery:
    return SearchQuery(text=query.text, sort=query.sort if query.sort != "distance" or query.near else "relevance",
                       near=query.near, timezone=query.timezone, limit=query.limit)


def toggled(values: tuple, value) -> tuple:
    return tuple(v for v in values if v != value) if value in values else (*values, value)
