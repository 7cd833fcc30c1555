"""The root component and the per-session page set-up."""

import asyncio

import flet as ft

from services.app import KindredServices
from views.find import FindScreen
from views.help import HelpScreen
from views.journal import JournalScreen
from views.journal_checkin import EditEntryScreen
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
                        ft.Route(path="journal", component=JournalScreen),
                        ft.Route(path="journal/entry/:id", component=EditEntryScreen),
                        ft.Route(path="saved", component=SavedScreen),
                        ft.Route(path="settings", component=SettingsScreen),
                    ],
                ),
                ft.Route(path="help", component=HelpScreen, modal=True),
            ],
            manage_views=True,
        ),
    )


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
        state.apply_theme()
        page.render_views(App, state)

    return start_session
