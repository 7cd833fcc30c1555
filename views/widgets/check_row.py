import flet as ft


@ft.component
def CheckRow(label: str, value: bool, on_change, key: str | None = None):
    """A checkbox and its label as one target at least 48 px tall, read as a checkbox with
    its state ("I have written it down, checkbox, not checked").

    Flutter draws ``ft.Checkbox`` with a 40 px target on desktop platforms and in a desktop
    browser (its tap-target size is "shrink-wrap" there, and Flet exposes no way to pad it),
    and only the box itself is the target, not the label. Here the whole row is the target:
    the Semantics node carries the checked state, the row's own tap and keyboard focus merge
    into it, and the label's text names it.
    """

    def toggle(_e=None):
        on_change(not value)

    return ft.Semantics(
        container=True,
        checked=bool(value),
        content=ft.Container(
            key=key,
            on_click=toggle,
            border_radius=8,
            padding=ft.Padding.symmetric(horizontal=4, vertical=12),
            content=ft.Row(
                spacing=12,
                controls=[
                    ft.Icon(ft.Icons.CHECK_BOX if value else ft.Icons.CHECK_BOX_OUTLINE_BLANK,
                            color=ft.Colors.PRIMARY if value else ft.Colors.ON_SURFACE_VARIANT),
                    ft.Text(label, expand=True),
                ],
            ),
        ),
    )
