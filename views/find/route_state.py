"""Find's words, filters and sort as a query string ("/?q=grief&topic=anxiety&sort=soonest"),
so that back, reload and a shared link show the same search. Unknown or malformed values
are ignored (a link typed by hand never breaks the screen)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlparse

from services.directory.search import SearchQuery

SORTS = ("relevance", "soonest", "distance")
SINGLE = {"lead": "leadership", "meets": "attendance", "time": "time_of_day", "when": "meets_within"}
MULTI = {"topic": "topics", "for": "audience", "cost": "cost"}
ALLOWED = {
    "leadership": {"peer", "professional"},
    "attendance": {"in_person", "online", "hybrid"},
    "time_of_day": {"morning", "afternoon", "evening"},
    "meets_within": {"24h", "7d"},
}


def to_query_string(text: str, filters: SearchQuery) -> str:
    """The search as it goes into the address ("" for an empty search)."""
    pairs: list[tuple[str, str]] = []
    if text.strip():
        pairs.append(("q", text.strip()))
    for short, name in MULTI.items():
        values = getattr(filters, name)
        if values:
            pairs.append((short, ",".join(values)))
    for short, name in SINGLE.items():
        value = getattr(filters, name)
        if value:
            pairs.append((short, value))
    if filters.days:
        pairs.append(("day", ",".join(str(d) for d in filters.days)))
    if filters.within_km:
        pairs.append(("within", f"{filters.within_km:g}"))
    if not filters.show_closed:
        pairs.append(("open", "1"))
    if filters.sort != "relevance":
        pairs.append(("sort", filters.sort))
    return urlencode(pairs)


def from_query_string(search: str, base: SearchQuery) -> tuple[str, SearchQuery]:
    """(text, filters) read from a query string, on top of ``base`` (page size, zone)."""
    values = {k: v[-1] for k, v in parse_qs(search or "", keep_blank_values=False).items()}
    changes: dict = {}
    for short, name in MULTI.items():
        if short in values:
            changes[name] = tuple(v for v in values[short].split(",") if v)
    for short, name in SINGLE.items():
        if values.get(short) in ALLOWED[name]:
            changes[name] = values[short]
    if "day" in values:
        changes["days"] = tuple(int(d) for d in values["day"].split(",") if d.isdigit() and int(d) < 7)
    try:
        within = float(values["within"]) if "within" in values else None
        if within is not None and 0 < within < 20000:
            changes["within_km"] = within
    except ValueError:
        pass
    if values.get("open") == "1":
        changes["show_closed"] = False
    if values.get("sort") in SORTS:
        changes["sort"] = values["sort"]
    empty = SearchQuery(limit=base.limit, timezone=base.timezone)
    return values.get("q", ""), replace(empty, **changes)


def search_part(route: str | None) -> str:
    return urlparse(route or "").query


def is_find_route(route: str | None) -> bool:
    """Find's own address ("/", "/?q=…"), not a group opened from it or another tab."""
    return urlparse(route or "/").path in ("", "/")


def find_route(model) -> str:
    """Where "Find" and "Back to results" go: the search as it was (a FindModel's)."""
    return f"/?{model.applied}" if model.applied else "/"
