import flet as ft

from views.i18n import _


def Choice(name: str | None = None, **options) -> ft.Control:
    """``ft.Dropdown`` whose arrow button has a name (Flutter's own arrow is an unnamed
    focusable button: a screen reader says just "button"), and which is itself named after
    its label, or ``name`` when given: Flutter's dropdown button does not take the name from the
    label drawn in its border (axe: aria-command-name), so a Semantics node around it carries it."""
    dropdown = ft.Dropdown(
        trailing_icon=ft.Icon(ft.Icons.ARROW_DROP_DOWN, semantics_label=_("Show the choices")),
        selected_trailing_icon=ft.Icon(ft.Icons.ARROW_DROP_UP, semantics_label=_("Hide the choices")),
        **options,
    )
    label = name or options.get("label")
    if not isinstance(label, str) or not label:
        return dropdown
    return ft.Semantics(label=label, container=True, content=dropdown, expand=options.get("expand"))
