"""Device preferences: small settings the locked app needs (theme, crisis-line country).

They are kept apart from the encrypted store on purpose: the crisis lines and the theme
must work before — and without — an unlock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from services.i18n import LANGUAGES
from services.models import DevicePreference
from services.platform import IS_BROWSER, _bridge
from services.storage import Database

THEME_MODES = ("system", "light", "dark")
# Where a phone-sized window shows the destinations: "auto" is at the bottom on a touch screen
# (for a thumb) and under the app bar elsewhere (for a keyboard: see views/models.py).
NAVIGATION_PLACES = ("auto", "bottom", "top")


@dataclass(frozen=True)
class Preferences:
    theme_mode: str = "system"
    country: str | None = None
    welcome_done: bool = False
    # The UI language chosen in Settings ("en", "es", "fr"); None: the browser's or system's.
    language: str | None = None
    navigation_place: str = "auto"


class PreferenceStore:
    def __init__(self, database: Database):
        self._db = database

    def load(self) -> Preferences:
        with self._db.transaction() as session:
            values = {row.key: row.value for row in session.scalars(select(DevicePreference))}
        theme = values.get("theme_mode", "system")
        return Preferences(
            theme_mode=theme if theme in THEME_MODES else "system",
            country=values.get("country") or None,
            welcome_done=values.get("welcome_done") == "1",
            language=values.get("language") if values.get("language") in LANGUAGES else None,
            navigation_place=values.get("navigation_place") if values.get("navigation_place") in NAVIGATION_PLACES else "auto",
        )

    def _put(self, key: str, value: str) -> None:
        with self._db.transaction() as session:
            session.merge(DevicePreference(key=key, value=value))

    def set_theme_mode(self, mode: str) -> Preferences:
        if mode not in THEME_MODES:
            raise ValueError(f"theme must be one of {', '.join(THEME_MODES)}")
        self._put("theme_mode", mode)
        return self.load()

    def set_country(self, code: str | None) -> Preferences:
        self._put("country", (code or "").upper())
        return self.load()

    def set_language(self, code: str | None) -> Preferences:
        """``None`` or "": follow the browser's or system's language again."""
        if code and code not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        self._put("language", code or "")
        return self.load()

    def set_navigation_place(self, place: str) -> Preferences:
        if place not in NAVIGATION_PLACES:
            raise ValueError(f"navigation place must be one of {', '.join(NAVIGATION_PLACES)}")
        self._put("navigation_place", place)
        return self.load()

    def mark_welcome_done(self) -> Preferences:
        self._put("welcome_done", "1")
        return self.load()


def tell_start_screen_language(code: str | None) -> None:
    """The browser build's start-up screen (``pwa/splash.html``) runs before Python: tell it the
    language chosen in Settings (``None``: the browser's), kept there for the next start.
    Elsewhere: nothing."""
    if not IS_BROWSER:
        return
    try:
        _bridge().startScreenLanguage(code or "")
    except Exception:  # noqa: BLE001 - a nicety for the next start: never worth breaking this one
        logging.getLogger(__name__).warning("could not tell the start-up screen the language", exc_info=True)
