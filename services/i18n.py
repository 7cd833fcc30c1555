"""Languages: gettext catalogues per session, and dates and numbers in the person's locale.

Kindred speaks English, Spanish and French. The catalogues are standard gettext files:
``locale/<lang>/LC_MESSAGES/kindred.po`` (kept in the repository, edited by translators) and
the compiled ``kindred.mo`` beside each (committed, so a fresh clone runs as is;
``tools/i18n.py compile`` makes them again).

Web mode serves many browser sessions from one process, each in its own language, so the
language is never process-wide (no ``gettext.install``). ``_()`` asks, at the moment it is
called, for the language of whoever is being served:

- ``use_language(lang)`` sets it for the current context (a contextvar: the CLI, tests, a
  service call copied into a worker thread by ``asyncio.to_thread``);
- else the resolver the UI registers (views/i18n.py: the language of ``ft.context.page``'s
  session, which Flet sets for every render, event handler and ``page.run_task``);
- else English.

This module never imports flet. Strings that must be translated later (module constants,
enum labels) are marked with ``N_()`` and passed through ``_()`` where they are shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext as _gettext
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

DOMAIN = "kindred"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT_LANGUAGE = "en"
# The languages the UI speaks, each named in itself (what the Settings list shows).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "fr": "Français"}

_current: ContextVar[str | None] = ContextVar("kindred_language", default=None)
_resolver: Callable[[], str | None] | None = None


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """The UI's way to say which language the code running now is serving (views/i18n.py)."""
    global _resolver
    _resolver = resolver


# Formats when the locale names no region: English as written elsewhere in Kindred (1 Oct 2026).
DEFAULT_REGIONS = {"en": "en_GB"}


def current_locale() -> str:
    """The locale being served, as a tag: "es", "es_MX", "en_US"… (a language Kindred speaks,
    with the person's region when their browser or device gives one)."""
    tag = _current.get()
    if tag is None and _resolver is not None:
        try:
            tag = _resolver()
        except Exception:  # noqa: BLE001 - outside a UI session: the default
            tag = None
    tag = str(tag or "").replace("-", "_")
    return tag if tag.split("_")[0] in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return current_locale().split("_")[0]


@contextlib.contextmanager
def use_language(lang: str | None):
    """Serve ``lang`` in this context (and in threads started from it with asyncio.to_thread)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


@lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The right plural form for ``n`` (format it in: ``ngettext("{n} entry", "{n} entries", n).format(n=…)``)."""
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it now (translate where shown)."""
    return message


def language_from_tags(tags: Iterable[str]) -> str | None:
    """The first supported language among locale tags, most preferred first ("es-MX" → "es")."""
    for tag in tags or []:
        code = str(tag).replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return None


def system_language() -> str | None:
    """The language of this machine's own locale (LANG, LC_ALL…), for desktop and the CLI."""
    import locale  # noqa: PLC0415
    import os  # noqa: PLC0415

    tags = [os.environ.get(name, "") for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")]
    with contextlib.suppress(ValueError):
        tags.append(locale.getlocale()[0] or "")
    return language_from_tags(t.split(":")[0].split(".")[0] for t in tags if t and t not in ("C", "POSIX"))


# ---------------------------------------------------------------- formatting (Babel, CLDR data)

def _babel_locale() -> str:
    return _cldr_locale(current_locale())


@lru_cache(maxsize=64)
def _cldr_locale(tag: str) -> str:
    # Asked once per tag: a search page formats hundreds of days and times.
    from babel import Locale  # noqa: PLC0415

    known = DEFAULT_REGIONS.get(tag, tag)
    try:
        Locale.parse(known)
    except Exception:  # noqa: BLE001 - a region CLDR does not know: the language alone
        return tag.split("_")[0]
    return known


def format_number(value: float | int, decimals: int | None = None) -> str:
    from babel.numbers import format_decimal  # noqa: PLC0415 - Babel's data loads on first use

    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=_babel_locale())
    return format_decimal(value, locale=_babel_locale())


def format_percent(fraction: float) -> str:
    from babel.numbers import format_percent as _fp  # noqa: PLC0415

    return _fp(fraction, locale=_babel_locale())


def format_date(value: dt.date, format: str = "medium") -> str:  # noqa: A002
    """"medium": 3 Feb 2026 / 3 feb 2026 / 3 févr. 2026; "long", "short", "full" as CLDR; or a
    CLDR skeleton such as "MMMd" (Feb 3 / 3 feb / 3 févr.) or "EEEEMMMMd"."""
    from babel.dates import format_date as _fd, format_skeleton  # noqa: PLC0415

    if format in ("short", "medium", "long", "full"):
        return _fd(value, format=format, locale=_babel_locale())
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    try:
        return format_skeleton(format, moment, locale=_babel_locale())
    except KeyError:  # a skeleton this locale's CLDR data lacks
        return _fd(value, format="medium", locale=_babel_locale())


