"""Settings: theme, the country for crisis lines, and what Kindred keeps where."""

import flet as ft

from services.crisis import all_countries
from views.sources import SourcesSummary
from views.state import use_app_state
from views.widgets.screen import ScreenBody

THEME_CHOICES = [("system", "System", ft.Icons.BRIGHTNESS_AUTO), ("light", "Light", ft.Icons.LIGHT_MODE), ("dark", "Dark", ft.Icons.DARK_MODE)]


@ft.component
def SectionTitle(text: str):
    return ft.Text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600)


@ft.component
def SettingsScreen():
    state = use_app_state()

    async def on_theme(e):
        selected = next(iter(e.control.selected or []), "system")
        await state.set_theme_mode(selected)

    async def on_country(e):
        await state.set_country(e.control.value)

    country = state.country
    return ScreenBody(
        [
            ft.Text("Settings", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            SectionTitle("Appearance"),
            ft.SegmentedButton(
                selected=[state.preferences.theme_mode],
                allow_multiple_selection=False,
                allow_empty_selection=False,
                on_change=on_theme,
                segments=[
                    ft.Segment(value=value, label=ft.Text(label), icon=ft.Icon(icon))
                    for value, label, icon in THEME_CHOICES
                ],
            ),
            SectionTitle("Crisis lines"),
            ft.Text(
                "\"Get help now\" shows the lines for this country."
                + ("" if state.preferences.country else " This is a guess from your device's language settings."),
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            ft.Dropdown(
                label="Country",
                value=country,
                enable_filter=True,
                editable=True,
                menu_height=400,
                expand=True,
                on_select=on_country,
                options=[ft.DropdownOption(key=code, text=name) for code, name in all_countries()],
            ),
            SectionTitle("Directory sources"),
            SourcesSummary(),
            SectionTitle("Your privacy"),
            ft.Text(
                "Kindred has no account and no server. Your journal, notes and saved groups stay in "
                f"a folder on this device ({state.services.data_dir}). Updating the group directory only "
                "downloads public listings; it never sends anything about you."
            ),
        ]
    )
