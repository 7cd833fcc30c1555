"""First-run welcome: what Kindred is, and in plain words what stays on the device."""

import flet as ft

from views.actions import use_actions
from views.lock.common import PrivacyLink
from views.models import use_app
from views.widgets.screen import ScreenBody
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

PROMISES = [
    (ft.Icons.PHONE_ANDROID, N_("Your journal, notes and saved groups stay on this device. They are never uploaded.")),
    (ft.Icons.LOCK_OUTLINE, N_("Private things are stored encrypted, so the file alone is unreadable.")),
    (ft.Icons.CLOUD_OFF, N_("It works with no internet. Updating the group directory is optional and sends nothing about you.")),
    (ft.Icons.VISIBILITY_OFF, N_("No accounts, no ads, no analytics, no tracking.")),
]


@ft.component
def WelcomeContent():
    state = use_app()
    actions = use_actions()

    async def get_started():
        await actions.set_preferences(state.services.preferences.mark_welcome_done)

    return ScreenBody(
        [
            ft.Text(_("Welcome to Kindred"), theme_style=ft.TextThemeStyle.HEADLINE_MEDIUM),
            ft.Text(
                _("Find a support group that fits you, keep the ones you like close, "
                "and keep a private journal between meetings.")
            ),
            *[
                ft.Row(
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    controls=[
                        ft.Icon(icon, color=ft.Colors.PRIMARY),
                        ft.Text(_(text), expand=True),
                    ],
                )
                for icon, text in PROMISES
            ],
            ft.Text(
                _("If you need someone to talk to right now, \"Get help now\" at the top is always one tap away."),
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.FilledButton(_("Get started"), icon=ft.Icons.ARROW_FORWARD, on_click=get_started),
            PrivacyLink(),
        ]
    )
