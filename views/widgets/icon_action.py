import flet as ft


@ft.component
def IconAction(icon: ft.IconData, label: str, on_click=None, url: str | None = None):
    """An icon button with an accessible name.

    A tooltip alone leaves the button nameless in the browser's accessibility tree (screen
    readers say just "button"), and a tooltip plus a Semantics label is read twice; so the
    label comes from Semantics only.
    """
    return ft.Semantics(
        label=label,
        button=True,
        container=True,
        content=ft.IconButton(icon, on_click=on_click, url=url),
    )
