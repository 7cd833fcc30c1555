"""Typing faster than the server answers loses no keys (views/widgets/text_input.py).

What the browser does when a person types "Ask" quickly: it patches the field's value to
"A", "As", "Ask" and queues a "change" event after each; the server may run the handler
for "A" only after the browser has already patched "As". A field whose value comes from
screen state then re-renders with "A" and sends it back, and the browser drops the keys
typed since. Rendered in-process (tests/ui_harness.py) so the interleaving is exact.
"""

from __future__ import annotations

import asyncio

import flet as ft
import pytest
from flet.controls.context import _context_page
from flet.messaging.protocol import MessageAction
from flet.messaging.session import Session

from tests.ui_harness import UI, RecordingConnection, encode, flush
from views.widgets.text_input import TextInput


async def render(component) -> UI:
    connection = RecordingConnection()
    connection.loop = asyncio.get_running_loop()
    session = Session(connection)
    connection.session = session
    _context_page.set(session.page)
    session.start_updates_scheduler()
    session.page.render(component)
    encode(session.get_page_patch())
    await flush()
    return UI(session)


def values_sent_to(ui: UI, control_id: int, since: int) -> list[str]:
    """Every value the server told the browser to show in the field since message ``since``."""
    sent = []

    def walk(node, field_id):
        if isinstance(node, dict):
            field_id = node.get("_i", field_id)
            for key, value in node.items():
                if key == "value" and field_id == control_id and isinstance(value, str):
                    sent.append(value)
                walk(value, field_id)
        elif isinstance(node, (list, tuple)):
            if len(node) == 4 and node[2] == "value" and isinstance(node[3], str):
                sent.append(node[3])  # a Replace operation on some node's "value"
            for item in node:
                walk(item, field_id)

    for message in ui.connection.messages[since:]:
        if message.action == MessageAction.PATCH_CONTROL:
            walk(message.body.patch, None)
    # The form's counter is the only other text with a value: leave it out.
    return [value for value in sent if not value.endswith(" characters")]


@ft.component
def NoteForm():
    note, set_note = ft.use_state("")
    cleared, set_cleared = ft.use_state(0)
    return ft.Column([
        ft.Text(f"{len(note)} characters"),
        TextInput(label="Note", value=note, on_change=lambda e: set_note(e.control.value or "")),
        ft.TextButton("Clear", on_click=lambda: (set_note(""), set_cleared(cleared + 1))),
    ])


async def type_ahead_of_the_server(ui: UI, label: str, typed: str) -> None:
    """Each key's "change" handler runs, and before the screen re-renders the next key's
    patch has already arrived: the browser is one key ahead of the server throughout."""
    for n in range(1, len(typed) + 1):
        field = ui.field(label)
        ui.set(field, value=typed[:n])
        await ui.session.dispatch_event(field._i, "change", typed[:n])  # the handler ran; no re-render yet
        if n < len(typed):
            ui.set(field, value=typed[: n + 1])  # the next key lands first
        await flush()  # now the screen re-renders


@pytest.mark.asyncio
async def test_keys_typed_before_the_server_answers_are_kept():
    ui = await render(NoteForm)
    field = ui.field("Note")
    since = len(ui.connection.messages)
    typed = "Ask how they handle"
    await type_ahead_of_the_server(ui, "Note", typed)
    assert ui.field("Note").value == typed
    assert ui.field("Note")._i == field._i, "the field was replaced (it would lose the focus)"
    assert f"{len(typed)} characters" in ui.texts()
    assert values_sent_to(ui, field._i, since) == [], "the server sent an older text back over the typing"


@pytest.mark.asyncio
async def test_a_screen_can_still_set_the_text_on_purpose():
    ui = await render(NoteForm)
    ui.set(ui.field("Note"), value="draft")
    await ui.event(ui.field("Note"), "change", "draft")
    since = len(ui.connection.messages)
    await ui.click(ui.button("Clear"))
    assert ui.field("Note").value == ""
    assert values_sent_to(ui, ui.field("Note")._i, since) == [""]


def calls_in_the_views(control: str, keyword: str, allowed_in: str) -> list[str]:
    """Where a view calls ``ft.<control>(…, <keyword>=…)``, outside the module ``allowed_in``."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "views"
    found = []
    for path in root.rglob("*.py"):
        if path.name == allowed_in:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == control
                    and any(k.arg == keyword for k in node.keywords)):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_every_text_field_with_a_value_in_the_views_is_a_text_input():
    """A bare ft.TextField given its value (from state) drops keys (above): the views use
    TextInput. A field with no value= sends nothing back and may stay plain (one in a dialog
    shown with show_dialog must: it is outside the component tree)."""
    assert calls_in_the_views("TextField", "value", allowed_in="text_input.py") == []


def test_every_selectable_text_in_the_views_has_a_name_of_its_own():
    """Selectable text becomes a read-only text box in the browser, announced by its own name:
    views/widgets/selectable_text.py gives it one, so no view makes a bare selectable ft.Text."""
    assert calls_in_the_views("Text", "selectable", allowed_in="selectable_text.py") == []
