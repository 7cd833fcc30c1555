"""A text field that never loses what is being typed.

A plain ``ft.TextField(value=state, on_change=set_state)`` drops keys whenever the server
is slower than the typing (a busy phone, a slow network): the browser patches the field to
"Ask" and queues "change" events for "A", "As", "Ask"; the handler for "A" re-renders the
screen with value="A", the diff sends "A" back and the browser throws away "sk". A person
typing a note saw "Ask howey hand" for "Ask how they handle".

``TextInput`` takes the same arguments as ``ft.TextField``, or ``text=`` a ``LiveValue`` (see
``views/live_value.py``) in place of ``value`` and ``on_change``: what a screen's buttons should
read. At every render it keeps the
text the browser last reported (the live field's value), unless the screen deliberately
changed ``value`` to something that was never typed (a reset after saving, a loaded draft,
a restored search): that is shown instead.
"""

from __future__ import annotations

import inspect
from collections import deque
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import flet as ft

from views.i18n import _
from views.live_value import LiveValue
from views.widgets.icon_action import IconAction

# Values the field reported that the screen may still echo back; a screen catches up
# within a few events, so a short memory is enough.
_ECHO_MEMORY = 256


@dataclass
class _Memory:
    rendered: ft.TextField | None = None
    value_given: str = ""
    reported: deque = dataclass_field(default_factory=lambda: deque(maxlen=_ECHO_MEMORY))


@ft.component
def TextInput(value: str | None = "", on_change=None, text: LiveValue | None = None, **options):
    if text is not None:
        value = text.value
        also, live_value = on_change, text  # ("text" is reused below for what is shown)

        def on_change(e):
            live_value.on_text_change(e)
            return also(e) if also is not None else None

    memory = ft.use_ref(_Memory).current
    shown, set_shown = ft.use_state(False)
    if options.pop("can_reveal_password", False) and options.get("password"):
        # Flet's own reveal icon has no name (a screen reader says just "button"): ours is
        # named, and says whether it will show or hide.
        options["password"] = not shown
        options["suffix_icon"] = IconAction(
            ft.Icons.VISIBILITY_OFF if shown else ft.Icons.VISIBILITY,
            _("Hide passphrase") if shown else _("Show passphrase"),
            on_click=lambda: set_shown(not shown),
        )
    given = value or ""
    if memory.rendered is None:
        text = given
    else:
        live = memory.rendered.value or ""
        if given == memory.value_given or given in memory.reported:
            text = live  # unchanged, or the screen echoing an earlier keystroke: keep what is typed
        else:
            text = given  # the screen set a new text on purpose
            memory.reported.clear()
        if given == live:
            memory.reported.clear()  # the screen has caught up with the typing

    async def changed(e):
        # The event's own text (at that key) and the field's live value (maybe keys later):
        # a screen may echo either.
        if isinstance(e.data, str):
            memory.reported.append(e.data)
        memory.reported.append(e.control.value or "")
        if on_change is not None:
            result = on_change(e)
            if inspect.isawaitable(result):
                await result

    memory.rendered = ft.TextField(value=text, on_change=changed, **options)
    memory.value_given = given
    return memory.rendered
