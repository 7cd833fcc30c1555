"""What the screens render: small observable models, one per feature, given to the
component tree through contexts (as Flet's own ``trolli`` example does).

Screens read a model and re-render when it changes; they never keep private data of
their own and never bump counters to force a reload. The models follow the session
(services/session.py): it announces what changed, and the model that shows it updates.
One set of models exists per UI session (browser tab or window), never per process.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import flet as ft

from services import session as sessions
from services.crisis import country_from_locales, guess_country
from services.i18n import DEFAULT_LANGUAGE, LANGUAGES, language_from_tags, system_language
from services.preferences import Preferences, tell_start_screen_language
from services.session import (
    FindingPrefs,
    KindredServices,
    SecuritySettings,
    default_finding,
)

log = logging.getLogger(__name__)

PHONE_BREAKPOINT = 600  # logical px: below it a phone's layout (destinations at the bottom on a touch screen)
# Where a thumb holds the device: Flutter's web engine reports the browser's own system.
TOUCH_PLATFORMS = frozenset({ft.PagePlatform.ANDROID.value, ft.PagePlatform.IOS.value})

THEME_MODES = {"system": ft.ThemeMode.SYSTEM, "light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK}


def flutter_locales(tag: str) -> ft.LocaleConfiguration | None:
    """Flutter's locale for ``tag`` ("es-MX", "fr", "en-GB"): that one first, then the languages
    Kindred speaks (Flutter falls back from a region it lacks to its language). None for
    Flutter's own default (US English): nothing to change, so Flutter does not rebuild every
    screen when the browser's locale arrives a moment after the first one is drawn."""
    if tag in ("en", "en-US"):
        return None
    language, _, region = tag.partition("-")
    current = ft.Locale(language, region or None)
    others = [ft.Locale(code) for code in LANGUAGES if code != language or region]
    return ft.LocaleConfiguration(supported_locales=[current, *others], current_locale=current)


@ft.observable
@dataclass
class FindModel:
    """Find's search, kept for the whole session: opening a group, switching tabs or
    setting a place and coming back shows the same words, filters, sort, results and
    scroll position. ``applied`` is the query string the results belong to."""

    text: str = ""
    filters: object = None  # services.directory.search.SearchQuery (set by the screen)
    results: tuple = ()
    total: int = 0
    loaded: bool = False
    error: str | None = None
    applied: str | None = None
    place_key: str | None = None
    _scroll: float = 0.0  # pixels; not observed (scrolling never re-renders)
    _runner: object = None  # the screen's SearchRunner, kept with the results it fills in
    _more_pending: bool = False
    # The search field has the focus, and results of typing came while it had: the address
    # follows once the person leaves the field (views/find/screen.py says why).
    _search_focused: bool = False
    _route_pending: bool = False


@ft.observable
@dataclass
class SavedModel:
    """The ids of the saved groups (for bookmarks on Find) and a generation that moves on
    whenever the session announces a change to them (Saved reloads its cards)."""

    ids: frozenset = frozenset()
    generation: int = 0


@ft.observable
@dataclass
class JournalModel:
    """Moves on whenever the session announces a journal change, in this tab or from a
    screen of this tab: every journal screen that shows data reloads then."""

    generation: int = 0


@ft.observable
@dataclass
class SyncModel:
    """Directory sync, as this session sees it. The sync itself is the process's (one at a
    time); the progress and results shown are this session's."""

    sources: tuple | None = None  # SourceStatus rows, None until loaded
    running: bool = False
    status: str | None = None  # "Checking Acme (1 of 2)…"
    fraction: float | None = None
    outcomes: tuple = ()
    catalogue: object | None = None  # the catalogue's CatalogueSource (its address, last check), None until loaded
    _task: asyncio.Task | None = field(default=None, repr=False)


