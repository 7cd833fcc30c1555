"""Journal: private check-ins. Arrives with the encrypted store in a later version."""

import flet as ft

from views.widgets.notice import Notice
from views.widgets.screen import ScreenBody


@ft.component
def JournalScreen():
    return ScreenBody(
        [
            ft.Text("Journal", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            Notice(
                ft.Icons.EDIT_NOTE,
                "Your private journal is coming",
                "Quick mood check-ins and what helped will live here, encrypted on this device. "
                "It is not built yet, so nothing you could type here would be kept.",
            ),
        ]
    )
