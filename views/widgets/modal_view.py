import flet as ft

from views.widgets.icon_action import IconAction
from views.widgets.screen import ScreenBody


def close_to_home():
    ft.context.page.navigate("/")


def ModalView(route: str, title: str, close_label: str, controls: list) -> ft.View:
    """A full-screen page that slides over the app (help, privacy) with a labelled close button."""
    return ft.View(
        route=route,
        fullscreen_dialog=True,
        appbar=ft.AppBar(
            title=ft.Text(title),
            leading=IconAction(ft.Icons.CLOSE, close_label, on_click=close_to_home),
        ),
        controls=[ScreenBody(controls)],
    )
