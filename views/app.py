"""The root component and the per-session page set-up."""

import asyncio
import os

import flet as ft

from services.app import KindredServices
from views.find import FindScreen
from views.help import HelpScreen
from views.journal import JournalScreen
from views.journal_checkin import EditEntryScreen
from views.journal_data import DataScreen
from views.journal_insights import InsightsScreen
from views.journal_safety_plan import SafetyPlanScreen
from views.journal_selfcheck import SelfCheckScreen
from views.journal_strategies import StrategiesScreen
from views.saved import SavedScreen
from views.settings import SettingsScreen
from views.shell import Shell
from views.state import AppState, AppStateContext

SEED_COLOR = "#4F7C7A"  # a calm teal


@ft.component
def App(state: AppState):
    return AppStateContext(
        state,
        lambda: ft.Router(
            [
                ft.Route(
                    component=Shell,
                    outlet=True,
                    children=[
                        ft.Route(index=True, component=FindScreen),
                        ft.Route(
                            path="journal",
                            children=[
                                ft.Route(index=True, component=JournalScreen),
                                ft.Route(path="entry/:id", component=EditEntryScreen),
                                ft.Route(path="insights", component=InsightsScreen),
                                ft.Route(path="strategies", component=StrategiesScreen),
                                ft.Route(path="self-check", component=SelfCheckScreen),
                                ft.Route(path="safety-plan", component=SafetyPlanScreen),
                                ft.Route(path="data", component=DataScreen),
                            ],
                        ),
                        ft.Route(path="saved", component=SavedScreen),
                        ft.Route(path="settings", component=SettingsScreen),
                    ],
                ),
                ft.Route(path="help", component=HelpScreen, modal=True),
            ],
            manage_views=True,
        ),
    )


PASSPHRASE_VARIABLE = "KINDRED_PASSPHRASE"


async def unlock_from_environment(services: KindredServices, state: AppState) -> None:
    """For automation and testing only: when KINDRED_PASSPHRASE is set and the vault is set
    up, each NEW session starts unlocked with it. Until the unlock screen lands (privacy
    work), this is how the browser tests reach the journal. Never set it on a shared machine."""
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if not passphrase or not await asyncio.to_thread(services.vault.is_set_up):
        return
    try:
        state.store = await asyncio.to_thread(services.vault.unlock, passphrase)
    except Exception:  # a wrong passphrase leaves the session locked, as without it
        state.store = None


def make_page_handler(services: KindredServices):
    """The function Flet calls once for every new UI session (window or browser tab)."""

    async def start_session(page: ft.Page) -> None:
        page.title = "Kindred"
        page.theme = ft.Theme(color_scheme_seed=SEED_COLOR)
        page.dark_theme = ft.Theme(color_scheme_seed=SEED_COLOR)
        preferences = await asyncio.to_thread(services.preferences.load)
        state = AppState(services=services, preferences=preferences, width=page.width or 1024, page=page)

        def on_resize(e: ft.PageResizeEvent) -> None:
            state.width = e.width

        page.on_resize = on_resize
        page.data = state  # the session's own state; tests reach it here
        await unlock_from_environment(services, state)
        state.apply_theme()
        page.render_views(App, state)

    return start_session
