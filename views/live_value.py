"""A screen's value as event handlers must read it: as it is now, not as it was drawn.

Flet runs each event from the browser in a task of its own and redraws a screen later, in a
batch. A handler made at the last drawing closes over the values of that drawing. When a
person types and taps a button in the same breath (a pasted key and "Add", a passphrase and
Enter, on a busy phone or a slow link) the browser sends "change" and "click" together: the
change sets the new value and asks for a redraw, then the click runs the old handler, which
still sees the field as it was before the typing — "Type your passphrase" after typing it,
a feed added without the key that was pasted.

``use_live_value`` keeps the value in one object for the life of the screen; a change sets
it at once, so a handler reading ``.value`` sees every change that arrived before its event.
"""

from __future__ import annotations

from typing import Callable, Generic, TypeVar

import flet as ft

T = TypeVar("T")


def typed_text(event) -> str:
    """What a "change" event says the field holds. Its data is the text at that keystroke;
    ``event.control.value`` may already be a re-rendered control's older value (a key typed
    while the form re-rendered would be lost)."""
    return event.data if isinstance(event.data, str) else (event.control.value or "")


class LiveValue(Generic[T]):
    __slots__ = ("value", "_redraw")

    def __init__(self, value: T, redraw: Callable[[], None]):
        self.value = value
        self._redraw = redraw

    def set(self, value: T) -> None:
        if value != self.value:
            self.value = value
            self._redraw()

    def on_text_change(self, event) -> None:
        """For a text field's ``on_change``."""
        self.set(typed_text(event))

    def __repr__(self) -> str:  # never the value itself: it may be a passphrase
        return f"LiveValue({type(self.value).__name__})"


def use_live_value(initial: T | Callable[[], T]) -> LiveValue[T]:
    """A value the screen draws from and its handlers read as it is now (see the module)."""
    _version, set_version = ft.use_state(0)
    holder = ft.use_ref(None)
    if holder.current is None:
        holder.current = LiveValue(initial() if callable(initial) else initial, lambda: set_version(lambda v: v + 1))
    return holder.current
