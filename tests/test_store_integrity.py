"""Stale windows and unreadable records (issue 11 item 1, issue 13 item 4).

A window ("tab A") holds an unlocked store while another window ("tab B") deletes
everything and sets up again, restores a backup, or changes the passphrase. Records that
do not decrypt (written under a key that is gone, a flipped bit, a swapped row) never
block the rest: they are skipped, counted, reported and can be set aside; backups carry
them as they are.
"""

from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from services.app import open_services
from services.journal import Journal
from services.models import KeySlot, PrivateRecord
from services.privacy import STALE_MESSAGE, LockedError, StaleKeyError, WrongSecret, crypto
from services.privacy import settings as private_settings
from services.privacy.backup import create_backup, read_backup, restore_backup
from services.privacy.erase import erase_private_data
from services.privacy.pin import MAX_ATTEMPTS, PinReopen, hash_pin
from services.saved import SavedGroups
from services.storage import create_sqlite_engine, upgrade
from tests.privacy_support import PASSPHRASE, private_rows, write_under_old_key

OTHER = "a brand new passphrase"


def two_windows(services):
    """Tab A and tab B: two stores of the same data, as two browser tabs unlock them."""
    tab_a, _ = services.vault.set_up(PASSPHRASE)
    tab_b = services.vault.unlock(PASSPHRASE)
    return tab_a, tab_b


def assert_every_write_and_read_refused(store):
    journal = Journal(store)
    attempts = [
        lambda: store.put("note", {"text": "lost?"}),
        lambda: store.put_many("note", [(None, {"text": "lost?"}, None)]),
        lambda: store.delete("note", "x"),
        lambda: store.replace_all([]),
        lambda: journal.add(mood=3, note="written by a stale tab"),
        lambda: SavedGroups(store).save("src/1", {"name": "A group"}),
        lambda: private_settings.update(store, place="Leeds"),
        lambda: store.list("note"),
        lambda: store.get("note", "x"),
        lambda: store.count("note"),
        lambda: journal.all_entries(),
        lambda: store.integrity_report(),
        lambda: store.set_aside_unreadable(),
    ]
    for attempt in attempts:
        with pytest.raises(StaleKeyError) as caught:
            attempt()
        assert str(caught.value) == STALE_MESSAGE
    assert store.is_locked and store.is_stale


def test_delete_all_and_a_new_set_up_in_tab_b_make_tab_a_stale(services):
    tab_a, _tab_b = two_windows(services)
    Journal(tab_a).add(mood=4, note="before the reset")
    erase_private_data(services.vault, services.data_dir)
    tab_b, _code = services.vault.set_up(OTHER)
    Journal(tab_b).add(mood=2, note="after the reset")
    before = private_rows(services.private_db)

    with pytest.raises(StaleKeyError, match="another window"):
        Journal(tab_a).add(mood=5, note="saved by the stale tab")
    assert private_rows(services.private_db) == before, "the stale tab wrote nothing"
    assert_every_write_and_read_refused(tab_a)
    assert private_rows(services.private_db) == before

    # Everything still works for the current key, and nothing is unreadable.
    fresh = services.vault.unlock(OTHER)
    assert [e.note for e in Journal(fresh).all_entries()] == ["after the reset"]
    assert fresh.integrity_report().ok


def test_delete_all_without_a_new_set_up_also_makes_tab_a_stale(services):
    tab_a, _ = two_windows(services)
    erase_private_data(services.vault, services.data_dir)
    with pytest.raises(StaleKeyError):
        tab_a.put("note", {"text": "x"})
    assert private_rows(services.private_db) == {}


def test_a_store_refuses_even_its_own_cached_journal_once_stale(services):
    tab_a, _ = two_windows(services)
    journal = Journal.for_store(tab_a)
    journal.add(mood=3, note="cached")
    assert len(journal.all_entries()) == 1  # the cache is warm
    erase_private_data(services.vault, services.data_dir)
    services.vault.set_up(OTHER)
    with pytest.raises(StaleKeyError):
        journal.all_entries()


