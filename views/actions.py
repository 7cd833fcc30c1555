"""The one way a person's action reaches the services.

``run`` moves the service call off the event loop (a plain call would block every session
on this server while SQLite or scrypt works), turns expected problems into a short message
(shown where the screen asks, else as a snack bar), and never lets anything escape into
Flet: an action may fail, the app never shows "Error running app". Something that
changed underneath (a group removed in another tab, a key replaced in another tab) is
refreshed by the session's announcements and explained in a sentence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import flet as ft

from services.calendar import CalendarError
from services.directory.catalogue import CatalogueError
from services.directory.search import SearchError
from services.journal import JournalError
from services.session import (
    BackupError,
    BackupWrongPassphrase,
    DecryptionError,
    GroupGone,
    LockedError,
    PinError,
    SavedGroupError,
    SessionLocked,
    StaleKeyError,
    VaultError,
    WrongSecret,
)
from services.i18n import Message
from services.sync.service import SourceError
from views.models import AppModel, use_app
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

log = logging.getLogger(__name__)


class _Failed:
    """What ``run`` returns when the action did not happen (the message is already shown)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "FAILED"


FAILED = _Failed()

# The key this tab was opened with is no longer the store's (another tab deleted everything
# and set Kindred up again, or changed the key): lock, keep nothing, say why.
STALE_KEY_MESSAGE = (
    N_("Kindred was locked because your private data changed in another window or tab "
    "(for example, it was deleted and set up again). Nothing here was saved over it. "
    "Unlock with your current passphrase.")
)
UNREADABLE_MESSAGE = (
    N_("Some private data could not be read with this key, so Kindred locked itself to keep it safe. "
    "Unlock again with your current passphrase.")
)
LOCKED_MESSAGE = N_("Kindred is locked. Unlock it to continue; nothing was changed.")
UNEXPECTED_MESSAGE = N_("That didn't work just now, and nothing was changed. Please try again.")


EXPECTED = (WrongSecret, VaultError, BackupError, PinError, JournalError, SavedGroupError, SearchError,
            CalendarError, SourceError, CatalogueError, ValueError)


def message_for(problem: BaseException) -> str:
    if isinstance(problem, BackupWrongPassphrase):
        return str(problem) or _("That passphrase does not open this backup.")
    if isinstance(problem, WrongSecret):
        return _("That passphrase is not right. Nothing was changed.")
    if isinstance(problem, GroupGone):
        return str(problem)
    if problem.args and isinstance(problem.args[0], Message):  # composed in a service, in English until shown
        return problem.args[0].localized()
    text = str(problem).strip()
    return _(text) if text else _(UNEXPECTED_MESSAGE)  # a service message in the catalogue is translated


