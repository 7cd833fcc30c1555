"""Locking, unlocking, PIN, auto-lock, backups and erasing, rendered in-process."""

import asyncio
import threading

import flet as ft
import pytest

from services import session as sessions

from services.privacy.backup import read_backup
from services.saved import SavedGroups
from tests.privacy_support import CANARY, PASSPHRASE
from tests.ui_harness import start_ui

pytestmark = pytest.mark.asyncio


@pytest.fixture
def ready(services):
    services.preferences.mark_welcome_done()
    store, code = services.vault.set_up(PASSPHRASE)
    SavedGroups(store).save("a:1", {"name": "A"}, note=CANARY)
    return services, code


async def test_wrong_passphrase_is_refused_plainly_and_the_right_one_opens(ready):
    services, _ = ready
    ui = await start_ui(services, route="/saved")
    assert ui.has_text("Kindred is locked") and not ui.has_text("Saved groups")
    await ui.type("Passphrase", "not my passphrase")
    await ui.click(ui.button("Unlock"))
    await ui.settle()
    assert ui.has_text("doesn't unlock Kindred. Nothing was changed")
    assert ui.state.session is None
    await ui.type("Passphrase", PASSPHRASE)
    await ui.click(ui.button("Unlock"))
    await ui.settle()
    assert ui.state.unlocked and ui.has_text("Saved groups")
    assert SavedGroups(ui.state.session.store()).get("a:1").note == CANARY


async def test_unlocking_says_so_while_the_key_is_made(ready, monkeypatch):
    """Opening takes seconds on a slow phone: the tap is answered at once, not by a silent
    greyed button."""
    services, _ = ready
    release = threading.Event()
    real_unlock = sessions.unlock

    def slow_unlock(*args, **kwargs):
        release.wait(60)
        return real_unlock(*args, **kwargs)

    monkeypatch.setattr(sessions, "unlock", slow_unlock)
    ui = await start_ui(services, route="/saved")
    await ui.type("Passphrase", PASSPHRASE)
    pressed = asyncio.create_task(ui.click(ui.button("Unlock")))  # its handler runs until unlocked
    try:
        await ui.wait_for(lambda: ui.has_text("Unlocking…"), what="Unlocking… shown")
        assert ui.button("Unlock").disabled and not ui.state.unlocked
    finally:
        release.set()
    await pressed
    await ui.settle()
    assert ui.state.unlocked and ui.has_text("Saved groups") and not ui.has_text("Unlocking…")


async def test_recovery_code_instead(ready):
    services, code = ready
    ui = await start_ui(services, route="/saved")
    await ui.click(ui.button("Use recovery code instead"))
    await ui.type("Recovery code", code.lower())
    await ui.click(ui.button("Unlock"))
    await ui.settle()
    assert ui.state.unlocked and ui.has_text("Saved groups")


async def test_help_and_the_privacy_page_work_while_locked(ready):
    services, _ = ready
    services.preferences.set_country("GB")
    ui = await start_ui(services, route="/saved")
    await ui.click(ui.button("Get help now"))
    assert ui.has_text("Samaritans")
    await ui.navigate("/privacy")
    assert ui.has_text("What is not hidden")
    assert ui.has_text("How Kindred keeps things private")
    assert ui.state.session is None


async def test_each_session_unlocks_on_its_own(ready):
    services, _ = ready
    first = await start_ui(services, passphrase=PASSPHRASE, route="/saved")
    second = await start_ui(services, route="/saved")
    assert first.state.unlocked and first.has_text("Saved groups")
    assert second.state.session is None and second.has_text("Kindred is locked")
    await first.click(first.labelled("Lock now"))
    assert first.state.session is None and first.has_text("Kindred is locked")