def test_a_restore_in_tab_b_makes_tab_a_stale_and_keeps_the_data_key(services):
    tab_a, tab_b = two_windows(services)
    SavedGroups(tab_a).save("src/1", {"name": "Kept group"})
    backup = create_backup(services.vault, tab_b, PASSPHRASE).data
    SavedGroups(tab_a).save("src/2", {"name": "Added after the backup"})
    key_before = tab_b.key_id

    result = restore_backup(services.vault, services.private_db, services.data_dir, read_backup(backup, PASSPHRASE), PASSPHRASE, store=tab_b)
    assert result.store is tab_b and tab_b.key_id == key_before, "a restore re-encrypts under the same data key"
    # The restoring window goes on; the other one has to unlock again (it showed data that is gone).
    assert [g.group_id for g in SavedGroups(tab_b).list()] == ["src/1"]
    before = private_rows(services.private_db)
    with pytest.raises(StaleKeyError):
        SavedGroups(tab_a).save("src/3", {"name": "From the stale tab"})
    assert private_rows(services.private_db) == before
    again = services.vault.unlock(PASSPHRASE)
    assert [g.group_id for g in SavedGroups(again).list()] == ["src/1"]


def test_a_stale_window_cannot_restore_or_even_snapshot(services, tmp_path):
    tab_a, tab_b = two_windows(services)
    backup = read_backup(create_backup(services.vault, tab_b, PASSPHRASE).data, PASSPHRASE)
    restore_backup(services.vault, services.private_db, services.data_dir, backup, PASSPHRASE, store=tab_b)
    with pytest.raises(StaleKeyError):
        restore_backup(services.vault, services.private_db, services.data_dir, backup, PASSPHRASE, store=tab_a)
    assert len(list((services.data_dir / "snapshots").iterdir())) == 1, "only tab B's restore took a snapshot"


def test_changing_the_passphrase_in_tab_b_keeps_tab_a_working(services):
    tab_a, tab_b = two_windows(services)
    services.vault.change_passphrase(tab_b, OTHER)
    entry = Journal(tab_a).add(mood=4, note="tab A after the change")
    assert Journal(tab_b).get(entry.id).note == "tab A after the change"
    services.vault.change_passphrase(tab_a, PASSPHRASE + " again")  # tab A may change it too
    assert services.vault.unlock(PASSPHRASE + " again").get("journal_entry", entry.id) is not None
    with pytest.raises(WrongSecret):
        services.vault.unlock(OTHER)


def test_a_stale_window_cannot_change_the_passphrase_or_the_recovery_code(services):
    tab_a, _ = two_windows(services)
    erase_private_data(services.vault, services.data_dir)
    services.vault.set_up(OTHER)
    with pytest.raises(StaleKeyError):
        services.vault.change_passphrase(tab_a, "the stale tab's passphrase")
    with pytest.raises(StaleKeyError):
        services.vault.replace_recovery_code(tab_a)
    services.vault.unlock(OTHER)  # unchanged
    with pytest.raises(WrongSecret):
        services.vault.unlock("the stale tab's passphrase")


def test_replacing_the_recovery_code_retires_the_old_one(services):
    store, old_code = services.vault.set_up(PASSPHRASE)
    store.put("note", {"text": "still here"}, record_id="n")
    new_code = services.vault.replace_recovery_code(store)
    assert new_code != old_code and len(new_code) == len(old_code)
    with pytest.raises(WrongSecret):
        services.vault.unlock_with_recovery_code(old_code)
    assert services.vault.unlock_with_recovery_code(new_code).get("note", "n").payload == {"text": "still here"}
    store.put("note", {"text": "and this window goes on"}, record_id="m")  # same key: nobody is stale


