"""Find: the group finder. The directory engine and search arrive in a later version."""

import flet as ft

from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody


@ft.component
def FindScreen():
    return ScreenBody(
        [
            ft.Text("Find a group", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            Notice(
                ft.Icons.TRAVEL_EXPLORE,
                "The group finder is on its way",
                "Searching support groups by topic, format and schedule is not built yet. "
                "Nothing here is searchable today.",
            ),
        ]
    )
