"""Text a person may want to copy: a folder's path, a public key, a code."""

from __future__ import annotations

import flet as ft


def SelectableText(text: str, label: str | None = None, identifier: str | None = None, **text_options) -> ft.Control:
    """Flutter's web engine makes selectable text a read-only text box, and a screen reader
    announces that box by its own name, not by the text in it (axe: "label"): the name is the
    text itself, or ``label`` where it says more ("Recovery code …")."""
    return ft.Semantics(label=label or text, identifier=identifier,
                        content=ft.Text(text, selectable=True, **text_options))
