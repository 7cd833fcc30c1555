"""The coping-strategy library (bundled in assets/) plus the person's own, favourites first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from services.i18n import current_language
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
    # What the person reads: the library's name in their language. ``name`` stays the English
    # name, the key kept in journals and favourites, so switching language loses nothing.
    title: str = ""

    @property
    def shown(self) -> str:
        return self.title or self.name


def library() -> tuple[Strategy, ...]:
    """The bundled strategies in the language being served."""
    return _library(current_language())


@lru_cache(maxsize=4)
def _library(language: str) -> tuple[Strategy, ...]:
    data = json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    strategies = []
    for item in data["strategies"]:
        local = {**item, **(item.get("translations") or {}).get(language, {})}
        strategies.append(Strategy(
            id=item["id"],
            name=item["name"],
            title=local["name"],
            summary=local["summary"],
            steps=tuple(local.get("steps", ())),
            caution=local.get("caution"),
            based_on=item.get("based_on"),
        ))
    return tuple(strategies)


def library_note() -> str:
    return _library_note(current_language())


@lru_cache(maxsize=4)
def _library_note(language: str) -> str:
    data = json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    return (data.get("note_translations") or {}).get(language) or data["note"]


def shown_name(name: str) -> str:
    """A strategy's name as the person reads it: a library strategy's in their language,
    their own strategy's as they wrote it."""
    for strategy in library():
        if strategy.name == name:
            return strategy.shown
    return name


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
