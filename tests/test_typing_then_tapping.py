"""A person types and taps in the same breath: the tap must act on everything typed.

On a busy phone, a slow link or after a paste, the browser sends a field's "change" and the
button's "click" together. Flet runs each in a task of its own and redraws the screen later:
a handler that read the values of the last drawing saw the field as it was before the
typing (CI once added a feed without the key just pasted; "Type your passphrase" after
typing it). ``UI.in_one_breath`` sends them the way the server receives them
(tests/ui_harness.py); each test failed before views/live_value.py.
"""

import flet as ft
import pytest

from services.saved import SavedGroups
from services.session import unlock as unlock_session
from tests.privacy_support import PASSPHRASE
from tests.sync_support import signed
from tests.test_journal_components import answer_rows, open_journal
from tests.ui_harness import start_ui

pytestmark = pytest.mark.asyncio


async def test_a_passphrase_typed_and_entered_at_once_unlocks(services):
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    ui = await start_ui(services, route="/saved")
    field = ui.field("Passphrase")
    await ui.in_one_breath({"Passphrase": PASSPHRASE}, then=field, event="submit", data=PASSPHRASE)
    await ui.settle()
    assert not ui.has_text("Type your passphrase"), ui.texts()
    assert ui.state.unlocked and ui.has_text("Saved groups")


async def test_a_new_passphrase_typed_twice_and_created_at_once_sets_kindred_up(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, route="/journal")
    await ui.wait_for(lambda: ui.has_text("Choose a passphrase"))
    await ui.in_one_breath({"Passphrase": PASSPHRASE, "Type it again": PASSPHRASE},
                           then=ui.button("Create passphrase"))
    await ui.settle()
    assert not ui.has_text("The two passphrases are different"), ui.texts()
    assert ui.state.unlocked
    unlock_session(services, PASSPHRASE, ui.state.country)  # the passphrase typed is the one kept


async def test_a_key_pasted_and_added_at_once_pins_the_source(services, tmp_path):
    services.preferences.mark_welcome_done()
    services.vault.set_up(PASSPHRASE)
    public_key, _signature = signed(tmp_path, b"[]")
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings/sources")
    await ui.wait_for(lambda: ui.has_text("Add a source"))
    await ui.type("Feed address", "http://127.0.0.1:9/groups.json")
    await ui.settle(sync=False)
    await ui.in_one_breath({"Publisher key (optional)": public_key, "Name (optional)": "Acme"},
                           then=ui.button("Add source"))
    await ui.settle(sync=False)
    [source] = services.sync.list_sources()
    assert source.name == "Acme" and source.public_key == public_key and source.verified


async def test_a_note_typed_and_saved_at_once_is_saved_whole(services):
    ui, journal = await open_journal(services)
    await ui.click(ui.labelled("Mood 3 of 5, Okay"))
    await ui.click(ui.button("Add details"))
    await ui.settle()
    await ui.type("Note", "Walked to")
    await ui.in_one_breath({"Note": "Walked to the river and back", "Hours slept": "7.5"}, then=ui.button("Save"))
    await ui.settle()
    [entry] = journal.all_entries()
    assert entry.note == "Walked to the river and back" and entry.sleep_hours == 7.5
    assert entry.mood == 3


async def test_a_mood_tapped_and_saved_at_once_is_a_check_in(services):
    ui, journal = await open_journal(services)
    await ui.events_in_one_breath((ui.labelled("Mood 4 of 5, Good"), "click", None), (ui.button("Save"), "click", None))
    await ui.settle()
    assert not ui.has_text("Choose how you are feeling first."), ui.texts()
    [entry] = journal.all_entries()
    assert entry.mood == 4


async def test_two_answers_tapped_at_once_both_count(services):
    ui, journal = await open_journal(services, route="/journal/self-check")
    rows = answer_rows(ui)
    await ui.events_in_one_breath((rows[0 * 4 + 2].content, "click", None), (rows[1 * 4 + 1].content, "click", None))
    await ui.settle()
    rows = answer_rows(ui)
    assert rows[2].selected and rows[4 + 1].selected, "the first tap's answer was lost"


async def test_a_note_on_a_saved_group_typed_and_saved_at_once(services):
    services.preferences.mark_welcome_done()
    store, _code = services.vault.set_up(PASSPHRASE)
    SavedGroups(store).save("a:1", {"name": "Harbour Peer Group"})
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/saved")
    await ui.wait_for(lambda: ui.has_text("Harbour Peer Group"))
    note = ui.find(ft.TextField, lambda c: "Things I want to bring up" in str(getattr(c.label, "value", c.label)))[0]
    ui.set(note, value="Ask about")
    await ui.event(note, "change", "Ask about")
    ui.set(note, value="Ask about the evening group")
    await ui.events_in_one_breath((note, "change", "Ask about the evening group"), (ui.button("Save note"), "click", None))
    await ui.settle()
    assert SavedGroups(ui.state.session.store()).get("a:1").note == "Ask about the evening group"