@ft.observable
@dataclass
class AppModel:
    """The session's frame: preferences, size, and whether (and how) it is unlocked."""

    services: KindredServices
    preferences: Preferences
    width: float = 1024
    page: ft.Page | None = field(default=None, repr=False)
    # The unlocked private session of THIS UI session only (None while locked).
    session: sessions.PrivateSession | None = field(default=None, repr=False)
    vault_set_up: bool = False
    # Shown once after set-up (or a restore on a fresh device) until "I have written it down".
    pending_recovery_code: str | None = field(default=None, repr=False)
    screen_locked: bool = False
    security: SecuritySettings = field(default_factory=SecuritySettings)
    lock_message: str | None = None
    # "Get help now" is an overlay over whatever is on screen: closing it returns exactly
    # there, with every half-typed answer and draft still in place.
    help_open: bool = False
    # Set-up or unlock asked over a public screen (why, in a few words), and what to do once open.
    asking_private: str | None = None
    _after_open: object = field(default=None, repr=False)
    height: float = 800
    finding: FindingPrefs | None = field(default=None, repr=False)
    # The country in THIS session's own browser or device locale (en-NZ → NZ), read from the
    # client by watch_locale(); None when the locale names no country ("en").
    locale_country: str | None = None
    # The first of the client's locales whose language Kindred speaks ("es-MX" → "es").
    locale_language: str | None = None
    _locale_tags: tuple = field(default=(), repr=False)
    file_picker: ft.FilePicker | None = field(default=None, repr=False)
    saved: SavedModel = field(default_factory=SavedModel)
    find: FindModel = field(default_factory=FindModel)
    journal: JournalModel = field(default_factory=JournalModel)
    sync: SyncModel = field(default_factory=SyncModel)
    _unsubscribe: object = field(default=None, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _idle_task: asyncio.Task | None = field(default=None, repr=False)
    _runner: object = field(default=None, repr=False)  # views/actions.py's ActionRunner
    _tasks: set = field(default_factory=set, repr=False)  # background loads still running

    @property
    def is_phone(self) -> bool:
        return self.width < PHONE_BREAKPOINT

    @property
    def destinations_at_bottom(self) -> bool:
        """A phone-sized window on a touch screen shows the destinations at the bottom, where a
        thumb is. A narrow window on a computer keeps them under the app bar, as wider windows
        do: Flutter moves keyboard focus by position (Flet has no focus-traversal group), and a
        bar at the bottom came between the rows on screen and the rows scrolled below it.
        Settings can choose either place (a phone with a keyboard: the top)."""
        if not self.is_phone:
            return False
        if self.preferences.navigation_place != "auto":
            return self.preferences.navigation_place == "bottom"
        platform = self.page.platform if self.page is not None else None
        return platform is None or getattr(platform, "value", platform) in TOUCH_PLATFORMS

    @property
    def country(self) -> str | None:
        """The crisis-line country: the person's choice, else the region of this session's own
        browser or device locale. The machine's locale counts only outside a browser: in web
        mode it is the server's, not the person's. None: not known, and help asks."""
        if self.preferences.country:
            return self.preferences.country
        if self.locale_country:
            return self.locale_country
        if self.page is not None and self.page.web:
            return None
        return guess_country()

    def set_locales(self, tags) -> None:
        """This session's client reported its locales (most preferred first)."""
        country = country_from_locales(tags)
        if country != self.locale_country:
            self.locale_country = country
        language = language_from_tags(tags)
        if language != self.locale_language:
            self.locale_language = language
        changed = tuple(tags or ()) != self._locale_tags
        self._locale_tags = tuple(tags or ())
        if changed:
            self.apply_page_settings()

    @property
    def locale_tag(self) -> str:
        """The language with this person's region for dates and numbers ("es-MX", "en-US"), when
        their browser or device gives one for that language; else the language alone."""
        language = self.language
        for tag in self._locale_tags:
            if tag.split("-")[0].lower() == language and "-" in tag:
                return tag
        return language

    @property
    def language(self) -> str:
        """The UI language of THIS session: the person's choice in Settings, else the first of
        the browser's or device's languages Kindred speaks, else (outside a browser) the
        machine's, else English."""
        if self.preferences.language:
            return self.preferences.language
        if self.locale_language:
            return self.locale_language
        if self.page is not None and not self.page.web:
            return system_language() or DEFAULT_LANGUAGE
        return DEFAULT_LANGUAGE

    @property
    def unlocked(self) -> bool:
        return self.session is not None and self.session.unlocked

    @property
    def finding_prefs(self) -> FindingPrefs:
        """The person's finding preferences, or the country's defaults while locked."""
        if self.finding is not None:
            return self.finding
        return default_finding(self.country)

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
        return self.page is not None and not self.page.web and sessions.has_keyring_slot(self.services)

    def apply_page_settings(self) -> None:
        """The theme, and the language Flutter's own widgets speak (the date picker's month
        names and buttons, a text field's context menu): this session's UI language, with the
        person's region when their browser or device gives one ("es-MX")."""
        if self.page is None:
            return
        self.page.theme_mode = THEME_MODES[self.preferences.theme_mode]
        self.page.locale_configuration = flutter_locales(self.locale_tag)
        self.page.update()
        tell_start_screen_language(self.preferences.language)

    def touch(self) -> None:
        """Interaction: resets the auto-lock timer."""
        if self.session is not None:
            self.session.touch()

    # --- following the session ------------------------------------------------------------
    def opened(self, opened: sessions.PrivateSession | sessions.Opened) -> None:
        """A session was unlocked (or restored): show it, and follow what it announces."""
        if isinstance(opened, sessions.Opened):
            if opened.recovery_code:
                self.pending_recovery_code = opened.recovery_code
            session = opened.session
        else:
            session = opened
        self.vault_set_up = True
        if session is self.session:
            self._refresh_private()
            return
        self._detach()
        session.biometric_available = self.biometric_available
        self._loop = asyncio.get_running_loop()
        loop = self._loop

        def from_any_thread(topic: str) -> None:
            # Session methods run in worker threads; models change on the event loop only.
            loop.call_soon_threadsafe(self._on_session_topic, session, topic)

        self._unsubscribe = session.subscribe(from_any_thread)
        self.lock_message = None
        self.screen_locked = False
        self.security = session.security
        self.session = session
        self._refresh_private()
        self._start_idle_watch()
        then, self._after_open = self._after_open, None
        self.asking_private = None
        if then is not None:
            self._background(then())

    def _on_session_topic(self, session: sessions.PrivateSession, topic: str) -> None:
        if session is not self.session:
            return  # an old session's last words
        if topic == sessions.LOCKED:
            self._forget(session.lock_reason)
        elif topic == sessions.SCREEN:
            self.screen_locked = session.screen_locked
        elif topic == sessions.SECURITY:
            self.security = session.security
        elif topic == sessions.SAVED:
            self._reload_saved()
        elif topic == sessions.JOURNAL:
            self.journal.generation += 1
        elif topic == sessions.FINDING:
            self.finding = session._finding
        elif topic == sessions.RESTORED:
            self._refresh_private()
        if self.page is not None:
            self.page.update()

    def _refresh_private(self) -> None:
        self.finding = None
        self.journal.generation += 1
        self._reload_saved()
        self._load_finding()

    def _background(self, coro) -> None:
        try:
            task = asyncio.get_running_loop().create_task(coro)
        except RuntimeError:  # no loop (a plain unit test): nothing to load in the background
            coro.close()
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def busy(self, sync: bool = True) -> bool:
        """Work of this session still running (actions, background loads, and a sync)."""
        if getattr(self._runner, "busy", 0) or self._tasks:
            return True
        sync_task = self.sync._task
        return sync and (self.sync.running or (sync_task is not None and not sync_task.done()))

    def _reload_saved(self) -> None:
        session = self.session
        if session is None:
            return

        async def load() -> None:
            try:
                ids = await asyncio.to_thread(session.saved_ids)
            except Exception as problem:  # noqa: BLE001 - locked meanwhile, or unreadable: keep the old ids
                log.info("saved ids not loaded: %s", type(problem).__name__)
                return
            if session is self.session:
                self.saved.ids = ids
                self.saved.generation += 1

        self._background(load())

    def _load_finding(self) -> None:
        session = self.session
        if session is None:
            return

        async def load() -> None:
            try:
                prefs = await asyncio.to_thread(lambda: session.finding)
            except Exception as problem:  # noqa: BLE001 - locked meanwhile: the defaults stay
                log.info("finding preferences not loaded: %s", type(problem).__name__)
                return
            if session is self.session:
                self.finding = prefs

        self._background(load())

    def _forget(self, message: str | None) -> None:
        """The key is gone: nothing private stays in the models."""
        self._detach()
        self.session = None
        self.screen_locked = False
        self.finding = None
        self.lock_message = message
        # No reloads here: the private screens are replaced by the guard (a screen that
        # re-rendered now would find no session). The saved ids are simply forgotten.
        self.saved.ids = frozenset()
        self._stop_idle_watch()

    def _detach(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if callable(unsubscribe):
            unsubscribe()

    # --- locking ----------------------------------------------------------------------
    def lock_now(self, message: str | None = None) -> None:
        """Lock fully: the data key is dropped from this session's memory."""
        session = self.session
        if session is not None:
            session.lock(message)
        self._forget(message)

    def lock_button(self) -> None:
        """"Lock now": with a PIN set, the PIN opens Kindred again (the key is dropped either way)."""
        session = self.session
        if session is not None and session.security.has_pin and session.is_open:
            session.lock_now()
            self.screen_locked = True
            return
        self.lock_now()

    def ask_for_private(self, why: str, then=None) -> None:
        """Something private is being kept from a public screen: ask for set-up (first time)
        or the passphrase, then run ``then`` (an async function)."""
        self._after_open = then
        self.asking_private = why

    def acknowledge_recovery_code(self) -> None:
        self.pending_recovery_code = None

    def end_session(self) -> None:
        """The tab or window went away: forget the key."""
        self.lock_now()

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
        while self.session is not None:
            await asyncio.sleep(15)
            session = self.session
            if session is not None and session.check_idle():
                return


AppContext = ft.create_context(None)


class OutsideTheApp(RuntimeError):
    """A component drawn with no app above it: a leftover of a move in the tree (see
    views/update_guard.py), or a programming error."""


def use_app() -> AppModel:
    app = ft.use_context(AppContext)
    if app is None:
        raise OutsideTheApp("use_app() outside of the Kindred app")
    return app


def use_session() -> sessions.PrivateSession | None:
    """This tab's unlocked private session, or None while locked."""
    return use_app().session


def use_saved_model() -> SavedModel:
    """Subscribes the calling component to the saved groups' model."""
    app = use_app()
    ft.use_context(SavedContext)
    return app.saved


def use_find_model() -> FindModel:
    app = use_app()
    ft.use_context(FindContext)
    return app.find


def use_journal_model() -> JournalModel:
    app = use_app()
    ft.use_context(JournalContext)
    return app.journal


def use_sync_model() -> SyncModel:
    app = use_app()
    ft.use_context(SyncContext)
    return app.sync


SavedContext = ft.create_context(None)
FindContext = ft.create_context(None)
JournalContext = ft.create_context(None)
SyncContext = ft.create_context(None)


def provide_models(app: AppModel, render):
    """Wrap ``render`` so that every screen below can reach the models."""
    return AppContext(app, lambda: SavedContext(app.saved, lambda: JournalContext(
        app.journal, lambda: SyncContext(app.sync, lambda: FindContext(app.find, render)))))
