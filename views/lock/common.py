"""Pieces the lock screens share (set-up, recovery code, unlock, quick unlock)."""

import flet as ft

STRENGTH_COLORS = {0: ft.Colors.ERROR, 1: ft.Colors.ERROR, 2: ft.Colors.TERTIARY, 3: ft.Colors.PRIMARY}


def Heading(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.HEADLINE_SMALL)


def ErrorText(message: str | None):
    return ft.Text(message or "", color=ft.Colors.ERROR, visible=bool(message), semantics_label=message or None)


def PrivacyLink(label: str = "How Kindred keeps things private"):
    def open_privacy():
        ft.context.page.navigate("/privacy")

    return ft.TextButton(label, icon=ft.Icons.PRIVACY_TIP_OUTLINED, on_click=open_privacy)