async def test_a_place_typed_and_entered_at_once_is_the_place_looked_up(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.wait_for(lambda: ui.has_text("Finding groups"))
    label = "My place (city or ZIP code)"
    await ui.type(label, "Philadelphi")
    await ui.in_one_breath({label: "Philadelphia, PA"}, then=ui.field(label), event="submit", data="Philadelphia, PA")
    await ui.wait_for(lambda: ui.has_text("Using: Philadelphia"))
    assert ui.field(label).error is None


async def test_two_topics_tapped_at_once_in_help_me_choose_are_both_chosen(services):
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/find/choose")
    await ui.wait_for(lambda: ui.has_text("What would you like support with?"))
    chips = {str(c.label.value): c for c in ui.find(ft.Chip)}
    first, second = list(chips)[:2]
    await ui.events_in_one_breath((chips[first], "select", "true"), (chips[second], "select", "true"))
    await ui.settle()
    chosen = [str(c.label.value) for c in ui.find(ft.Chip) if c.selected]
    assert chosen == [first, second]


async def test_two_filters_tapped_at_once_both_apply(services, tmp_path):
    from tests.find_support import import_local

    import_local(services, tmp_path)
    services.preferences.mark_welcome_done()
    ui = await start_ui(services, passphrase=PASSPHRASE)
    await ui.wait_for(lambda: ui.has_text("GriefShare"))
    await ui.click(ui.button("Filters"))

    def chip(name: str):
        return ui.find(ft.Chip, lambda c: getattr(c.label, "value", None) == name)[0]

    await ui.events_in_one_breath((chip("Online"), "select", True), (chip("Free"), "select", True))
    await ui.wait_for(lambda: "meets=online" in ui.current_route() and "cost=free" in ui.current_route(),
                      what=f"route {ui.current_route()}")
    assert ui.state.find.filters.attendance == "online" and ui.state.find.filters.cost == ("free",)


async def test_a_mood_mapping_changed_and_imported_at_once_is_the_one_used(services):
    daylio = ("full_date,date,weekday,time,mood,activities,note_title,note\n"
              "2026-02-03,February 3,Tuesday,21:05,rad,,,\n"
              "2026-02-01,February 1,Sunday,12:00,meh,,,\n").encode()
    ui, journal = await open_journal(services, route="/journal/data")
    ui.connection.client_methods["pick_files"] = lambda args: [
        {"id": 1, "name": "daylio.csv", "size": len(daylio), "bytes": list(daylio)}]
    await ui.click(ui.button("Choose a file"))
    await ui.wait_for(lambda: ui.has_text("is a Daylio export"))
    meh = ui.find(ft.Dropdown, lambda c: str(c.label).startswith('"meh"'))[0]
    ui.set(meh, value="2")
    await ui.events_in_one_breath((meh, "select", "2"), (ui.button("Import"), "click", None))
    await ui.wait_for(lambda: ui.has_text("Imported"))
    assert sorted(e.mood for e in journal.all_entries()) == [2, 5], "the mapping chosen just before Import"


async def test_notes_ticked_or_unticked_just_before_a_summary_are_honoured(services):
    from services.journal import Journal
    from tests.privacy_support import CANARY

    services.preferences.mark_welcome_done()
    store, _code = services.vault.set_up(PASSPHRASE)
    Journal(store).add(mood=4, note=f"a note {CANARY}")
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    saved = {}
    ui.connection.client_methods["save_file"] = lambda args: saved.update(args) or None
    as_text = next(b for b in ui.find(ft.TextButton) if b.content == "As text")

    def notes_box():
        return ui.find(ft.Semantics, lambda c: c.checked is not None
                       and any(getattr(t, "value", None) == "Include my notes" for t in c.content.content.controls))[0]

    await ui.events_in_one_breath((notes_box().content, "click", None), (as_text, "click", None))
    await ui.wait_for(lambda: bool(saved))
    assert CANARY.encode() in bytes(saved["src_bytes"]), "ticked just before: the notes are in"
    saved.clear()
    as_text = next(b for b in ui.find(ft.TextButton) if b.content == "As text")
    await ui.events_in_one_breath((notes_box().content, "click", None), (as_text, "click", None))
    await ui.wait_for(lambda: bool(saved))
    assert CANARY.encode() not in bytes(saved["src_bytes"]), "unticked just before: no note leaves the device"
