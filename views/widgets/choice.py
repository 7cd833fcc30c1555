import flet as ft

from views.i18n import _


def Choice(**options) -> ft.Dropdown:
    """``ft.Dropdown`` whose arrow button has a name: Flutter's own arrow is an unnamed
    focusable button (a screen reader says just "button")."""
    return ft.Dropdown(
        trailing_icon=ft.Icon(ft.Icons.ARROW_DROP_DOWN, semantics_label=_("Show the choices")),
        selected_trailing_icon=ft.Icon(ft.Icons.ARROW_DROP_UP, semantics_label=_("Hide the choices")),
        **options,
    )
