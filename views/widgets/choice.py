import flet as ft


def Choice(**options) -> ft.Dropdown:
    """``ft.Dropdown`` whose arrow button has a name: Flutter's own arrow is an unnamed
    focusable button (a screen reader says just "button")."""
    return ft.Dropdown(
        trailing_icon=ft.Icon(ft.Icons.ARROW_DROP_DOWN, semantics_label="Show the choices"),
        selected_trailing_icon=ft.Icon(ft.Icons.ARROW_DROP_UP, semantics_label="Hide the choices"),
        **options,
    )