def format_time(value: dt.time | dt.datetime) -> str:
    """9:30 AM in English, 9:30 in Spanish and French."""
    from babel.dates import format_time as _ft  # noqa: PLC0415

    return _ft(value, format="short", locale=_babel_locale())


def format_datetime(value: dt.datetime, format: str = "medium") -> str:  # noqa: A002
    """A date and its time: "medium" (1 Oct 2026, 18:30), or any ``format_date`` format for the
    date part followed by the short time."""
    return f"{format_date(value, format)}, {format_time(value)}"


def weekday_name(index: int, width: str = "wide") -> str:
    """Monday is 0 (Python's numbering)."""
    return _day_names(width, _babel_locale())[index]


@lru_cache(maxsize=64)
def _day_names(width: str, locale: str) -> tuple[str, ...]:
    from babel.dates import get_day_names  # noqa: PLC0415

    names = get_day_names(width, locale=locale)
    return tuple(str(names[day]) for day in range(7))


def month_name(month: int, width: str = "wide") -> str:
    from babel.dates import get_month_names  # noqa: PLC0415

    return str(get_month_names(width, locale=_babel_locale())[month])


def format_list(items: list[str]) -> str:
    from babel.lists import format_list as _fl  # noqa: PLC0415

    return _fl(items, locale=_babel_locale())


class Labels(dict):
    """A dict of English labels (marked with ``N_``) that answers in the language being served:
    ``labels[key]`` and ``labels.get(key)`` translate; ``items()`` and ``values()`` stay English
    (search synonyms and exports are built from them)."""

    def __getitem__(self, key):
        return gettext(super().__getitem__(key))

    def get(self, key, default=None):
        return self[key] if key in self else default


# ---------------------------------------------------------------- messages composed now, shown later

class Message(str):
    """A sentence composed now and shown later, perhaps in another language: its English
    template (marked with ``N_``) and its values. As a ``str`` it *is* the English text (what the
    CLI prints and logs hold); ``localized()`` gives it in the language being served, and
    ``stored()`` / ``from_stored()`` keep it in a text column (a sync's "last problem").

    A value may itself be a Message (a download error inside "The signature could not be
    downloaded: {reason}"); it is translated with its sentence. Whole numbers are written in the
    locale's way (1,234 / 1.234 / 1 234)."""

    __slots__ = ("msgid", "args")

    def __new__(cls, msgid: str, /, **args):
        self = super().__new__(cls, _render(msgid, args, DEFAULT_LANGUAGE))
        self.msgid = msgid
        self.args = args
        return self

    def localized(self) -> str:
        return _render(self.msgid, self.args, current_language())

    def as_dict(self) -> dict:
        return {"msg": self.msgid, "args": {k: v.as_dict() if isinstance(v, Message) else v for k, v in self.args.items()}}

    def stored(self) -> str:
        import json  # noqa: PLC0415

        return json.dumps(self.as_dict(), ensure_ascii=False, default=str)

    @classmethod
    def from_dict(cls, data: dict) -> Message:
        args = {k: cls.from_dict(v) if isinstance(v, dict) and "msg" in v else v for k, v in (data.get("args") or {}).items()}
        return cls(str(data["msg"]), **args)

    @classmethod
    def from_stored(cls, text: str | None) -> str | None:
        """What ``stored()`` wrote, as a Message again; any other text (a row written before
        messages were stored this way) as it is."""
        if not text or not text.startswith('{"msg"'):
            return text
        import json  # noqa: PLC0415

        try:
            return cls.from_dict(json.loads(text))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return text


def _render(msgid: str, args: dict, lang: str) -> str:
    with use_language(lang):
        template = gettext(msgid)
        values = {}
        for key, value in args.items():
            if isinstance(value, Message):
                value = value.localized()
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = format_number(value)
            values[key] = value
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: the English
            return msgid.format(**values) if template != msgid else msgid


def reason_of(error: BaseException, full_stop: bool = True) -> str:
    """An exception's own sentence, to put inside another one: the Message it was raised with
    (translated with the sentence around it), else its text. Only its first argument, so
    extras an exception adds to its ``str()`` (a command-line hint) stay out. ``full_stop=False``
    drops a plain text's closing full stop, for a template that ends with its own."""
    given = error.args[0] if error.args else str(error)
    if isinstance(given, Message):
        return given
    text = str(given)
    return text if full_stop else text.rstrip().rstrip(".")


def localized(text: str | None) -> str | None:
    """``text`` in the language being served when it is a Message; any other text as it is."""
    return text.localized() if isinstance(text, Message) else text