class ActionRunner:
    """One per UI session; reached with ``use_actions()``."""

    def __init__(self, app: AppModel) -> None:
        self.app = app
        self.busy = 0  # actions running now (tests wait for this to reach 0)
        app._runner = self

    async def run(self, work: Callable[..., Any], *args: Any, on_error: Callable[[str], None] | None = None,
                  done: str | None = None, messages: dict | None = None, **kwargs: Any) -> Any:
        """``await work(*args, **kwargs)`` in a worker thread. Returns its result, or
        ``FAILED`` after showing why (through ``on_error`` if given, else a snack bar).
        ``done`` is a message shown when it worked; ``messages`` maps an expected exception
        type to the screen's own words for it."""
        self.app.touch()
        self.busy += 1
        try:
            result = await asyncio.to_thread(work, *args, **kwargs)
        except BaseException as problem:  # noqa: BLE001 - every problem becomes a message
            if isinstance(problem, asyncio.CancelledError):
                raise
            self.handle(problem, on_error, messages)
            return FAILED
        finally:
            self.busy -= 1
        if done:
            self.tell(done)
        return result

    async def run_async(self, work: Callable[..., Any], *args: Any, on_error: Callable[[str], None] | None = None,
                        **kwargs: Any) -> Any:
        """The same for work that must stay on the event loop (Flet services: file pickers,
        clipboard): errors become messages, never a crash."""
        self.app.touch()
        self.busy += 1
        try:
            return await work(*args, **kwargs)
        except BaseException as problem:  # noqa: BLE001
            if isinstance(problem, asyncio.CancelledError):
                raise
            self.handle(problem, on_error)
            return FAILED
        finally:
            self.busy -= 1

    async def pick_file(self, title: str, on_error: Callable[[str], None] | None = None,
                        extensions: list[str] | None = None) -> tuple[str, bytes] | None:
        """One file chosen by the person (of ``extensions`` if given): (its name, its bytes), or
        None when they cancel or it cannot be read (said through ``on_error``). The browser hands
        over the bytes; desktop apps a path, read off the event loop."""
        from pathlib import Path

        picker = self.app.file_picker or ft.FilePicker()  # the app's picker, registered with the page
        kinds = dict(file_type=ft.FilePickerFileType.CUSTOM, allowed_extensions=extensions) if extensions else {}
        files = await self.run_async(picker.pick_files, dialog_title=title, with_data=True, allow_multiple=False,
                                     cancel_upload_on_window_blur=False, on_error=on_error, **kinds)
        if not files or files is FAILED:
            return None
        picked = files[0]
        data = picked.bytes
        if data is None and picked.path:
            data = await self.run(Path(picked.path).read_bytes, on_error=on_error)
        if not data or data is FAILED:
            return None
        return picked.name, data

    async def set_preferences(self, change: Callable[..., Any], *args: Any) -> bool:
        """Device preferences (theme, country, welcome seen): not private, but a write all the same."""
        preferences = await self.run(change, *args)
        if preferences is FAILED:
            return False
        self.app.preferences = preferences
        self.app.apply_page_settings()
        return True

    def handle(self, problem: BaseException, on_error: Callable[[str], None] | None = None,
               messages: dict | None = None) -> None:
        if isinstance(problem, StaleKeyError):
            self.app.lock_now(_(STALE_KEY_MESSAGE))
            return
        if isinstance(problem, DecryptionError):
            self.app.lock_now(_(UNREADABLE_MESSAGE))
            return
        if isinstance(problem, (SessionLocked, LockedError)):
            if self.app.session is not None:
                self.app.lock_now(_(LOCKED_MESSAGE))
            else:
                self.tell(_(LOCKED_MESSAGE))
            return
        own = next((text for kind, text in (messages or {}).items() if isinstance(problem, kind)), None)
        if own is not None:
            message = own
        elif isinstance(problem, EXPECTED):
            message = message_for(problem)
        else:
            # Only the kind of problem is logged: its text may contain private words.
            log.error("an action failed unexpectedly: %s", type(problem).__name__)
            message = _(UNEXPECTED_MESSAGE)
        if on_error is not None:
            on_error(message)
        else:
            self.tell(message)

    def tell(self, message: str, action: str | None = None, on_action=None) -> None:
        page = self.app.page
        if page is None:
            return
        try:
            page.show_dialog(ft.SnackBar(ft.Text(message), action=action, on_action=on_action,
                                         show_close_icon=action is None))
        except Exception:  # noqa: BLE001 - the tab went away meanwhile
            log.info("a message could not be shown")


ActionsContext = ft.create_context(None)


def use_actions() -> ActionRunner:
    runner = ft.use_context(ActionsContext)
    if runner is None:  # pragma: no cover
        raise RuntimeError("use_actions() outside of the Kindred app")
    return runner


def use_run() -> Callable:
    """Shorthand: ``run = use_run(); await run(session.set_note, ...)``."""
    return use_actions().run


__all__ = ["FAILED", "ActionRunner", "ActionsContext", "message_for", "use_actions", "use_app", "use_run"]
