import flet as ft


@ft.component
def IconAction(icon: ft.IconData, label: str, on_click=None, url: str | None = None):
    """An icon button with an accessible name.

    The name is the icon's semantics label, which Flutter merges into the button's own node:
    one focusable button with a name. (A Semantics wrapper around the button made a named
    node with an unnamed focusable button inside it; a tooltip alone leaves the button
    nameless in the browser, and a tooltip plus a label is read twice.)
    """
    return ft.IconButton(ft.Icon(icon, semantics_label=label), on_click=on_click, url=url)
