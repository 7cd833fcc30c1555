"""A guard around Flet 1.0.5's component updates, so one bad redraw cannot freeze a tab.

Flet runs every scheduled component update in one loop (``Session.__updates_scheduler`` in
flet/messaging/session.py) with no ``try``: the first exception ends the loop, and with it every
later redraw and effect of that browser tab. The screen stops changing while the app goes on
underneath — seen here as the unlock screen left up after a good unlock, a check-in saved with
no "Check-in saved.", a resize or a Settings change never drawn.

The exception came from a leftover: when a part of the screen moves in the tree (the phone's
layout and the wider one place the page differently), Flet can build the moved part as a new
component under the old one's number without unmounting the old one. The old one still
listens to the app's state, gets scheduled on the next change, and — drawn outside the tree —
its ``use_app()`` finds no app and raises. So:

- an update of a component the session no longer holds under its number is skipped (the
  session's index maps each number to the control on screen), and so is one that finds no
  app above it (``OutsideTheApp``): both are leftovers, with nothing on screen to redraw;
- any other exception in an update is logged — its type and the line, never its message,
  which could quote what the person typed — and the loop goes on with the next update.
"""

from __future__ import annotations

import logging
import traceback

import flet as ft
from flet.components.component import Component

from views.models import OutsideTheApp

log = logging.getLogger(__name__)

_original_update = Component.update


def on_screen(component: Component) -> bool:
    """Whether the session still holds ``component`` under its number (not a leftover)."""
    try:
        session = ft.context.page.session
    except Exception:  # noqa: BLE001 — no page in this context: let Flet decide as before
        return True
    return session.index.get(component._i) is component


# Ends the log line of a failed redraw; tests/app_process.py fails a test whose app logged one.
FAILED_REDRAW = "; the tab goes on"


def guarded_update(self: Component) -> None:
    if not on_screen(self):
        log.debug("skipped the update of a leftover %s", getattr(self.fn, "__name__", "component"))
        return
    try:
        _original_update(self)
    except OutsideTheApp:
        log.debug("skipped the update of a leftover %s (no app above it)", getattr(self.fn, "__name__", "component"))
    except Exception as problem:  # noqa: BLE001 — one bad redraw must not end the tab's updates
        where = traceback.extract_tb(problem.__traceback__)[-1]
        log.error("a redraw of %s failed (%s at %s:%s)" + FAILED_REDRAW,
                  getattr(self.fn, "__name__", "component"), type(problem).__name__, where.filename, where.lineno)


def install() -> None:
    """Once per process (idempotent)."""
    Component.update = guarded_update
