"""Pieces the lock screens share (set-up, recovery code, unlock, quick unlock)."""

import flet as ft
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401

STRENGTH_COLORS = {0: ft.Colors.ERROR, 1: ft.Colors.ERROR, 2: ft.Colors.TERTIARY, 3: ft.Colors.PRIMARY}


def Heading(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.HEADLINE_SMALL)


def ErrorText(message: str | None):
    return ft.Text(message or "", color=ft.Colors.ERROR, visible=bool(message), semantics_label=message or None)


def PrivacyLink(label: str = N_("How Kindred keeps things private")):
    label = _(label)  # the default is marked N_ and translated per call
    def open_privacy():
        ft.context.page.navigate("/privacy")

    return ft.TextButton(label, icon=ft.Icons.PRIVACY_TIP_OUTLINED, on_click=open_privacy)




def OpenWithoutPassphrase():
    """What needs no passphrase, offered where one is asked: the coping-strategy library and
    what a safety plan is (the directory and "Get help now" are always a tap away)."""
    def go(route: str):
        return lambda: ft.context.page.navigate(route)

    return ft.Column(spacing=0, controls=[
        ft.Text(_("Open without a passphrase"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
        ft.Row(wrap=True, spacing=4, run_spacing=0, controls=[
            ft.TextButton(_("Coping strategies"), icon=ft.Icons.SELF_IMPROVEMENT, on_click=go("/journal/strategies")),
            ft.TextButton(_("What a safety plan is"), icon=ft.Icons.HEALTH_AND_SAFETY_OUTLINED,
                          on_click=go("/journal/safety-plan")),
        ]),
    ])
