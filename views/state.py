"""Per-session UI state.

One ``AppState`` exists per UI session (per browser tab or window), never per process,
so nothing one person unlocks or types is visible to another session.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import flet as ft

from services.app import KindredServices
from services.crisis import guess_country
from services.finding import FindingPrefs
from services.preferences import Preferences
from services.privacy import PrivateStore, WrongSecret
from services.privacy import backup as backups
from services.privacy import pin as pins
from services.privacy import settings as private_settings
from services.privacy.erase import erase_private_data
from services.saved import SavedGroups, export_csv, export_json, listing_checker

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
    vault_set_up: bool = False
    # Shown once after set-up (or a restore on a fresh device) until "I have written it down".
    pending_recovery_code: str | None = field(default=None, repr=False)
    # A screen lock: the key is still in this session's memory; the PIN (or biometrics)
    # only opens the screen again. See services/privacy/pin.py.
    screen_locked: bool = False
    security: private_settings.SecuritySettings = field(default_factory=private_settings.SecuritySettings)
    lock_message: str | None = None
    file_picker: ft.FilePicker | None = field(default=None, repr=False)
    # Place, distance unit, clock, "help me choose" answers (services/finding.py): private,
    # loaded from the encrypted settings after unlocking, dropped again on locking.
    finding: FindingPrefs | None = field(default=None, repr=False)

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

    # --- locking ------------------------------------------------------------------------
    # Underscored attributes are not observed: changing them never re-renders.
    _last_activity: float = field(default_factory=time.monotonic, repr=False)
    _idle_task: asyncio.Task | None = field(default=None, repr=False)
    _pin_gate: pins.PinGate | None = field(default=None, repr=False)

    @property
    def unlocked(self) -> bool:
        return self.store is not None and not self.store.is_locked and not self.screen_locked

    @property
    def biometric_available(self) -> bool:
        """flet-local-auth works on Android, iOS, macOS and Windows apps; never on the web or Linux."""
        page = self.page
        if page is None or page.web:
            return False
        return page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS, ft.PagePlatform.MACOS, ft.PagePlatform.WINDOWS)

    @property
    def keyring_unlock_available(self) -> bool:
        """The keyring slot may open a desktop app; a browser tab always asks (web mode
        serves whoever reaches the port, so nothing opens by itself there)."""
        return self.page is not None and not self.page.web and self.services.vault.has_keyring_slot()

    def touch(self) -> None:
        """Interaction: resets the auto-lock timer."""
        self._last_activity = time.monotonic()

    async def load_vault_state(self) -> None:
        self.vault_set_up = await asyncio.to_thread(self.services.vault.is_set_up)

    async def set_up(self, passphrase: str) -> str:
        store, code = await asyncio.to_thread(self.services.vault.set_up, passphrase)
        self.pending_recovery_code = code
        self.vault_set_up = True
        await self._unlocked(store)
        return code

    def acknowledge_recovery_code(self) -> None:
        self.pending_recovery_code = None

    async def unlock(self, passphrase: str) -> None:
        """Raises WrongSecret; nothing changes on disk either way."""
        await self._unlocked(await asyncio.to_thread(self.services.vault.unlock, passphrase))

    async def unlock_with_recovery_code(self, code: str) -> None:
        await self._unlocked(await asyncio.to_thread(self.services.vault.unlock_with_recovery_code, code))

    async def unlock_with_keyring(self) -> bool:
        store = await asyncio.to_thread(self.services.vault.unlock_with_keyring)
        if store is None:
            return False
        await self._unlocked(store)
        return True

    async def _unlocked(self, store: PrivateStore) -> None:
        self.security = await asyncio.to_thread(private_settings.security, store)
        self._pin_gate = None
        self.lock_message = None
        self.screen_locked = False
        self.store = store
        self.touch()
        self._start_idle_watch()

    def lock_now(self, message: str | None = None) -> None:
        """Lock fully: the data key is dropped from this session's memory."""
        if self.store is not None:
            self.store.lock()
        self._pin_gate = None
        self.screen_locked = False
        self.lock_message = message
        self.finding = None
        self.store = None
        self._stop_idle_watch()

    def screen_lock(self) -> None:
        """Auto-lock: a screen lock if a PIN or biometrics are set up, else a full lock."""
        if self.store is None:
            return
        if self.security.has_pin or (self.security.biometric and self.biometric_available):
            self._pin_gate = pins.PinGate(self.security.pin) if self.security.has_pin else None
            self.screen_locked = True
        else:
            self.lock_now("Kindred locked itself after a while without use.")

    async def try_pin(self, pin: str) -> pins.PinAttempt:
        gate = self._pin_gate
        if gate is None:
            return pins.PinAttempt(ok=False, locked_out=True, attempts_left=0)
        attempt = await asyncio.to_thread(gate.try_pin, pin)
        if attempt.ok:
            self.screen_locked = False
            self.touch()
        elif attempt.locked_out:
            self.lock_now("Too many wrong PINs. Kindred is locked; your passphrase opens it.")
        return attempt

    def biometric_succeeded(self) -> None:
        if self.store is not None and self.screen_locked:
            self.screen_locked = False
            self.touch()

    def check_idle(self, now: float | None = None) -> bool:
        """Lock if idle for longer than the chosen time. Returns whether it locked."""
        minutes = self.security.auto_lock_minutes
        if not self.unlocked or not minutes:
            return False
        now = time.monotonic() if now is None else now
        if now - self._last_activity >= minutes * 60:
            self.screen_lock()
            return True
        return False

    def _start_idle_watch(self) -> None:
        self._stop_idle_watch()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._idle_task = loop.create_task(self._idle_watch())

    def _stop_idle_watch(self) -> None:
        task, self._idle_task = self._idle_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _idle_watch(self) -> None:
        # A per-session timer: it sleeps, it never blocks, and it ends with the lock.
        while self.store is not None:
            await asyncio.sleep(15)
            if self.check_idle():
                if self.page is not None:
                    self.page.update()
                return

    def end_session(self) -> None:
        """The tab or window went away: forget the key."""
        self.lock_now()

    # --- private settings ---------------------------------------------------------------
    def _require_store(self) -> PrivateStore:
        if self.store is None or self.store.is_locked:
            raise RuntimeError("Kindred is locked")
        return self.store

    async def set_auto_lock(self, minutes: int) -> None:
        self.touch()
        self.security = await asyncio.to_thread(private_settings.set_auto_lock, self._require_store(), minutes)

    async def set_pin(self, pin: str) -> None:
        store = self._require_store()
        stored = await asyncio.to_thread(pins.hash_pin, pin)  # raises PinError
        await asyncio.to_thread(private_settings.update, store, pin=stored)
        self.security = await asyncio.to_thread(private_settings.security, store)
        self.touch()

    async def remove_pin(self) -> None:
        store = self._require_store()
        await asyncio.to_thread(private_settings.update, store, pin=None)
        self.security = await asyncio.to_thread(private_settings.security, store)

    async def set_biometric(self, enabled: bool) -> None:
        store = self._require_store()
        await asyncio.to_thread(private_settings.update, store, biometric=enabled or None)
        self.security = await asyncio.to_thread(private_settings.security, store)

    async def change_passphrase(self, current: str, new: str) -> None:
        """Raises WrongSecret (current is wrong) or VaultError (new is too short)."""
        store = self._require_store()
        if not await asyncio.to_thread(self.services.vault.verify_passphrase, current):
            raise WrongSecret()
        await asyncio.to_thread(self.services.vault.change_passphrase, store, new)
        self.touch()

    # --- backups, exports, erasing ------------------------------------------------------
    async def create_backup(self, passphrase: str) -> tuple[str, bytes]:
        store = self._require_store()
        self.touch()
        created = await asyncio.to_thread(backups.create_backup, self.services.vault, store, passphrase)
        return backups.default_backup_name(), created.data

    async def open_backup(self, data: bytes, passphrase: str) -> backups.OpenedBackup:
        self.touch()
        return await asyncio.to_thread(backups.read_backup, data, passphrase)

    async def restore_backup(self, opened: backups.OpenedBackup, passphrase: str) -> backups.RestoreResult:
        self.touch()
        result = await asyncio.to_thread(
            backups.restore_backup,
            self.services.vault,
            self.services.private_db,
            self.services.data_dir,
            opened,
            passphrase,
            self.store,
        )
        if result.recovery_code:
            self.pending_recovery_code = result.recovery_code
            self.vault_set_up = True
        await self._unlocked(result.store)
        return result

    async def export_saved(self, passphrase: str, fmt: str) -> tuple[str, bytes]:
        """A plain copy of the saved groups: the passphrase is asked again."""
        store = self._require_store()
        if not await asyncio.to_thread(self.services.vault.verify_passphrase, passphrase):
            raise WrongSecret()

        def build() -> bytes:
            groups = SavedGroups(store).list(listing_checker(self.services))
            return (export_csv(groups) if fmt == "csv" else export_json(groups)).encode("utf-8")

        data = await asyncio.to_thread(build)
        return f"kindred-saved-groups.{fmt}", data

    async def erase_everything(self) -> None:
        self.lock_now()
        await asyncio.to_thread(erase_private_data, self.services.vault, self.services.data_dir)
        self.vault_set_up = False
        self.lock_message = "All your private data and keys were deleted."

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
