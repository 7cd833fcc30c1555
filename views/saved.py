"""Saved: the groups a person keeps. Arrives with the group finder in a later version."""

import flet as ft

from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody


@ft.component
def SavedScreen():
    return ScreenBody(
        [
            ft.Text("Saved groups", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            Notice(
                ft.Icons.BOOKMARK_BORDER,
                "No saved groups yet",
                "Once the group finder is here, the groups you save will be listed with their next meetings.",
            ),
        ]
    )
