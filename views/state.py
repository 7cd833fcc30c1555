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
    # Directory sync, as this session sees it. The sync itself is the process's (one at a
    # time); the progress and results shown are this session's.
    sources_version: int = 0  # bumped after any change, so screens reload the sources
    sync_running: bool = False
    sync_status: str | None = None  # "Checking Acme (1 of 2)…"
    sync_fraction: float | None = None
    sync_outcomes: tuple = ()
    sync_task: asyncio.Task | None = field(default=None, repr=False)

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

    # --- directory sources and sync ---------------------------------------------------
    async def add_source(self, url: str, **options):
        added = await asyncio.to_thread(lambda: self.services.sync.add_source(url, **options))
        self.sources_version += 1
        return added

    async def remove_source(self, name: str) -> int:
        removed = await asyncio.to_thread(self.services.sync.remove_source, name)
        self.sources_version += 1
        return removed

    async def set_source_paused(self, name: str, paused: bool) -> None:
        await asyncio.to_thread(self.services.sync.set_paused, name, paused)
        self.sources_version += 1

    async def sync_sources(self, names: list[str] | None = None, due_only: bool = False) -> tuple:
        """Sync in a worker thread; progress arrives here through the event loop."""
        if self.sync_running:
            return ()
        if due_only and not await asyncio.to_thread(self.services.sync.sources_due):
            return ()  # nothing to check: no sources, all paused, or all checked within the hour
        loop = asyncio.get_running_loop()
        self.sync_running = True
        self.sync_status = "Checking for updates\u2026"
        self.sync_fraction = None
        self.sync_outcomes = ()
        stage_words = {"checking": "Checking", "verifying": "Checking the signature of", "reading": "Reading",
                       "saving": "Saving", "done": "Done with"}

        def on_progress(progress) -> None:  # the worker thread calls this
            text = f"{stage_words.get(progress.stage, 'Checking')} {progress.name} ({progress.index + 1} of {progress.total})\u2026"
            fraction = (progress.index + (1 if progress.stage == "done" else 0.5)) / max(1, progress.total)
            loop.call_soon_threadsafe(self._show_progress, text, fraction)

        try:
            outcomes = tuple(await asyncio.to_thread(
                lambda: self.services.sync.sync(names, due_only=due_only, progress=on_progress)
            ))
        except Exception as error:  # noqa: BLE001 - shown, never raised into the UI
            outcomes = (SyncProblem(str(error)),)
        finally:
            self.sync_running = False
            self.sync_status = None
            self.sync_fraction = None
        self.sync_outcomes = outcomes
        self.sources_version += 1
        return outcomes

    def _show_progress(self, text: str, fraction: float) -> None:
        if self.sync_running:
            self.sync_status = text
            self.sync_fraction = fraction

    def sync_in_background(self, names: list[str] | None = None, due_only: bool = False) -> None:
        """Start a sync without waiting for it: the UI stays responsive meanwhile."""
        if self.sync_running:
            return
        self.sync_task = asyncio.get_running_loop().create_task(self.sync_sources(names, due_only))


@dataclass(frozen=True)
class SyncProblem:
    """Shown in place of per-source outcomes when a sync could not run at all."""

    message: str
    name: str = "Sync"
    status: str = "failed"


AppStateContext = ft.create_context(None)


def use_app_state() -> AppState:
    state = ft.use_context(AppStateContext)
    if state is None:  # pragma: no cover - a programming error, not a user one
        raise RuntimeError("use_app_state() outside of the Kindred app")
    return state