async def test_auto_lock_without_a_pin_locks_fully(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    dropdown = ui.find(ft.Dropdown, lambda c: c.label == "Lock automatically")[0]
    ui.set(dropdown, value="1")
    await ui.event(dropdown, "select", "1")
    await ui.settle()
    assert ui.state.security.auto_lock_minutes == 1
    store = ui.state.session.store()
    assert not ui.state.session.check_idle(now=ui.state.session.last_activity + 59)
    assert ui.state.session.check_idle(now=ui.state.session.last_activity + 61)
    await ui.settle()
    assert store.is_locked and ui.state.session is None
    assert ui.has_text("locked itself after a while")


async def test_the_pin_reopens_after_auto_lock_and_after_lock_now_with_a_limit(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.click(ui.button("Set a PIN"))
    assert ui.has_text("A PIN is a screen lock, not encryption")
    await ui.type("PIN (4 to 12 digits)", "2468")
    await ui.type("Type the PIN again", "2468")
    await ui.click(ui.button("Set PIN"))
    await ui.settle()
    assert ui.state.security.has_pin
    session = ui.state.session
    session.screen_lock()  # what the idle timer does
    await ui.settle()
    assert ui.has_text("your PIN opens it") and ui.find(ft.TextField, lambda c: c.label == "PIN")
    assert not session.is_open, "the key is put away: only the PIN (in this window) or the passphrase opens it"
    now = [1000.0]
    ui.state.session.pin_gate.clock = lambda: now[0]
    await ui.type("PIN", "1111")
    await ui.click(ui.button("Open"))
    await ui.settle()
    assert ui.has_text("That PIN is not right. Wait 1 s")
    now[0] += 5
    await ui.type("PIN", "2468")
    await ui.click(ui.button("Open"))
    await ui.settle()
    assert ui.state.session.is_open
    # "Lock now" in the app bar: the PIN opens it again too.
    await ui.click(ui.labelled("Lock now"))
    await ui.settle()
    assert ui.has_text("your PIN opens it") and not ui.state.session.is_open
    ui.state.session.pin_gate.clock = lambda: now[0]
    now[0] += 100
    await ui.type("PIN", "2468")
    await ui.click(ui.button("Open"))
    await ui.settle()
    assert ui.state.unlocked
    await ui.navigate("/saved")
    await ui.settle()
    assert ui.has_text("Saved groups") and ui.state.session.saved_ids() == {"a:1"}, "the reopened key reads the data"
    # After the limit, the passphrase is needed.
    ui.state.session.screen_lock()
    ui.state.session.pin_gate.clock = lambda: now[0]
    await ui.settle()
    for _ in range(5):
        now[0] += 100
        await ui.type("PIN", "0000")
        await ui.click(ui.button("Open"))
        await ui.settle()
    assert ui.state.session is None and ui.has_text("Too many wrong PINs")
    assert services.vault.unlock(PASSPHRASE).count("saved_group") == 1


async def test_biometric_unlock_is_hidden_where_the_platform_has_none(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    assert not ui.state.biometric_available
    assert not any("fingerprint" in text for text in ui.texts())


async def test_backup_download_and_restore_upload(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    saved = {}
    ui.connection.client_methods["save_file"] = lambda args: saved.update(args) or None
    await ui.click(ui.button("Create backup"))
    await ui.type("Current passphrase", "wrong one")
    await ui.click([b for b in ui.find(ft.FilledButton) if b.content == "Create backup"][-1])  # the dialog's
    await ui.settle()
    assert ui.has_text("That is not your current passphrase")
    await ui.type("Current passphrase", PASSPHRASE)
    await ui.click([b for b in ui.find(ft.FilledButton) if b.content == "Create backup"][-1])
    await ui.settle()
    assert ui.has_text("Your encrypted backup is kindred-")
    data = saved["src_bytes"]
    assert saved["file_name"].endswith(".kindred-backup") and CANARY.encode() not in data
    assert read_backup(data, PASSPHRASE).summary.counts == {"saved_group": 1}
    await ui.click(ui.button("Done"))

    SavedGroups(ui.state.session.store()).save("b:2", note="after the backup")
    ui.connection.client_methods["pick_files"] = lambda args: [
        {"id": 1, "name": "my.kindred-backup", "size": len(data), "bytes": list(data)}
    ]
    await ui.click(ui.button("Restore from backup"))
    await ui.settle()
    await ui.type("Backup passphrase", "wrong passphrase")
    await ui.click(ui.button("Open"))
    await ui.settle()
    assert ui.has_text("does not open this backup")
    await ui.type("Backup passphrase", PASSPHRASE)
    await ui.click(ui.button("Open"))
    await ui.settle()
    assert ui.has_text("It holds 1 saved group.")
    assert SavedGroups(ui.state.session.store()).get("b:2") is not None, "nothing replaced before the person agrees"
    await ui.click(ui.button("Replace my data"))
    await ui.settle()
    assert ui.has_text("Restored 1 private item.")
    assert ui.has_text(str(services.data_dir / "snapshots"))
    assert SavedGroups(ui.state.session.store()).get("b:2") is None


async def test_plain_export_asks_for_the_passphrase_again(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    saved = {}
    ui.connection.client_methods["save_file"] = lambda args: saved.update(args) or None
    await ui.click(ui.button("Export saved groups"))
    await ui.type("Passphrase", "wrong")
    await ui.click(ui.button("Export"))
    await ui.settle()
    assert ui.has_text("Nothing was exported") and not saved
    await ui.type("Passphrase", PASSPHRASE)
    await ui.click(ui.button("Export"))
    await ui.settle()
    assert CANARY.encode() in saved["src_bytes"] and saved["file_name"] == "kindred-saved-groups.json"


async def test_delete_all_my_data(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.click(ui.button("Delete all my data"))
    assert ui.button("Delete everything").disabled
    await ui.type("Type DELETE to confirm", "DELETE")
    await ui.click(ui.button("Delete everything"))
    await ui.settle()
    assert not services.vault.is_set_up()
    assert ui.has_text("Find a group"), "the public directory stays"
    await ui.navigate("/saved")
    assert ui.has_text("Choose a passphrase")


async def test_change_passphrase(ready):
    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.click(ui.button("Change passphrase"))
    await ui.type("Current passphrase", "wrong")
    await ui.type("New passphrase", "a whole new phrase")
    await ui.type("New passphrase again", "a whole new phrase")
    await ui.click(ui.button("Change"))
    await ui.settle()
    assert ui.has_text("Your current passphrase is not right")
    await ui.type("Current passphrase", PASSPHRASE)
    await ui.click(ui.button("Change"))
    await ui.settle()
    assert ui.has_text("Your new passphrase works now")
    assert services.vault.verify_passphrase("a whole new phrase")


async def test_a_new_recovery_code_from_settings_with_copy_and_the_old_one_stops_working(ready):
    services, old_code = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.click(ui.button("New recovery code"))
    await ui.click(ui.button("Make a new code"))
    await ui.settle()
    assert ui.has_text("Your recovery code")
    new_code = ui.state.pending_recovery_code
    assert new_code and new_code != old_code
    copied = {}
    ui.connection.client_methods["set"] = lambda args: copied.update(args) or None
    await ui.click(ui.button("Copy the code"))
    await ui.wait_for(lambda: bool(copied))
    assert copied["data"] == new_code
    box = ui.find(ft.Semantics, lambda c: c.checked is False)[0]
    await ui.click(box.content)  # the row is the target (views/widgets/check_row.py)
    assert ui.find(ft.Semantics, lambda c: c.checked is True), "the row says it is checked"
    await ui.click(ui.button("Continue"))
    assert ui.has_text("Settings")
    from services.privacy import WrongSecret

    with pytest.raises(WrongSecret):
        services.vault.unlock_with_recovery_code(old_code)
    assert services.vault.unlock_with_recovery_code(new_code).count("saved_group") == 1


async def test_settings_shows_records_that_cannot_be_read_and_sets_them_aside(ready):
    from tests.privacy_support import write_under_old_key

    services, _ = ready
    write_under_old_key(services.private_db, "journal_entry", "stale-1", {"mood": 3})
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/settings")
    await ui.wait_for(lambda: ui.has_text("1 journal entry cannot be read."))
    assert any("never block the rest of your data" in t for t in ui.texts())
    assert SavedGroups(ui.state.session.store()).get("a:1").note == CANARY, "the rest reads as before"
    await ui.click(ui.button("Set them aside"))
    await ui.wait_for(lambda: ui.has_text("1 journal entry kept aside."))
    assert ui.state.session.store().integrity_report().ok


async def test_a_stale_window_locks_itself_on_its_next_save_and_writes_nothing(ready):
    from services.journal import Journal
    from services.privacy.erase import erase_private_data

    services, _ = ready
    ui = await start_ui(services, passphrase=PASSPHRASE, route="/journal")
    # Another window: delete everything, set up again with a new passphrase.
    erase_private_data(services.vault, services.data_dir)
    services.vault.set_up("a brand new passphrase")
    await ui.click(ui.labelled("Mood 4 of 5, Good"))
    # Choosing the mood already writes (its draft): the window may have locked there; if not,
    # Save is the write that locks it.
    saves = [b for b in ui.find(ft.Button) if getattr(b, "content", None) == "Save"]
    if saves and ui.state.session is not None:
        await ui.click(saves[0])
    await ui.settle()
    assert ui.state.session is None and ui.has_text("Kindred is locked")
    assert any("another window" in t for t in ui.texts())
    store = services.vault.unlock("a brand new passphrase")
    assert Journal.for_store(store).all_entries() == [] and store.integrity_report().ok
