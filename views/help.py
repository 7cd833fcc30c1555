"""The crisis lines behind "Get help now": an overlay over whatever is on screen (closing it
returns exactly there), and the /help route for a shared link. Works locked, offline,
without a database."""

import flet as ft

from services.crisis import crisis_info
from views.models import AppModel, use_app
from views.widgets.icon_action import IconAction
from views.widgets.modal_view import ModalView

ACTION_ICONS = {"call": ft.Icons.CALL, "text": ft.Icons.SMS, "web": ft.Icons.OPEN_IN_NEW}


@ft.component
def CrisisLineCard(line):
    return ft.Card(
        content=ft.Container(
            padding=16,
            content=ft.Column(
                spacing=8,
                controls=[
                    ft.Text(line.name, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
                    ft.Text(line.description),
                    ft.Row(
                        wrap=True,
                        spacing=8,
                        run_spacing=8,
                        controls=[
                            ft.FilledButton(action.label, icon=ACTION_ICONS.get(action.kind), url=action.target)
                            for action in line.actions
                        ],
                    ),
                ],
            ),
        )
    )


def open_help(app: AppModel) -> None:
    """Show the crisis lines over the current screen (nothing underneath changes)."""
    app.touch()
    app.help_open = True


def help_controls(app: AppModel, leave) -> list:
    """What "Get help now" shows. ``leave(route)`` closes the help and goes to ``route``."""
    info = crisis_info(app.country)
    where = info.country_name or "your country"
    emergency = info.emergency_number or "your local emergency number"
    return [
        ft.Container(
            bgcolor=ft.Colors.ERROR_CONTAINER,
            border_radius=12,
            padding=16,
            content=ft.Text(
                f"If you might act on thoughts of harming yourself, or you are in danger right now, "
                f"call {emergency}.",
                color=ft.Colors.ON_ERROR_CONTAINER,
                weight=ft.FontWeight.W_600,
            ),
        ),
        ft.Text(
            f"You don't have to be in crisis to reach out. These lines for {where} are free and confidential.",
        ),
        *[CrisisLineCard(line) for line in info.lines],
        ft.OutlinedButton("My safety plan", icon=ft.Icons.HEALTH_AND_SAFETY, on_click=lambda: leave("/journal/safety-plan")),
        ft.Row(
            wrap=True,
            controls=[
                ft.Text(f"Showing lines for {where}.", color=ft.Colors.ON_SURFACE_VARIANT),
                ft.TextButton("Change country", on_click=lambda: leave("/settings")),
            ],
        ),
        ft.Text(
            f"Numbers last checked {info.last_checked}. Kindred does not see or record any call or message.",
            size=12,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
    ]


@ft.component
def HelpOverlay():
    """Mounted once in the shell: the crisis lines as a full-screen dialog while
    ``AppModel.help_open``. The page underneath stays mounted and untouched."""
    app = use_app()

    def close(_=None):
        app.help_open = False

    def leave(route: str) -> None:
        app.help_open = False
        ft.context.page.navigate(route)

    if not app.help_open:
        ft.use_dialog(None)
    else:
        ft.use_dialog(ft.AlertDialog(
            modal=False,
            inset_padding=ft.Padding.all(0),
            content_padding=ft.Padding.all(0),
            title_padding=ft.Padding.only(left=8, top=8, right=16),
            title=ft.Row(spacing=8, controls=[
                IconAction(ft.Icons.CLOSE, "Close help", on_click=close),
                ft.Text("Get help now", theme_style=ft.TextThemeStyle.TITLE_LARGE, expand=True),
            ]),
            content=ft.Container(
                width=max(300, min(app.width - 32, 720)),
                padding=ft.Padding.symmetric(horizontal=16, vertical=12),
                content=ft.Column(spacing=16, controls=help_controls(app, leave)),
            ),
            scrollable=True,
            on_dismiss=close,
        ))
    return ft.Container(width=0, height=0)


@ft.component
def HelpScreen():
    """/help opened directly (a link or a bookmark): the same lines as a page."""
    app = use_app()

    def leave(route: str) -> None:
        ft.context.page.navigate(route)

    return ModalView("/help", "Get help now", "Close help", help_controls(app, leave))
