"""The crisis-lines screen behind "Get help now". Works locked, offline, without a database."""

import flet as ft

from services.crisis import crisis_info
from views.models import use_app
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


@ft.component
def HelpScreen():
    state = use_app()
    info = crisis_info(state.country)
    where = info.country_name or "your country"
    emergency = info.emergency_number or "your local emergency number"

    def choose_country():
        ft.context.page.navigate("/settings")

    def open_safety_plan():
        ft.context.page.navigate("/journal/safety-plan")

    return ModalView(
        "/help",
        "Get help now",
        "Close help",
        [
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
            ft.OutlinedButton("My safety plan", icon=ft.Icons.HEALTH_AND_SAFETY, on_click=open_safety_plan),
            ft.Row(
                wrap=True,
                controls=[
                    ft.Text(f"Showing lines for {where}.", color=ft.Colors.ON_SURFACE_VARIANT),
                    ft.TextButton("Change country", on_click=choose_country),
                ],
            ),
            ft.Text(
                f"Numbers last checked {info.last_checked}. Kindred does not see or record any call or message.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ],
    )
