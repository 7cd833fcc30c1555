"""Settings → Your devices, Automatic backups, For your clinician, and the restore review
with Merge: rendered in-process."""

from __future__ import annotations

from datetime import date, timedelta

import flet as ft
import pytest

from services.devices import FolderSync
from services.journal import Journal
from services.privacy.backup import create_backup
from tests.privacy_support import CANARY, PASSPHRASE
from tests.sync_support import edit_on_two_devices
from tests.ui_harness import start_ui

pytestmark = pytest.mark.asyncio


@pytest.fixture
def ready(services):
    services.preferences.mark_welcome_done()
    store, _ = services.vault.set_up(PASSPHRASE)
    Journal(store).add(mood=4, note=f"a note {CANARY}")
    return services


async def test_settings_shows_sync_status_and_syncs_now(ready, tmp_path):
    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    assert ui.has_text("Your devices") and ui.has_text("Last automatic backup:")  # made at unlock, on by default
    assert not ui.has_text("Last automatic backup: never")
    await ui.type("Sync folder", str(tmp_path / "Sync"))
    await ui.click(ui.button("Use this folder"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Sync folder: "))
    assert ui.has_text("Conflicts kept: 0") and ui.has_text("(this device)")
    assert not ui.has_text("Last synced: never")
    # Another device (the same data key) writes a change into the folder.
    other = tmp_path / "other"
    from services.app import open_services
    from services.devices import join_folder

    code = ready.vault.replace_recovery_code(ui.state.session.store())
    FolderSync(ui.state.session.store(), ready.vault).sync()  # the join file now opens with the new code
    services_b = open_services(other)
    try:
        store_b, _ = join_folder(services_b.vault, tmp_path / "Sync", code, "phone passphrase", "Phone")
        Journal(store_b).add(mood=2, note="from the phone")
        FolderSync(store_b, services_b.vault).sync()
        store_b.lock()
    finally:
        services_b.close()
    await ui.click(ui.button("Sync now"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Synced: 1 change from your other devices."))
    await ui.wait_for(lambda: ui.has_text("Phone"))
    assert any(e.note == "from the phone" for e in ui.state.session.journal.all_entries())


async def test_the_auto_backup_switch_and_the_clinician_summary(ready):
    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    # a 48 px row read as a switch (views/widgets/check_row.py)
    assert ui.has_text("Make an encrypted backup every day")
    [switch] = ui.find(ft.Semantics, lambda c: c.toggled is not None)  # the only switch here
    assert switch.toggled is True
    await ui.click(switch.content)
    await ui.settle()
    [switch] = ui.find(ft.Semantics, lambda c: c.toggled is not None)  # the only switch here
    assert switch.toggled is False
    assert ui.state.session.auto_backup_status().settings.enabled is False
    saved = {}
    ui.connection.client_methods["save_file"] = lambda args: saved.update(args) or None
    await ui.type("From", "not a date")
    await ui.click(ui.button("Save summary (PDF)"))
    await ui.settle()
    assert ui.has_text("YYYY-MM-DD") and not saved
    await ui.type("From", (date.today() - timedelta(days=7)).isoformat())
    await ui.click(ui.button("Save summary (PDF)"))
    await ui.settle()
    await ui.wait_for(lambda: bool(saved))
    assert saved["file_name"].endswith(".pdf") and saved["src_bytes"][:5] == b"%PDF-"
    assert CANARY.encode() not in saved["src_bytes"]
    saved.clear()
    await ui.click(ui.button("Safety plan as text"))
    await ui.settle()
    assert ui.has_text("safety plan is empty") and not saved


async def test_restore_shows_a_review_and_merges(ready, tmp_path):
    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    store = ui.state.session.store()
    data = create_backup(ready.vault, store, PASSPHRASE).data
    Journal(store).add(mood=3, note="after the backup")
    ui.connection.client_methods["pick_files"] = lambda args: [
        {"id": 1, "name": "my.kindred-backup", "size": len(data), "bytes": list(data)}]
    await ui.click(ui.button("Restore from backup"))
    await ui.settle()
    await ui.type("Backup passphrase", PASSPHRASE)
    await ui.click(ui.button("Open"))
    await ui.settle()
    assert ui.has_text("It holds 1 journal entry.") and ui.has_text("Its items are dated")
    await ui.click(ui.button("Merge"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Merged: 0 added"))
    notes = sorted(e.note for e in ui.state.session.journal.all_entries())
    assert notes == sorted(["after the backup", f"a note {CANARY}"])


async def test_a_sync_file_exported_in_one_window_is_imported_in_another_device(ready, tmp_path):
    from services.app import open_services
    from services.devices import join_bundle

    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    saved = {}
    ui.connection.client_methods["save_file"] = lambda args: saved.update(args) or None
    await ui.click(ui.button("Export a sync file"))
    await ui.settle()
    await ui.wait_for(lambda: bool(saved))
    bundle = saved["src_bytes"]
    assert saved["file_name"].endswith(".kindred-sync") and CANARY.encode() not in bundle
    code = ready.vault.replace_recovery_code(ui.state.session.store())
    bundle = ui.state.session.export_sync_file()[1]  # carries the new code's key slot
    other = open_services(tmp_path / "other")
    try:
        store_b, joined = join_bundle(other.vault, bundle, code, "another passphrase", "Tablet")
        assert joined.applied == 1
        Journal(store_b).add(mood=5, note="from the tablet")
        back = FolderSync(store_b, other.vault).export_bundle()
        store_b.lock()
    finally:
        other.close()
    ui.connection.client_methods["pick_files"] = lambda args: [
        {"id": 1, "name": "t.kindred-sync", "size": len(back), "bytes": list(back)}]
    await ui.click(ui.button("Import a sync file"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Imported: 1 change from your other device."))
    assert any(e.note == "from the tablet" for e in ui.state.session.journal.all_entries())


async def _join_form(fresh):
    """A new device's set-up screen, at "I already use Kindred on another device", with its own
    passphrase typed: what is left is the code and how to join."""
    fresh.preferences.mark_welcome_done()
    ui = await start_ui(fresh, route="/journal")
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Choose a passphrase"))
    await ui.click(ui.button("I already use Kindred on another device"))
    await ui.type("Passphrase", "this tablet's passphrase")
    await ui.type("Type it again", "this tablet's passphrase")
    return ui


async def test_a_new_device_joins_from_the_set_up_screen_with_a_sync_file(tmp_path):
    from services.app import open_services

    first = open_services(tmp_path / "first")
    try:
        store_a, code = first.vault.set_up(PASSPHRASE, use_keyring=False)
        Journal(store_a).add(mood=4, note=f"on the first device {CANARY}")
        bundle = FolderSync(store_a, first.vault).export_bundle("Laptop")
        store_a.lock()
    finally:
        first.close()
    fresh = open_services(tmp_path / "fresh")
    try:
        ui = await _join_form(fresh)
        await ui.type("Recovery code", "wrong-code")
        ui.connection.client_methods["pick_files"] = lambda args: [
            {"id": 1, "name": "x.kindred-sync", "size": len(bundle), "bytes": list(bundle)}]
        await ui.click(ui.button("Join with a sync file"))
        await ui.settle()
        await ui.wait_for(lambda: ui.has_text("does not open this file"))
        assert not fresh.vault.is_set_up()
        await ui.type("Recovery code", code)
        await ui.click(ui.button("Join with a sync file"))
        await ui.settle()
        await ui.wait_for(lambda: ui.state.session is not None)
        assert [e.note for e in ui.state.session.journal.all_entries()] == [f"on the first device {CANARY}"]
        assert ui.state.pending_recovery_code is None  # the same code as the other device: nothing new to write down
        ui.state.lock_now()
    finally:
        fresh.close()


async def test_a_conflict_is_shown_and_its_kept_version_can_be_put_back(ready, tmp_path):
    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    session = ui.state.session
    session.link_sync_folder(str(tmp_path / "Sync"), "Laptop")
    [entry] = session.journal.all_entries()
    edit_on_two_devices(ready.vault, session, tmp_path / "Sync", tmp_path / "other")
    await ui.wait_for(lambda: ui.has_text("Sync folder: "))
    await ui.click(ui.button("Sync now"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Conflicts kept: 1"))
    await ui.wait_for(lambda: any(t.startswith("Kept version of a journal entry from ") for t in ui.texts()))
    winner = session.journal.get(entry.id).note
    loser = ({"the laptop's words", "the phone's words"} - {winner}).pop()
    assert ui.has_text(loser)
    await ui.click(ui.button("Use this version"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Conflicts kept: 0"))
    assert session.journal.get(entry.id).note == loser


async def test_without_fpdf2_the_summary_is_offered_as_text(ready, monkeypatch):
    """Where fpdf2 is not installed: no PDF button that could only fail, text instead."""
    from services.session import PrivateSession

    monkeypatch.setattr(PrivateSession, "pdf_available", staticmethod(lambda: False))
    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    assert not [b for b in ui.find(ft.FilledTonalButton) if b.content == "Save summary (PDF)"]
    saved = {}
    ui.connection.client_methods["save_file"] = lambda args: saved.update(args) or None
    await ui.click(ui.button("Save summary (text)"))
    await ui.wait_for(lambda: bool(saved))
    assert saved["file_name"].endswith(".txt")


async def test_settings_shows_a_pairing_code_and_a_new_device_joins_with_it_on_its_set_up_screen(ready, tmp_path):
    """Settings → Your devices → Pair a new device shows a one-time code; on a device not set up,
    the set-up screen joins through the folder with it (where the recovery code goes), once."""
    import re

    from services.app import open_services

    ui = await start_ui(ready, passphrase=PASSPHRASE, route="/settings")
    await ui.settle()
    await ui.type("Sync folder", str(tmp_path / "Sync"))
    await ui.click(ui.button("Use this folder"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("Sync folder: "))
    await ui.click(ui.button("Pair a new device"))
    await ui.settle()
    await ui.wait_for(lambda: ui.has_text("It works once, until"))
    [code] = [t for t in ui.texts() if re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){5}", t)]
    ui.state.lock_now()

    fresh = open_services(tmp_path / "fresh")
    try:
        new = await _join_form(fresh)
        await new.type("Recovery code", code)
        await new.type("Sync folder (optional)", str(tmp_path / "Sync"))
        await new.click(new.button("Join through this folder"))
        await new.settle()
        await new.wait_for(lambda: new.state.session is not None)
        assert [e.note for e in new.state.session.journal.all_entries()] == [f"a note {CANARY}"]
        assert new.state.pending_recovery_code is None  # the same recovery code as the first device
        new.state.lock_now()
    finally:
        fresh.close()
    again = open_services(tmp_path / "again")
    try:
        from services.devices import JoinError, join_folder

        with pytest.raises(JoinError):
            join_folder(again.vault, tmp_path / "Sync", code, "another passphrase here", pairing=None)
    finally:
        again.close()
