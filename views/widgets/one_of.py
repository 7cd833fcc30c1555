import flet as ft

from views.i18n import _
from views.widgets.bind import bind


@ft.component
def OptionRow(label: str, selected: bool, on_pick, fill: bool = True):
    """One answer of a single choice: a radio mark and its words as one row at least 48 px
    tall, named "Several days (1), selected" when chosen (as the mood buttons are)."""
    return ft.Semantics(
        label=_("{choice}, selected").format(choice=label) if selected else label,
        button=True,
        selected=selected,
        container=True,
        content=ft.Container(
            on_click=on_pick,
            ink=True,
            border_radius=8,
            padding=ft.Padding.symmetric(horizontal=4, vertical=12),
            content=ft.Row(spacing=12, tight=not fill, controls=[
                ft.Icon(ft.Icons.RADIO_BUTTON_CHECKED if selected else ft.Icons.RADIO_BUTTON_UNCHECKED,
                        color=ft.Colors.PRIMARY if selected else ft.Colors.ON_SURFACE_VARIANT),
                # The row's name says it already, with its state. (An ExcludeSemantics here split
                # the row into a named node and an unnamed button inside it.)
                ft.Text(label, semantics_label="", expand=fill or None),
            ]),
        ),
    )


@ft.component
def OneOf(options: list[tuple[str, str]], value: str | None, on_change, wrap: bool = False):
    """A single choice among ``options`` (value, words), in place of ``ft.RadioGroup``.

    Flutter draws a radio with a 40 px target on desktop platforms and in a desktop browser
    (its tap-target size is "shrink-wrap" there; Flet cannot pad it), and Kindred keeps every
    target at least 44 px. ``on_change(value)`` may be async. ``wrap``: side by side, going
    on in a new line where they do not fit (short answers: "JSON", "CSV")."""
    rows = [OptionRow(label, value == option, bind(on_change, option), fill=not wrap, key=option) for option, label in options]
    if wrap:
        return ft.Row(wrap=True, spacing=8, run_spacing=0, controls=rows)
    return ft.Column(spacing=0, controls=rows)
