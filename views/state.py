"""Per-session UI state.

One ``AppState`` exists per UI session (per browser tab or window), never per process,
so nothing one person unlocks or types is visible to another session.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import flet as ft

from services.app import KindredServices
from services.crisis import guess_country
from services.preferences import Preferences
from services.privacy import PrivateStore

PHONE_BREAKPOINT = 600  # logical px: below it a bottom navigation bar, above it a rail

THEME_MODES = {"system": ft.ThemeMode.SYSTEM, "light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK}


@ft.observable
@dataclass
class AppState:
    services: KindredServices
    preferences: Preferences
    width: float = 1024
    page: ft.Page | None = field(default=None, repr=False)
    # The unlocked private store of THIS session only (None while locked). Never shared
    # between sessions: a second browser tab starts locked.
    store: PrivateStore | None = field(default=None, repr=False)

    @property
    def is_phone(self) -> bool:
        return self.width < PHONE_BREAKPOINT

    @property
    def country(self) -> str | None:
        """The crisis-line country: the person's choice, else a guess from the locale."""
        return self.preferences.country or guess_country()

    def apply_theme(self) -> None:
        if self.page is not None:
            self.page.theme_mode = THEME_MODES[self.preferences.theme_mode]
            self.page.update()

    # Each action runs the service call off the event loop: a plain call would block
    # every session on this server while SQLite works.
    async def set_theme_mode(self, mode: str) -> None:
        self.preferences = await asyncio.to_thread(self.services.preferences.set_theme_mode, mode)
        self.apply_theme()

    async def set_country(self, code: str | None) -> None:
        self.preferences = await asyncio.to_thread(self.services.preferences.set_country, code)

    async def finish_welcome(self) -> None:
        self.preferences = await asyncio.to_thread(self.services.preferences.mark_welcome_done)


AppStateContext = ft.create_context(None)


def use_app_state() -> AppState:
    state = ft.use_context(AppStateContext)
    if state is None:  # pragma: no cover - a programming error, not a user one
        raise RuntimeError("use_app_state() outside of the Kindred app")
    return state
