"""Settings → For organisations, in-process (FLET-NOTES.md, layer 2): typing into the group
editor keeps every key, even when the browser's keys and the form's re-renders cross."""

from __future__ import annotations

import flet as ft
import pytest
from flet.messaging.protocol import MessageAction

from services.publishing.organisation import OrganisationEditor
from tests.privacy_support import PASSPHRASE
from tests.ui_harness import flush, start_ui


def patches(ui) -> int:
    return sum(1 for m in ui.connection.messages if m.action == MessageAction.PATCH_CONTROL)


async def keys(ui, label: str, text: str) -> None:
    """Keys typed quickly, as the browser sends them: each key patches the field's value at
    once, and its "change" event is handled after any re-render the last key caused."""
    for end in range(1, len(text) + 1):
        ui.set(ui.field(label), value=text[:end])
        await flush()  # a re-render queued by the previous key runs between this key's patch and its event
        await ui.session.dispatch_event(ui.field(label)._i, "change", text[:end])
    await flush()


@pytest.mark.asyncio
async def test_typing_in_the_group_editor_sends_nothing_back_and_keeps_every_key(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/settings/organisation", passphrase=PASSPHRASE)
    await ui.wait_for(lambda: ui.has_text("Your groups (0)"))
    await ui.click(ui.button("Add a group"))
    await ui.wait_for(lambda: ui.has_text("New group"))

    # Each key re-rendered the form, which sent the field's value back to the browser while
    # the person kept typing: nothing is sent back for a key now.
    before = patches(ui)
    await keys(ui, "Group name", "Anxiety Peer Group")
    assert patches(ui) == before

    # A choice re-renders the form (what it shows depends on it) and keeps what was typed.
    [online] = ui.find(ft.Semantics, lambda c: c.button and c.label == "Online")  # views/widgets/one_of.py
    await ui.click(online.content)
    await ui.wait_for(lambda: any(f.label == "Online link" for f in ui.find(ft.TextField)))
    assert ui.field("Group name").value == "Anxiety Peer Group"

    await keys(ui, "When", "thu 18:00-19:00")
    await keys(ui, "Time zone", "America/New_York")
    await keys(ui, "Online link", "https://meet.example.org/anxiety")
    await ui.click(ui.button("Save group"))
    await ui.wait_for(lambda: ui.has_text("Your groups (1)"))
    assert [g.name for g in OrganisationEditor(services.data_dir).groups()] == ["Anxiety Peer Group"]


@pytest.mark.asyncio
async def test_the_organisation_name_keeps_every_key(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/settings/organisation", passphrase=PASSPHRASE)
    await ui.wait_for(lambda: ui.has_text("Your groups (0)"))
    before = patches(ui)
    await keys(ui, "Organisation name", "Riverside Centre")
    assert patches(ui) == before
    await ui.click(ui.button("Save name"))
    await ui.wait_for(lambda: OrganisationEditor(services.data_dir).organisation().name == "Riverside Centre")