def test_a_pin_reopens_a_window_after_lock_now(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    pin = hash_pin("2468")
    private_settings.update(store, pin=pin)
    store.put("note", {"text": "behind the PIN"}, record_id="n")
    now = [0.0]
    reopen = PinReopen.lock(store, private_settings.security(store).pin, clock=lambda: now[0])
    assert store.is_locked
    with pytest.raises(LockedError):
        store.get("note", "n")
    assert "hash" not in vars(reopen).get("stored", {}), "the PIN's hash is not kept in memory"
    wrong = reopen.try_pin("1111")
    assert not wrong.ok and wrong.store is None and wrong.wait_seconds == 1
    now[0] += 5
    opened = reopen.try_pin("2468")
    assert opened.ok and opened.store.get("note", "n").payload == {"text": "behind the PIN"}
    assert not reopen.available, "used once; the next Lock now wraps again"


def test_a_pin_does_not_reopen_a_stale_window(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    private_settings.update(store, pin=hash_pin("2468"))
    reopen = PinReopen.lock(store, private_settings.security(store).pin)
    erase_private_data(services.vault, services.data_dir)
    services.vault.set_up(OTHER)
    with pytest.raises(StaleKeyError):
        reopen.try_pin("2468")
    assert not reopen.available and reopen.try_pin("2468").locked_out


def test_five_wrong_pins_forget_the_wrapped_key(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    now = [0.0]
    reopen = PinReopen.lock(store, hash_pin("2468"), clock=lambda: now[0])
    for _ in range(MAX_ATTEMPTS):
        now[0] += 100
        attempt = reopen.try_pin("0000")
    assert attempt.locked_out and not reopen.available
    now[0] += 100
    assert reopen.try_pin("2468").locked_out, "only the passphrase opens it now"


def test_a_store_from_before_key_epochs_unlocks_and_is_checked(tmp_path):
    """A private.sqlite at p0002 (set up by an older Kindred) gains its key epoch on the
    first unlock; from then on stale windows are refused as usual."""
    path = tmp_path / "data" / "private.sqlite"
    path.parent.mkdir()
    engine = create_sqlite_engine(path)
    upgrade(engine, "private", "p0002")
    data_key = crypto.new_data_key()
    params = crypto.new_kdf_params()
    now = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(
            KeySlot.__table__.insert().values(
                method="passphrase", kdf=__import__("json").dumps(params), created_at=now,
                wrapped_key=crypto.wrap_key(data_key, crypto.derive_key(PASSPHRASE, params), "passphrase"),
            )
        )
        sealed = crypto.seal(data_key, crypto.dumps_payload({"text": "old"}), crypto.record_aad("note", "n"))
        connection.execute(
            PrivateRecord.__table__.insert().values(id="n", kind="note", occurred_at=now, created_at=now, updated_at=now, ciphertext=sealed)
        )
    engine.dispose()
    services = open_services(tmp_path / "data")
    try:
        tab_a = services.vault.unlock(PASSPHRASE)
        tab_b = services.vault.unlock(PASSPHRASE)
        assert tab_a.epoch == tab_b.epoch and tab_a.get("note", "n").payload == {"text": "old"}
        erase_private_data(services.vault, services.data_dir)
        services.vault.set_up(OTHER)
        with pytest.raises(StaleKeyError):
            tab_a.put("note", {"text": "lost?"})
    finally:
        services.close()


# --- unreadable records -------------------------------------------------------------------
@pytest.fixture
def damaged(services):
    """A store with good records and three kinds of damage: rows written under a key that
    is gone (what a stale tab wrote before this fix), a flipped bit and a swapped row."""
    store, _ = services.vault.set_up(PASSPHRASE)
    journal = Journal(store)
    good = [journal.add(mood=m, note=f"good {m}", at=datetime(2026, 11, m, 12, tzinfo=timezone.utc)) for m in (1, 2, 3, 4, 5)]
    SavedGroups(store).save("src/ok", {"name": "Readable group"}, note="fine")
    old_key = write_under_old_key(
        services.private_db, "journal_entry", "stale-1", {"mood": 3}, when=datetime(2026, 11, 6, tzinfo=timezone.utc)
    )
    write_under_old_key(services.private_db, "saved_group", "stale-2", {"group_id": "src/x"}, key=old_key)
    with services.private_db.transaction() as session:
        row = session.get(PrivateRecord, good[0].id)
        flipped = bytearray(row.ciphertext)
        flipped[20] ^= 1
        row.ciphertext = bytes(flipped)
        # A swapped row: entry 2's ciphertext copied into entry 3's place.
        session.get(PrivateRecord, good[2].id).ciphertext = session.get(PrivateRecord, good[1].id).ciphertext
    return services, store, good


def test_unreadable_records_are_skipped_counted_and_reported(damaged):
    services, store, good = damaged
    journal = Journal(store)
    entries = journal.all_entries()
    assert [e.note for e in entries] == ["good 5", "good 4", "good 2"]
    assert journal.left_out == 3
    page = Journal(store).page(limit=2)  # the fast first page finds a bad row and falls back
    assert [e.note for e in page.entries] == ["good 5", "good 4"] and page.total == 3 and page.left_out == 3
    assert journal.insights().left_out == 3 and journal.insights().total_entries == 3
    assert journal.get("stale-1") is None and journal.get(good[0].id) is None
    saved = SavedGroups(store).list()
    assert [g.group_id for g in saved] == ["src/ok"] and saved.left_out == 1

    report = store.integrity_report()
    assert not report.ok
    assert report.unreadable_by_kind == {"journal_entry": 3, "saved_group": 1}
    assert {(r.kind, r.id) for r in report.unreadable} == {
        ("journal_entry", "stale-1"), ("saved_group", "stale-2"), ("journal_entry", good[0].id), ("journal_entry", good[2].id)
    }
    assert all(isinstance(r.occurred_at, datetime) and r.set_aside_at is None for r in report.unreadable)
    assert "good" not in repr(report) and "src/x" not in repr(report), "never content"


def test_set_aside_moves_them_out_of_the_way_as_they_are(damaged):
    services, store, good = damaged
    before = private_rows(services.private_db)
    assert store.set_aside_unreadable() == 4
    report = store.integrity_report()
    assert report.ok and report.set_aside_by_kind == {"journal_entry": 3, "saved_group": 1}
    assert all(r.set_aside_at is not None for r in report.set_aside)
    with services.private_db.transaction() as session:
        kept = {row[0]: row[1] for row in session.execute(text("SELECT record_id, ciphertext FROM private_record_aside"))}
    assert kept == {rid: before[rid] for rid in ("stale-1", "stale-2", good[0].id, good[2].id)}, "byte for byte"
    journal = Journal(store)
    assert len(journal.all_entries()) == 3 and journal.left_out == 0
    assert store.set_aside_unreadable() == 0


def test_backups_carry_unreadable_records_and_restore_them_set_aside(damaged, tmp_path):
    services, store, good = damaged
    before = private_rows(services.private_db)
    created = create_backup(services.vault, store, PASSPHRASE, tmp_path / "b.kindred-backup")
    assert created.written == 4 and created.kept_aside == 4  # 3 readable entries + 1 group; 4 kept as they are
    fresh = open_services(tmp_path / "fresh")
    try:
        opened = read_backup(created.data, PASSPHRASE)
        assert opened.summary.kept_aside == 4
        result = restore_backup(fresh.vault, fresh.private_db, fresh.data_dir, opened, PASSPHRASE)
        report = result.store.integrity_report()
        assert report.ok and len(report.set_aside) == 4
        with fresh.private_db.transaction() as session:
            kept = {row[0]: row[1] for row in session.execute(text("SELECT record_id, ciphertext FROM private_record_aside"))}
        assert kept["stale-1"] == before["stale-1"]
        assert [e.note for e in Journal(result.store).all_entries()] == ["good 5", "good 4", "good 2"]
        # A backup of the restored store still carries them, and a second restore does not double them.
        again = read_backup(create_backup(fresh.vault, result.store, PASSPHRASE).data, PASSPHRASE)
        restore_backup(fresh.vault, fresh.private_db, fresh.data_dir, again, PASSPHRASE, store=result.store)
        assert len(result.store.integrity_report().set_aside) == 4
    finally:
        fresh.close()


def test_overwriting_an_unreadable_record_keeps_the_old_one_aside(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    write_under_old_key(services.private_db, "setting", private_settings.RECORD_ID, {"place": "old"})
    assert private_settings.load_all(store) == {}  # unreadable: as if absent
    private_settings.update(store, auto_lock_minutes=15)
    assert private_settings.security(store).auto_lock_minutes == 15
    report = store.integrity_report()
    assert report.ok and [(r.kind, r.id) for r in report.set_aside] == [("setting", private_settings.RECORD_ID)]
    # The same through put_many (imports): the unreadable row with that id is kept aside.
    write_under_old_key(services.private_db, "journal_entry", "e1", {"mood": 1})
    store.put_many("journal_entry", [("e1", {"mood": 2}, None)])
    assert len(store.integrity_report().set_aside) == 2


def test_a_screen_lock_pin_does_not_reopen_a_stale_window(services):
    from services.privacy.pin import PinGate

    store, _ = services.vault.set_up(PASSPHRASE)
    gate = PinGate(hash_pin("2468"), store=store)
    assert gate.try_pin("2468").store is store  # still current: opens
    erase_private_data(services.vault, services.data_dir)
    services.vault.set_up(OTHER)
    with pytest.raises(StaleKeyError):
        gate.try_pin("2468")
    assert store.is_locked
