"""The root component and the per-session page set-up."""

import asyncio

import flet as ft

from services.session import is_set_up
from views import update_guard
from views.actions import ActionRunner, ActionsContext
from views.find.choose import ChooseScreen
from views.find.group import GroupDetailsScreen
from views.find.screen import FindScreen
from views.guard import AuthGuard
from views.help import HelpScreen
from views.journal.checkin import EditEntryScreen
from views.journal.data import DataScreen
from views.journal.insights import InsightsScreen
from views.journal.safety_plan import SafetyPlanScreen
from views.journal.screen import JournalScreen
from views.journal.selfcheck import SelfCheckScreen
from views.journal.strategies import StrategiesScreen
from views.locale import watch_locale
from views.models import AppModel, provide_models
from views.overlays import close_top_overlay
from views.privacy import PrivacyScreen
from views.saved.screen import SavedScreen
from views.settings.screen import SettingsScreen
from views.settings.sources import SourcesScreen
from views.settings.organisation import OrganisationScreen
from views.shell import Shell
from views.sync import start_sync
from views.i18n import N_, _, ngettext  # noqa: F401

SEED_COLOR = "#4F7C7A"  # a calm teal


@ft.component
def App(app: AppModel, actions: ActionRunner):
    return provide_models(app, lambda: ActionsContext(
        actions,
        lambda: ft.Router(
            [
                ft.Route(
                    component=Shell,
                    outlet=True,
                    children=[
                        # Public: the directory needs no passphrase.
                        ft.Route(index=True, component=FindScreen),
                        ft.Route(
                            path="find",
                            children=[
                                ft.Route(path="group/:id", component=GroupDetailsScreen),
                                ft.Route(path="choose", component=ChooseScreen),
                            ],
                        ),
                        # Public too: the coping-strategy library and what a safety plan is
                        # (each asks for the passphrase only to keep something private).
                        ft.Route(path="journal/strategies", component=StrategiesScreen),
                        ft.Route(path="journal/safety-plan", component=SafetyPlanScreen),
                        # Private: behind the one auth guard.
                        ft.Route(component=AuthGuard, outlet=True, children=[
                        ft.Route(
                            path="journal",
                            children=[
                                ft.Route(index=True, component=JournalScreen),
                                ft.Route(path="entry/:id", component=EditEntryScreen),
                                ft.Route(path="insights", component=InsightsScreen),
                                ft.Route(path="self-check", component=SelfCheckScreen),
                                ft.Route(path="data", component=DataScreen),
                            ],
                        ),
                        ft.Route(
                            path="saved",
                            children=[
                                ft.Route(index=True, component=SavedScreen),
                                ft.Route(path="group/:id", component=GroupDetailsScreen),
                            ],
                        ),
                        ft.Route(path="settings", component=SettingsScreen),
                        ft.Route(path="settings/sources", component=SourcesScreen),
                        ft.Route(path="settings/organisation", component=OrganisationScreen),
                    ])],
                ),
                ft.Route(path="help", component=HelpScreen, modal=True),
                ft.Route(path="privacy", component=PrivacyScreen, modal=True),
            ],
            manage_views=True,
        ),
    ))


# Buttons at least 48 px tall (the touch-target size for phones): Flutter on the web
# leaves out Material's padded tap area, so the padding itself provides the height.
BUTTON_PADDING = ft.Padding.symmetric(horizontal=20, vertical=14)


# Keyboard focus must be seen (WCAG 2.4.7, 2.4.13): Material's focus highlight is a faint
# overlay (1.22:1 measured). Buttons get a 3 px ring in the text colour, and everything
# else that draws a focus highlight (cards, chips, radios, the rail) a strong one.
def focus_ring(color: str) -> dict:
    return {ft.ControlState.FOCUSED: ft.BorderSide(3, color)}


# Black on the light theme, white on the dark one: over the page's own background either
# differs by far more than 3:1. A filled button's ring is drawn over its fill: black
# differs from the teal fill by 3.4:1 (light theme) and more on the dark theme's light teal.
RING_LIGHT, RING_DARK = "#000000", "#FFFFFF"
FOCUS_COLOR = ft.Colors.with_opacity(0.45, ft.Colors.ON_SURFACE)


# With "reduce motion" asked for (prefers-reduced-motion in the browser, the system's
# setting elsewhere), screens change without sliding or zooming.
NO_TRANSITIONS = ft.PageTransitionsTheme(**{
    platform: ft.PageTransitionTheme.NONE for platform in ("android", "ios", "linux", "macos", "windows")
})


