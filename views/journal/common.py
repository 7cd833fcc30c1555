"""Small pieces every journal screen shares: the session's journal, loading and writing
through the action runner, and a heading with a way back."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from views.actions import FAILED, use_actions
from views.models import use_app, use_journal_model
from views.widgets.icon_action import IconAction
from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

JOURNAL_LINKS = [
    ("/journal/insights", N_("Insights"), ft.Icons.INSIGHTS),
    ("/journal/strategies", N_("Coping strategies"), ft.Icons.SELF_IMPROVEMENT),
    ("/journal/self-check", N_("Self-checks"), ft.Icons.CHECKLIST),
    ("/journal/safety-plan", N_("My safety plan"), ft.Icons.HEALTH_AND_SAFETY),
    ("/journal/data", N_("Export, import, reminder"), ft.Icons.IMPORT_EXPORT),
]


def use_journal():
    """The journal of this session (services.journal.Journal), or None while locked."""
    session = use_app().session
    return session.journal if session is not None and session.is_open else None


def use_loaded(load: Callable, dependencies: list):
    """Run ``load`` through the action runner whenever a dependency changes, and whenever
    the session announces a journal change (from any screen of this tab).

    Returns ``(value, generation)``; value is None until the first load finishes.
    """
    model = use_journal_model()
    run = use_actions().run
    value, set_value = ft.use_state(None)
    open_now = use_journal() is not None

    async def reload():
        if not open_now:
            return  # locked meanwhile: the guard is about to replace this screen
        loaded = await run(load)
        if loaded is not FAILED:
            set_value(loaded)

    ft.use_effect(reload, [*dependencies, model.generation, open_now])
    return value, model.generation


def use_write():
    """``await write(fn, *args, on_error=..., done=...)``: a journal write through the runner;
    on success the session announces it, and every journal screen showing data reloads."""
    app = use_app()
    run = use_actions().run

    async def write(fn: Callable, *args, **kwargs):
        result = await run(fn, *args, **kwargs)
        session = app.session
        if result is not FAILED and session is not None:
            session.journal_changed()
        return result

    return write


def go(route: str) -> None:
    ft.context.page.navigate(route)


@ft.component
def SubScreenTitle(title: str, back_to: str = "/journal", back_label: str = N_("Back to journal")):
    back_label = _(back_label)  # the default is marked N_ and translated per call
    return ft.Row(
        spacing=4,
        controls=[
            IconAction(ft.Icons.ARROW_BACK, back_label, on_click=lambda: go(back_to)),
            ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
        ],
    )


@ft.component
def LockedJournal(title: str = N_("Journal")):
    title = _(title)  # the default is marked N_ and translated per call
    return ScreenBody(
        [
            ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            Notice(
                ft.Icons.LOCK_OUTLINE,
                _("Unlock Kindred to see your journal"),
                _("Your journal is encrypted on this device. Once Kindred is unlocked, your check-ins, "
                "strategies and safety plan are here."),
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
