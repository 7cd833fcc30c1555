"""Escape closes what is on top.

Flutter itself closes a dismissible dialog or sheet on Escape (the filter sheet, "Get help
now", confirmations): focus is inside it, and its route handles the key. Closing those here
too would close two overlays for one key. Left to this module: a modal dialog (a passphrase
change, a PIN: a stray tap must not close them, so Flutter ignores Escape there too) and the
full-screen pages that slide over the app (/help, /privacy), which are routes, not dialogs.
"""

from __future__ import annotations

import flet as ft

FULL_SCREEN_OVERLAYS = ("/help", "/privacy")


def top_dialog(page: ft.Page):
    """The topmost open dialog, sheet or snack bar, or None."""
    return next((d for d in reversed(page._dialogs.controls) if d.open), None)  # noqa: SLF001 - Flet keeps them here


async def close_top_overlay(page: ft.Page) -> bool:
    """Close the topmost overlay Flutter does not close on Escape by itself, as if its own
    close button had been used (its dismiss handler runs). Returns whether one was closed."""
    dialog = top_dialog(page)
    if dialog is not None:
        if not getattr(dialog, "modal", False):
            return False  # Flutter closes it (and reports the dismissal) itself
        page.pop_dialog()
        # Closed from here, the client does not report the dismissal: run it as it would.
        await page.session.dispatch_event(dialog._i, "dismiss", None)  # noqa: SLF001
        return True
    if page.route in FULL_SCREEN_OVERLAYS:
        page.navigate("/")
        return True
    return False
