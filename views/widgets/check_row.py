import flet as ft

from views.widgets.bind import bind


@ft.component
def CheckRow(label: str, value: bool, on_change, switch: bool = False, key: str | None = None):
    """A checkbox (or, with ``switch``, an on/off switch) and its label as one target at least
    48 px tall, read with its state ("I have written it down, checkbox, not checked").

    Flutter draws ``ft.Checkbox`` and ``ft.Switch`` with a 40 px target on desktop platforms
    and in a desktop browser (their tap-target size is "shrink-wrap" there, and Flet exposes
    no way to pad it). Here the whole row is the target: the Semantics node carries the state,
    the row's own tap and keyboard focus merge into it, and the label's text names it.
    """

    if switch:
        mark = ft.Icon(ft.Icons.TOGGLE_ON if value else ft.Icons.TOGGLE_OFF, size=36,
                       color=ft.Colors.PRIMARY if value else ft.Colors.OUTLINE)
    else:
        mark = ft.Icon(ft.Icons.CHECK_BOX if value else ft.Icons.CHECK_BOX_OUTLINE_BLANK,
                       color=ft.Colors.PRIMARY if value else ft.Colors.ON_SURFACE_VARIANT)
    return ft.Semantics(
        container=True,
        **({"toggled": bool(value)} if switch else {"checked": bool(value)}),
        content=ft.Container(
            key=key,
            on_click=bind(on_change, not value),  # on_change may be async
            border_radius=8,
            padding=ft.Padding.symmetric(horizontal=4, vertical=12 if not switch else 6),
            content=ft.Row(spacing=12, controls=[mark, ft.Text(label, expand=True)]),
        ),
    )
