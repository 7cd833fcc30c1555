"""Small pieces every journal screen shares: the session's journal, loading data off the
event loop, and a heading with a way back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import flet as ft

from services.journal import Journal
from views.state import use_app_state
from views.widgets.icon_action import IconAction
from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody

JOURNAL_LINKS = [
    ("/journal/insights", "Insights", ft.Icons.INSIGHTS),
    ("/journal/strategies", "Coping strategies", ft.Icons.SELF_IMPROVEMENT),
    ("/journal/self-check", "Self-checks", ft.Icons.CHECKLIST),
    ("/journal/safety-plan", "My safety plan", ft.Icons.HEALTH_AND_SAFETY),
    ("/journal/data", "Export, import, reminder", ft.Icons.IMPORT_EXPORT),
]


def use_journal() -> Journal | None:
    """The journal of this session's unlocked store, or None while locked."""
    state = use_app_state()
    return Journal.for_store(state.store) if state.store is not None else None


def use_loaded(load: Callable, dependencies: list):
    """Run ``load`` in a worker thread whenever a dependency changes.

    Returns ``(value, reload)``; value is None until the first load finishes.
    """
    value, set_value = ft.use_state(None)
    version, set_version = ft.use_state(0)

    async def run():
        set_value(await asyncio.to_thread(load))

    ft.use_effect(run, [*dependencies, version])
    return value, lambda: set_version(lambda v: v + 1)


def go(route: str) -> None:
    ft.context.page.navigate(route)


@ft.component
def SubScreenTitle(title: str, back_to: str = "/journal", back_label: str = "Back to journal"):
    return ft.Row(
        spacing=4,
        controls=[
            IconAction(ft.Icons.ARROW_BACK, back_label, on_click=lambda: go(back_to)),
            ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
        ],
    )


@ft.component
def LockedJournal(title: str = "Journal"):
    return ScreenBody(
        [
            ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            Notice(
                ft.Icons.LOCK_OUTLINE,
                "Unlock Kindred to see your journal",
                "Your journal is encrypted on this device. Once Kindred is unlocked, your check-ins, "
                "strategies and safety plan are here.",
            ),
        ]
    )


def snack(message: str, action: str | None = None, on_action=None) -> None:
    ft.context.page.show_dialog(
        ft.SnackBar(ft.Text(message), action=action, on_action=on_action, show_close_icon=action is None)
    )


@ft.component
def ErrorText(message: str | None):
    if not message:
        return ft.Container(visible=False)
    return ft.Semantics(
        live_region=True,
        content=ft.Text(message, color=ft.Colors.ERROR, weight=ft.FontWeight.W_600),
    )
