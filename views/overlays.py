"""Escape closes what is on top: a dialog or sheet (the crisis help, the filters, a
confirmation), else a full-screen page that slid over the app (/help, /privacy)."""

from __future__ import annotations

import flet as ft

FULL_SCREEN_OVERLAYS = ("/help", "/privacy")


async def close_top_overlay(page: ft.Page) -> bool:
    """Close the topmost open overlay as if the person had tapped outside it (its dismiss
    handler runs, so the screen that opened it knows it is closed). Returns whether
    anything was closed."""
    dialog = page.pop_dialog()
    if dialog is not None:
        # Closed from here, the client does not report the dismissal: run it as it would.
        await page.session.dispatch_event(dialog._i, "dismiss", None)
        return True
    if page.route in FULL_SCREEN_OVERLAYS:
        page.navigate("/")
        return True
    return False