def kindred_theme(dark: bool = False, reduce_motion: bool = False) -> ft.Theme:
    ring = focus_ring(RING_DARK if dark else RING_LIGHT)
    button_style = ft.ButtonStyle(padding=BUTTON_PADDING, side=ring)
    return ft.Theme(
        page_transitions=NO_TRANSITIONS if reduce_motion else None,
        color_scheme_seed=SEED_COLOR,
        focus_color=FOCUS_COLOR,
        # STANDARD density in the browser too (the web defaults to compact).
        visual_density=ft.VisualDensity.STANDARD,
        button_theme=ft.ButtonTheme(style=button_style),
        filled_button_theme=ft.FilledButtonTheme(style=ft.ButtonStyle(padding=BUTTON_PADDING, side=focus_ring(RING_LIGHT),
                                                                       # no focus tint over the ring (it greyed the black)
                                                                       overlay_color={ft.ControlState.FOCUSED: ft.Colors.TRANSPARENT})),
        outlined_button_theme=ft.OutlinedButtonTheme(style=button_style),
        text_button_theme=ft.TextButtonTheme(style=button_style),
        # Filter chips were 38 px tall: 3 px more above and below makes 44.
        chip_theme=ft.ChipTheme(padding=ft.Padding.symmetric(horizontal=8, vertical=11)),
        segmented_button_theme=ft.SegmentedButtonTheme(style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=12, vertical=14),
                                                                             side=ring)),
        # 24 px icon + 12 px all round = 48 px.
        icon_button_theme=ft.IconButtonTheme(style=ft.ButtonStyle(padding=ft.Padding.all(12), side=ring)),
    )


def quiet_message_repr() -> None:
    """Flet's web transport builds a debug line for every message it sends
    (``transport_log.debug(f"send_message: {message}")``), and the f-string runs even when
    debug logging is off: the repr of an update walks its whole patch of controls. That was
    6 % of the app's CPU over bench/ui_latency.py's taps (issue #14, py-spy). The full repr is
    kept whenever that logger is at DEBUG."""
    import logging

    from flet.messaging.protocol import Message

    if getattr(Message.__repr__, "kindred_quiet", False):
        return
    full = Message.__repr__
    transport = logging.getLogger("flet_transport")

    def __repr__(self) -> str:
        return full(self) if transport.isEnabledFor(logging.DEBUG) else f"Message({self.action.name})"

    __repr__.kindred_quiet = True
    Message.__repr__ = __repr__

async def honour_reduced_motion(page: ft.Page) -> None:
    """Ask the client whether animations should be reduced; if so, turn them off."""
    try:
        features = await asyncio.wait_for(ft.SemanticsService().get_accessibility_features(), timeout=10)
    except Exception:  # noqa: BLE001 - a client that cannot say keeps the default motion
        return
    if features is not None and (features.disable_animations or features.reduce_motion):
        page.theme = kindred_theme(reduce_motion=True)
        page.dark_theme = kindred_theme(dark=True, reduce_motion=True)
        page.update()


def make_page_handler(services):
    """``services``: the process's KindredServices (services/app.py)."""
    quiet_message_repr()
    """The function Flet calls once for every new UI session (window or browser tab)."""

    update_guard.install()  # one bad redraw must not freeze a tab (views/update_guard.py)

    async def start_session(page: ft.Page) -> None:
        page.title = "Kindred"
        page.theme = kindred_theme()
        page.dark_theme = kindred_theme(dark=True)
        preferences = await asyncio.to_thread(services.preferences.load)
        state = AppModel(services=services, preferences=preferences, width=page.width or 1024,
                         height=page.height or 800, page=page)
        actions = ActionRunner(state)
        # Every session starts locked: unlocking belongs to this tab or window alone.
        state.vault_set_up = await asyncio.to_thread(is_set_up, services)
        state.file_picker = ft.FilePicker()  # backups: download and upload, also in the browser

        def on_resize(e: ft.PageResizeEvent) -> None:
            state.width = e.width
            state.height = e.height

        async def on_keyboard(e: ft.KeyboardEvent) -> None:
            state.touch()  # typing counts as use for the auto-lock
            if e.key == "Escape":
                await close_top_overlay(page)

        def on_close(_e) -> None:
            state.end_session()  # the tab is gone: forget the key

        page.on_resize = on_resize
        page.on_keyboard_event = on_keyboard
        page.on_close = on_close
        page.data = state  # the session's own models; tests reach them here
        state.apply_page_settings()
        page.render_views(App, state, actions)
        watch_locale(page, state)  # the country for help comes from this session's own locale
        page.run_task(honour_reduced_motion, page)
        # Check subscribed feeds that are due, in the background: the UI never waits for it,
        # and with no sources (or no network) it costs nothing but one quick query.
        start_sync(state, due_only=True)

    return start_session
