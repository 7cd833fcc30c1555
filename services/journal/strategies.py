"""The coping-strategy library (bundled in assets/) plus the person's own, favourites first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from services.journal.journal import Journal
from services.paths import ASSETS_DIR

LIBRARY_FILE = ASSETS_DIR / "coping_strategies.json"


@dataclass(frozen=True)
class Strategy:
    id: str
    name: str
    summary: str
    steps: tuple[str, ...] = ()
    caution: str | None = None
    based_on: str | None = None
    own: bool = False  # the person's own (encrypted), not from the library
    learned_at: str | None = None
    favourite: bool = False


@lru_cache(maxsize=1)
def library() -> tuple[Strategy, ...]:
    data = json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    return tuple(
        Strategy(
            id=item["id"],
            name=item["name"],
            summary=item["summary"],
            steps=tuple(item.get("steps", ())),
            caution=item.get("caution"),
            based_on=item.get("based_on"),
        )
        for item in data["strategies"]
    )


@lru_cache(maxsize=1)
def library_note() -> str:
    return json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))["note"]


def all_strategies(journal: Journal) -> list[Strategy]:
    """Library and own strategies; favourites first, then the person's own, then the library."""
    favourites = journal.settings().favourites
    own = [
        Strategy(id=s.id, name=s.name, summary=s.how_to, own=True, learned_at=s.learned_at)
        for s in journal.own_strategies()
    ]
    combined = [*own, *library()]
    marked = [
        Strategy(**{**strategy.__dict__, "favourite": strategy.name in favourites}) for strategy in combined
    ]
    order = {name: index for index, name in enumerate(favourites)}
    return sorted(marked, key=lambda s: (0, order[s.name]) if s.favourite else (1, 0 if s.own else 1))
