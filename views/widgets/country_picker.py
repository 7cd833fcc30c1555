"""A searchable list of countries: a text field and the matching countries as buttons."""

import flet as ft
from views.widgets.text_input import TextInput

from services.crisis import search_countries
from views.i18n import N_, _, format_date, format_datetime, format_number, format_time, ngettext  # noqa: F401


@ft.component
def CountryPicker(on_pick, title: str = N_("Which country are you in?"), limit: int = 8):
    title = _(title)  # the default is marked N_ and translated per call
    """``on_pick(code)`` (async) is called with the chosen country's two-letter code.

    Buttons rather than a dropdown: each country is a named control that a screen reader
    and a keyboard reach directly, and typing narrows the list at once (search is local)."""
    query, set_query = ft.use_state("")
    matches = search_countries(query)
    shown = matches[:limit]
    hidden = len(matches) - len(shown)

    def picker(code: str):
        async def pick(_e=None):
            await on_pick(code)
        return pick

    return ft.Column(
        spacing=8,
        controls=[
            ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600),
            ft.Text(_("Then Kindred shows that country's emergency number and crisis lines. "
                    "Your choice stays on this device."), color=ft.Colors.ON_SURFACE_VARIANT),
            TextInput(
                label=_("Search countries"),
                prefix_icon=ft.Icons.SEARCH,
                value=query,
                on_change=lambda e: set_query(e.control.value or ""),
            ),
            ft.Row(
                wrap=True,
                spacing=8,
                run_spacing=8,
                controls=[
                    ft.OutlinedButton(name, on_click=picker(code))
                    for code, name in shown
                ],
            ),
            *([ft.Text(ngettext("{n} more — type a few letters of the name to find yours.", "{n} more — type a few letters of the name to find yours.", hidden).format(n=hidden),
                       color=ft.Colors.ON_SURFACE_VARIANT, size=13)] if hidden > 0 else []),
            *([ft.Text(_("No country matches \"{query}\". Try another spelling or its two-letter code.").format(query=query.strip()),
                       color=ft.Colors.ON_SURFACE_VARIANT)] if not matches else []),
        ],
    )
