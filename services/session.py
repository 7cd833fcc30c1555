"""One person's private session: what a UI session (a browser tab or a window) holds once
it is unlocked.

Unlocking (``open_session`` and friends below) returns a ``PrivateSession``. It holds the
journal, the saved groups, the private settings (finding preferences, security), the
lock / PIN / idle state and backups, and it knows the key it was opened with. Screens never
reach the store themselves: they call the session (through the view layer's action runner,
off the event loop) and listen for what changed.

Flet-free and synchronous on purpose: the same object works from tests and the CLI, and
the UI decides which thread runs it. Listeners may therefore be called from a worker
thread; the view layer hands them back to its event loop.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from services import drafts, finding
from services.drafts import DraftTooLarge  # noqa: F401 - the session layer says what a screen may meet
from services.app import KindredServices
from services.directory.model import GroupDetails
from services.finding import FindingPrefs, PlaceNeedsChoice
from services.group_snapshot import details_from_snapshot
from services.journal import Journal
from services.privacy import STALE_MESSAGE, DecryptionError, PrivateStore, StaleKeyError, VaultError, WrongSecret
from services.privacy import backup as backups
from services.privacy import pin as pins
from services.privacy import settings as private_settings
from services.privacy.backup import (
    BackupError,
    BackupWrongPassphrase,
    OpenedBackup,
    RestoreResult,
)
from services.privacy.erase import CONFIRM_WORD, erase_private_data
from services.privacy.pin import MAX_ATTEMPTS, PinAttempt, PinError, PinReopen
from services.privacy.settings import AUTO_LOCK_CHOICES, SecuritySettings
from services.privacy.store import LockedError
from services.privacy.strength import passphrase_strength
from services.privacy.vault import MIN_PASSPHRASE_LENGTH
from services.saved import (
    SavedGroup,
    SavedGroupError,
    SavedGroups,
    export_csv,
    export_json,
    group_snapshot,
    listing_checker,
)

# What screens may use without reaching the store or the vault themselves.
__all__ = [
    "AUTO_LOCK_CHOICES", "CONFIRM_WORD", "STALE_MESSAGE", "StaleKeyError", "MAX_ATTEMPTS", "MIN_PASSPHRASE_LENGTH", "BackupError", "BackupWrongPassphrase",
    "DecryptionError", "FindingPrefs", "GroupGone", "IntegrityNote", "PlaceNeedsChoice", "SavedItem", "group_details", "KindredServices", "LockedError", "Opened", "OpenedBackup",
    "PinAttempt", "PinError", "PrivateSession", "RestoreResult", "SavedGroup", "SavedGroupError", "SecuritySettings",
    "SessionLocked", "VaultError", "WrongSecret", "default_finding", "erase_everything", "has_keyring_slot", "is_set_up", "keyring_available", "open_backup", "passphrase_strength",
    "restore_backup", "set_up", "unlock", "unlock_with_keyring", "unlock_with_recovery_code",
]

log = logging.getLogger(__name__)

# What a listener is told: one of these topics.
LOCKED = "locked"  # the key is gone (Lock now, auto-lock without a PIN, a stale key...)
SCREEN = "screen"  # screen lock on or off (the key stays)
SECURITY = "security"  # auto-lock, PIN or biometrics changed
SAVED = "saved"  # the saved groups changed
JOURNAL = "journal"  # entries, strategies, self-checks, safety plan or journal settings changed
FINDING = "finding"  # place, distance unit, clock, "help me choose" answers
RESTORED = "restored"  # everything private was replaced from a backup

Listener = Callable[[str], None]


class SessionLocked(Exception):
    """The session is locked (or was never opened): nothing private can be read or written."""

    def __init__(self, message: str = "Kindred is locked. Unlock it to continue.") -> None:
        super().__init__(message)


class GroupGone(SavedGroupError):
    """A saved group that another tab or window removed meanwhile."""

    def __init__(self, name: str = "That group") -> None:
        super().__init__(f"{name} is no longer in your saved groups (it was removed in another window).")


@dataclass(frozen=True)
class IntegrityNote:
    """What Settings says about records that do not decrypt (counts only, never content)."""

    ok: bool
    summary: str
    meaning: str | None
    unreadable: int
    set_aside: int


@dataclass(frozen=True)
class SavedItem:
    """A saved group with its live details (or, if no longer listed, its snapshot's)."""

    saved: SavedGroup
    details: GroupDetails | None
    listed: bool


NO_MEETING = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Opened:
    """What opening Kindred gives back: the session, and a recovery code to show once
    (after set-up, or a restore onto a fresh device)."""

    session: PrivateSession
    recovery_code: str | None = None


class PrivateSession:
    """The unlocked private data of one UI session. Never shared between sessions."""

    def __init__(self, services: KindredServices, store: PrivateStore, country: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.services = services
        self._store = store
        self.country = country
        self.clock = clock
        self.security = private_settings.security(store)
        self.screen_locked = False
        self.lock_reason: str | None = None
        # Set by the UI: biometrics open a screen lock only where the platform has them.
        self.biometric_available = False
        self.last_activity = clock()
        # While screen-locked: what opens it again. A PinReopen when a PIN is set (the key is
        # dropped and only the PIN, or the passphrase, brings it back); None for biometrics.
        self._pin_gate: pins.PinGate | None = None
        self._finding: finding.FindingPrefs | None = None
        self._journal: Journal | None = None
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()

    # --- listening ------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(topic)`` after every change; returns a function that unsubscribes."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def announce(self, topic: str) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(topic)
            except Exception:  # noqa: BLE001 - one broken listener must not stop the others
                log.exception("a session listener failed on %r", topic)

    # --- the key --------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return not self._store.is_locked

    @property
    def unlocked(self) -> bool:
        """Open and not behind a screen lock: private screens may show."""
        return self.is_open and not self.screen_locked

    def store(self) -> PrivateStore:
        """The unlocked store; raises ``SessionLocked`` once the key is gone."""
        if self._store.is_locked:
            raise SessionLocked()
        return self._store

    def touch(self) -> None:
        """Interaction: resets the auto-lock timer."""
        self.last_activity = self.clock()

    def lock(self, reason: str | None = None) -> None:
        """Lock fully: the data key is dropped from memory. Safe to call twice."""
        was_open = self.is_open or self.screen_locked
        self._keep_journal_summary()
        self._store.lock()
        if isinstance(self._pin_gate, PinReopen):
            self._pin_gate.forget()
        self._pin_gate = None
        self.screen_locked = False
        self._finding = None
        self._journal = None
        if was_open or reason:
            self.lock_reason = reason
            self.announce(LOCKED)

    def screen_lock(self, reason: str | None = "Kindred locked itself after a while without use.") -> None:
        """Auto-lock and "Lock now". With a PIN: the key is dropped from memory, and the PIN
        (or the passphrase) opens Kindred again; with biometrics only: a screen lock that keeps
        the key; with neither: a full lock."""
        if not self.is_open:
            return
        if self.security.has_pin:
            self._keep_journal_summary()
            self._pin_gate = PinReopen.lock(self._store, self.security.pin, clock=self.clock)
            self._finding = None
            self._journal = None
            self.screen_locked = True
            self.announce(SCREEN)
        elif self.security.biometric and self.biometric_available:
            self._pin_gate = None
            self.screen_locked = True
            self.announce(SCREEN)
        else:
            self.lock(reason)

    def _keep_journal_summary(self) -> None:
        """Before the key goes: if check-ins were written since the insights summary was
        kept, keep a new one from the decrypted cache (no decrypting), so that Insights after
        the next unlock need one decrypt instead of one per check-in. Never raises or waits."""
        if self._journal is not None and not self._store.is_locked:
            self._journal.refresh_summary()

    def lock_now(self) -> None:
        """The "Lock now" button: with a PIN, the PIN opens Kindred again."""
        self.screen_lock(reason=None)

    @property
    def pin_gate(self) -> pins.PinGate | None:
        return self._pin_gate

    def try_pin(self, pin: str) -> pins.PinAttempt:
        """Raises ``StaleKeyError`` if another window replaced the data meanwhile."""
        gate = self._pin_gate
        if gate is None or not self.screen_locked:
            return pins.PinAttempt(ok=False, locked_out=True, attempts_left=0)
        try:
            attempt = gate.try_pin(pin)
        except StaleKeyError:
            self.lock(STALE_MESSAGE)
            raise
        if attempt.ok:
            if attempt.store is not None:
                self._store = attempt.store
            self.screen_locked = False
            self._pin_gate = None
            self.touch()
            self.announce(SCREEN)
        elif attempt.locked_out:
            self.lock("Too many wrong PINs. Kindred is locked; your passphrase opens it.")
        return attempt

    @property
    def biometric_can_open(self) -> bool:
        """Biometrics open a screen lock that kept the key (no PIN set)."""
        return self.screen_locked and self.is_open and self.security.biometric and self.biometric_available

    def biometric_succeeded(self) -> None:
        if self.biometric_can_open:
            self.screen_locked = False
            self._pin_gate = None
            self.touch()
            self.announce(SCREEN)

    def check_idle(self, now: float | None = None) -> bool:
        """Lock if idle for longer than the chosen time. Returns whether it locked."""
        minutes = self.security.auto_lock_minutes
        if not self.unlocked or not minutes:
            return False
        now = self.clock() if now is None else now
        if now - self.last_activity >= minutes * 60:
            self.screen_lock()
            return True
        return False

    # --- private settings -----------------------------------------------------------------
    def set_auto_lock(self, minutes: int) -> private_settings.SecuritySettings:
        self.touch()
        self.security = private_settings.set_auto_lock(self.store(), minutes)
        self.announce(SECURITY)
        return self.security

    def set_pin(self, pin: str) -> None:
        """Raises ``PinError`` for a PIN that is too short or not digits."""
        stored = pins.hash_pin(pin)
        private_settings.update(self.store(), pin=stored)
        self._security_changed()

    def remove_pin(self) -> None:
        private_settings.update(self.store(), pin=None)
        self._security_changed()

    def set_biometric(self, enabled: bool) -> None:
        private_settings.update(self.store(), biometric=enabled or None)
        self._security_changed()

    def _security_changed(self) -> None:
        self.security = private_settings.security(self.store())
        self.touch()
        self.announce(SECURITY)

    def change_passphrase(self, current: str, new: str) -> None:
        """Raises ``WrongSecret`` (current is wrong) or ``VaultError`` (new is too short)."""
        store = self.store()
        if not self.services.vault.verify_passphrase(current):
            raise WrongSecret()
        self.services.vault.change_passphrase(store, new)
        self.touch()

    # --- finding preferences --------------------------------------------------------------
    @property
    def finding(self) -> finding.FindingPrefs:
        if self._finding is None:
            self._finding = finding.load(self.store(), self.country)
        return self._finding

    def _finding_changed(self, prefs: finding.FindingPrefs) -> finding.FindingPrefs:
        self._finding = prefs
        self.touch()
        self.announce(FINDING)
        return prefs

    def set_place(self, text: str) -> finding.FindingPrefs:
        """Raises ``ValueError`` with a message for a place that was not found, and
        ``PlaceNeedsChoice`` (with candidates) when several places have that name."""
        return self._finding_changed(finding.set_place(self.store(), text, self.country))

    def choose_place(self, place, text: str) -> finding.FindingPrefs:
        """Keep one of the candidates the person picked."""
        return self._finding_changed(finding.choose_place(self.store(), place, text, self.country))

    def set_device_location(self, latitude: float, longitude: float) -> finding.FindingPrefs:
        """"Use my location": kept only in the encrypted settings, never sent."""
        return self._finding_changed(finding.set_device_location(self.store(), latitude, longitude, self.country))

    def set_distance_unit(self, unit: str) -> finding.FindingPrefs:
        return self._finding_changed(finding.set_distance_unit(self.store(), unit, self.country))

    def set_hour24(self, hour24: bool) -> finding.FindingPrefs:
        return self._finding_changed(finding.set_hour24(self.store(), hour24, self.country))

    def set_choose_answers(self, answers: dict | None) -> finding.FindingPrefs:
        return self._finding_changed(finding.set_choose_answers(self.store(), answers, self.country))

    # --- the journal ----------------------------------------------------------------------
    @property
    def journal(self) -> Journal:
        store = self.store()
        if self._journal is None:
            self._journal = Journal.for_store(store)
        return self._journal

    def journal_changed(self) -> None:
        """Called by the view layer after a journal write it ran through the session."""
        self.touch()
        self.announce(JOURNAL)

    # --- saved groups ---------------------------------------------------------------------
    @property
    def saved(self) -> SavedGroups:
        return SavedGroups(self.store())

    def saved_ids(self) -> frozenset[str]:
        return frozenset(g.group_id for g in self.saved.list())

    def saved_items(self) -> list[SavedItem]:
        """Every saved group with its live details (or its snapshot's), by next meeting."""
        items = []
        now = datetime.now(UTC)
        for group in self.saved.list():
            details = self.services.directory.get_group(group.group_id, now=now)
            listed = details is not None
            if details is None and group.details:
                details = details_from_snapshot(group.group_id, group.details, None, now)
            items.append(SavedItem(group, details, listed))

        def key(item: SavedItem):
            upcoming = item.details.next_meetings if item.details else ()
            return (upcoming[0].start if upcoming else NO_MEETING, item.saved.name.lower())

        return sorted(items, key=key)

    def save_group(self, group_id: str) -> SavedGroup:
        saved = self.saved.save(group_id, group_snapshot(self.services, group_id))
        self._saved_changed()
        return saved

    def unsave_group(self, group_id: str) -> SavedGroup | None:
        """Removes it; returns what was kept (for an undo), or None if it was not saved."""
        groups = self.saved
        kept = groups.get(group_id)
        if kept is not None:
            groups.unsave(group_id)
            self._saved_changed()
        return kept

    def restore_saved_group(self, kept: SavedGroup) -> None:
        """Undo for ``unsave_group``: the group, its note and its visits come back."""
        groups = self.saved
        groups.save(kept.group_id, kept.details, kept.note)
        for day in kept.attended:
            groups.mark_attended(kept.group_id, date.fromisoformat(day))
        self._saved_changed()

    def _existing(self, group_id: str, name: str) -> SavedGroups:
        groups = self.saved
        if groups.get(group_id) is None:
            self._saved_changed()  # the screen is out of date: let it reload
            raise GroupGone(name)
        return groups

    def set_note(self, group_id: str, note: str, name: str = "That group") -> SavedGroup:
        saved = self._existing(group_id, name).set_note(group_id, note)
        self._saved_changed()
        return saved

    def mark_attended(self, group_id: str, on: date | None = None, name: str = "That group") -> SavedGroup:
        saved = self._existing(group_id, name).mark_attended(group_id, on or date.today())
        self._saved_changed()
        return saved

    def remove_attendance(self, group_id: str, on: date, name: str = "That group") -> SavedGroup:
        saved = self._existing(group_id, name).remove_attendance(group_id, on)
        self._saved_changed()
        return saved

    def _saved_changed(self) -> None:
        self.touch()
        self.announce(SAVED)

    # --- backups and exports --------------------------------------------------------------
    # --- drafts: unsaved work, encrypted (services/drafts.py) -------------------------------
    def draft(self, name: str) -> tuple[dict, datetime] | None:
        return drafts.load(self.store(), name)

    def keep_draft(self, name: str, fields: dict) -> None:
        drafts.keep(self.store(), name, fields)

    def discard_draft(self, name: str) -> None:
        drafts.discard(self.store(), name)

    def create_backup(self, passphrase: str) -> tuple[str, bytes]:
        store = self.store()
        self.touch()
        created = backups.create_backup(self.services.vault, store, passphrase)
        return backups.default_backup_name(), created.data

    def replace_recovery_code(self) -> str:
        """A new recovery code (shown once); the old one stops working at once."""
        code = self.services.vault.replace_recovery_code(self.store())
        self.touch()
        self._folder_sync().share_recovery_slot()  # linked devices take it at their next sync
        return code

    def integrity(self) -> IntegrityNote:
        """Decrypts every record once (run it off the event loop)."""
        from services.privacy import integrity

        report = self.store().integrity_report()
        troubled = bool(report.unreadable or report.set_aside)
        return IntegrityNote(ok=not troubled, summary=integrity.summary(report),
                             meaning=integrity.WHAT_IT_MEANS if troubled else None,
                             unreadable=len(report.unreadable), set_aside=len(report.set_aside))

    def set_aside_unreadable(self) -> int:
        return self.store().set_aside_unreadable()

    # --- automatic backups ----------------------------------------------------------------
    def auto_backup_status(self):
        """On or off, the folder, and the newest automatic backup's time (for Settings)."""
        from services.privacy import auto_backup

        return auto_backup.status(self.store(), self.services.data_dir)

    def set_auto_backup(self, enabled: bool):
        from services.privacy import auto_backup

        auto_backup.save(self.store(), enabled=enabled)
        self.touch()
        return self.auto_backup_status()

    def run_auto_backup_if_due(self):
        """The daily automatic backup, if on and due. Never raises for a folder that cannot be
        written (Settings shows the last backup's time); returns the file made, or None."""
        from services.privacy import auto_backup

        try:
            return auto_backup.run_if_due(self.store(), self.services.vault, self.services.data_dir)
        except OSError as error:
            log.warning("automatic backup not written: %s", type(error).__name__)
            return None

    def merge_backup(self, opened: OpenedBackup):
        """Merge a backup record by record (newer wins, the other kept as a conflict copy)."""
        result = backups.merge_backup(self.services.private_db, self.services.data_dir, opened, self.store())
        self._data_changed()
        return result

    # --- sync with the person's other devices --------------------------------------------
    def _folder_sync(self):
        from services.devices import FolderSync

        return FolderSync(self.store(), self.services.vault)

    def sync_status(self):
        """{folder, last_synced, devices, conflicts} for Settings."""
        return self._folder_sync().status()

    def link_sync_folder(self, folder: str, device_name: str | None = None):
        result = self._folder_sync().link(folder, device_name)
        self._data_changed()
        return result

    def start_pairing(self):
        """(one-time code, expiry): one more device may join through the folder with it."""
        self.touch()
        return self._folder_sync().start_pairing()

    def sync_now(self):
        result = self._folder_sync().sync()
        if result.applied or result.new_conflicts:
            self._data_changed()
        return result

    def export_sync_file(self) -> tuple[str, bytes]:
        """Without a shared folder (the browser): everything as one encrypted file."""
        data = self._folder_sync().export_bundle()
        self.touch()
        return f"kindred-sync-{datetime.now():%Y-%m-%d-%H%M}.kindred-sync", data

    def import_sync_file(self, data: bytes):
        result = self._folder_sync().import_bundle(data)
        self._data_changed()
        return result

    def sync_conflicts(self):
        return self._folder_sync().conflicts()

    def dismiss_conflict(self, conflict_id: str) -> bool:
        done = self._folder_sync().dismiss_conflict(conflict_id)
        self.touch()
        return done

    def use_conflict_version(self, conflict_id: str) -> bool:
        done = self._folder_sync().use_conflict_version(conflict_id)
        self._data_changed()
        return done

    # --- a summary for a clinician, the safety plan to share -----------------------------
    @staticmethod
    @functools.cache
    def pdf_available() -> bool:
        """PDFs need fpdf2: installed on the desktop, the PDF pack in the browser build."""
        from services import platform

        return platform.pdf_available()

    def journal_report(self, start: date, end: date, with_notes: bool = False, fmt: str = "pdf") -> tuple[str, bytes]:
        """(file name, bytes) of the summary for ``start``..``end``: PDF or plain text.
        Raises ``ReportError`` (a ValueError) with a message for the person."""
        from services.journal import report as reports

        built = reports.build(self.journal, start, end, with_notes=with_notes, saved_groups=self.saved.list())
        self.touch()
        name = f"kindred-summary-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
        if fmt == "txt":
            return f"{name}.txt", reports.to_text(built).encode("utf-8")
        return f"{name}.pdf", reports.to_pdf(built)

    def safety_plan_file(self, fmt: str = "pdf") -> tuple[str, bytes]:
        from services.journal import report as reports

        self.touch()
        if fmt == "txt":
            return "my-safety-plan.txt", reports.safety_plan_text(self.journal).encode("utf-8")
        return "my-safety-plan.pdf", reports.safety_plan_pdf(self.journal)

    def _data_changed(self) -> None:
        """Records were written underneath the screens (a merge): caches go, screens reload."""
        if self._journal is not None:
            self._journal.drop_cache()
        self._finding = None
        self.touch()
        for topic in (JOURNAL, SAVED, FINDING):
            self.announce(topic)

    def export_saved(self, passphrase: str, fmt: str) -> tuple[str, bytes]:
        """A plain copy of the saved groups: the passphrase is asked again."""
        store = self.store()
        if not self.services.vault.verify_passphrase(passphrase):
            raise WrongSecret()
        groups = SavedGroups(store).list(listing_checker(self.services))
        data = (export_csv(groups) if fmt == "csv" else export_json(groups)).encode("utf-8")
        return f"kindred-saved-groups.{fmt}", data


def group_details(services: KindredServices, session: PrivateSession | None, group_id: str) -> tuple[GroupDetails | None, bool]:
    """(details or None, listed): the directory's, else (unlocked) the saved snapshot's."""
    details = services.directory.get_group(group_id)
    if details is not None:
        return details, True
    if session is not None and session.is_open:
        saved = session.saved.get(group_id)
        if saved is not None and saved.details:
            return details_from_snapshot(group_id, saved.details, None, datetime.now(UTC)), False
    return None, False


def is_set_up(services: KindredServices) -> bool:
    """Whether Kindred has keys on this device (a passphrase was chosen)."""
    return services.vault.is_set_up()


def has_keyring_slot(services: KindredServices) -> bool:
    return services.vault.has_keyring_slot()


def keyring_available() -> bool:
    """Whether this device has an OS keyring Kindred can keep a key in."""
    from services.privacy.vault import PrivateVault

    return PrivateVault.keyring_available()


def default_finding(country: str | None) -> FindingPrefs:
    """Distance unit and clock for the country, before (or without) the person's own choice."""
    unit, hour24 = finding.defaults_for(country)
    return FindingPrefs(distance_unit=unit, hour24=hour24)


# --- opening ------------------------------------------------------------------------------
def set_up(services: KindredServices, passphrase: str, country: str | None = None) -> Opened:
    """First use: create the keys. Raises ``VaultError`` for a passphrase that is too short."""
    store, code = services.vault.set_up(passphrase)
    return Opened(PrivateSession(services, store, country), code)


def _opened(session: PrivateSession) -> PrivateSession:
    """After unlocking: the daily automatic backup, if due, and a sync where a sync folder is
    linked. Neither ever stops the unlock (a folder on a drive not connected just waits)."""
    try:
        session.run_auto_backup_if_due()
    except (LockedError, ValueError, DecryptionError) as error:
        log.warning("automatic backup skipped: %s", type(error).__name__)
    try:
        if session.sync_status().folder:
            session.sync_now()
    except (LockedError, ValueError, DecryptionError, OSError) as error:
        log.warning("sync at unlock skipped: %s", type(error).__name__)
    return session


def join_from_file(services: KindredServices, data: bytes, recovery_code: str, passphrase: str,
                   country: str | None = None) -> Opened:
    """A device not set up joins the person's other device from a sync file it exported:
    the recovery code opens the key; this device gets its own passphrase. Raises
    ``JoinError`` or ``SyncFolderError`` (both with a message for the person)."""
    from services.devices import join_bundle

    store, _result = join_bundle(services.vault, data, recovery_code, passphrase)
    return Opened(PrivateSession(services, store, country), None)


def join_from_folder(services: KindredServices, folder: str, recovery_code: str, passphrase: str,
                     country: str | None = None) -> Opened:
    from services.devices import join_folder

    store, _result = join_folder(services.vault, folder, recovery_code, passphrase, pairing=None)
    return Opened(PrivateSession(services, store, country), None)


def unlock(services: KindredServices, passphrase: str, country: str | None = None) -> PrivateSession:
    """Raises ``WrongSecret``; nothing changes on disk either way (but the daily backup)."""
    return _opened(PrivateSession(services, services.vault.unlock(passphrase), country))


def unlock_with_recovery_code(services: KindredServices, code: str, country: str | None = None) -> PrivateSession:
    return _opened(PrivateSession(services, services.vault.unlock_with_recovery_code(code), country))


def unlock_with_keyring(services: KindredServices, country: str | None = None) -> PrivateSession | None:
    store = services.vault.unlock_with_keyring()
    return None if store is None else _opened(PrivateSession(services, store, country))


def open_backup(data: bytes, passphrase: str) -> backups.OpenedBackup:
    return backups.read_backup(data, passphrase)


def restore_backup(services: KindredServices, opened: backups.OpenedBackup, passphrase: str,
                   current: PrivateSession | None, country: str | None = None) -> tuple[Opened, backups.RestoreResult]:
    """Replace the private data with a backup's (a snapshot of the current data is kept).
    The current session, if any, is replaced by one over the restored store."""
    store = current.store() if current is not None and current.is_open else None
    result = backups.restore_backup(services.vault, services.private_db, services.data_dir, opened, passphrase, store)
    if current is not None and result.store is store:
        current.announce(RESTORED)
        return Opened(current, result.recovery_code), result
    return Opened(PrivateSession(services, result.store, country), result.recovery_code), result


def erase_everything(services: KindredServices, current: PrivateSession | None) -> None:
    if current is not None:
        current.lock()
    erase_private_data(services.vault, services.data_dir)
