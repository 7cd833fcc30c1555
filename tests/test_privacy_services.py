"""Keys (keyring, passphrase, recovery), PIN, private settings, saved groups, erase."""

from datetime import date

import pytest

from services.privacy import WrongSecret, settings as private_settings
from services.privacy.erase import erase_private_data
from services.privacy.pin import MAX_ATTEMPTS, PinError, PinGate, hash_pin
from services.privacy.strength import passphrase_strength
from services.saved import SavedGroupError, SavedGroups, export_csv, export_json, listing_checker
from tests.privacy_support import CANARY, PASSPHRASE, raw_bytes


def test_without_a_keyring_backend_only_passphrase_and_recovery_slots_exist(services):
    assert not services.vault.keyring_available()
    services.vault.set_up(PASSPHRASE)
    assert not services.vault.has_keyring_slot()
    assert services.vault.unlock_with_keyring() is None


def test_a_working_keyring_gets_a_slot_that_unlocks(services, memory_keyring):
    assert services.vault.keyring_available()
    store, _ = services.vault.set_up(PASSPHRASE)
    store.put("note", {"text": "via keyring"}, record_id="n")
    assert services.vault.has_keyring_slot()
    (service, username), value = next(iter(memory_keyring.items.items()))
    assert service == "Kindred" and username.startswith("data-key-")
    assert store.data_key.hex() not in value  # the keyring holds a wrapping key, not the data key
    assert services.vault.unlock_with_keyring().get("note", "n").payload == {"text": "via keyring"}
    # The passphrase still works, and changing it leaves the keyring slot working.
    services.vault.change_passphrase(store, "a brand new passphrase")
    assert services.vault.unlock_with_keyring().get("note", "n") is not None
    # Losing the keyring entry only loses the shortcut.
    memory_keyring.items.clear()
    assert services.vault.unlock_with_keyring() is None
    assert services.vault.unlock("a brand new passphrase").get("note", "n") is not None


def test_verify_passphrase(services):
    services.vault.set_up(PASSPHRASE)
    assert services.vault.verify_passphrase(PASSPHRASE)
    assert not services.vault.verify_passphrase("not the passphrase")


def test_strength_hints_in_plain_words():
    assert passphrase_strength("short").score == 0
    assert passphrase_strength("password").score == 1
    assert passphrase_strength("Maple-river-7").score == 2
    assert passphrase_strength("quiet maple river lantern").score == 3


def test_pin_is_a_screen_lock_with_growing_delays_and_a_limit():
    now = [1000.0]
    gate = PinGate(hash_pin("2468"), clock=lambda: now[0])
    assert gate.try_pin("2468").ok
    first = gate.try_pin("1111")
    assert not first.ok and first.wait_seconds == 1 and first.attempts_left == MAX_ATTEMPTS - 1
    too_soon = gate.try_pin("2468")
    assert not too_soon.ok and too_soon.wait_seconds > 0, "even the right PIN waits out the delay"
    delays = [1.0]
    for _ in range(MAX_ATTEMPTS - 2):
        now[0] += 100
        delays.append(gate.try_pin("0000").wait_seconds)
    assert delays == [1.0, 2.0, 4.0, 8.0]
    now[0] += 100
    last = gate.try_pin("0000")
    assert last.locked_out and last.attempts_left == 0
    now[0] += 10_000
    assert gate.try_pin("2468").locked_out, "after the limit only the passphrase helps"


@pytest.mark.parametrize("bad", ["12", "abcd", "1234567890123", "12 34"])
def test_pin_format(bad):
    with pytest.raises(PinError):
        hash_pin(bad)


def test_private_settings_are_encrypted(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    private_settings.update(store, place=f"{CANARY} street")
    assert private_settings.set_auto_lock(store, 15).auto_lock_minutes == 15
    with pytest.raises(ValueError):
        private_settings.set_auto_lock(store, 7)
    assert private_settings.get(store, "place") == f"{CANARY} street"
    assert CANARY.encode() not in raw_bytes(services.private_db.path)


def test_saved_groups_notes_attendance_and_removal(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    saved = SavedGroups(store)
    saved.save("nami:42", {"name": "Tuesday Peer Support"}, note="felt welcome")
    saved.save("mha:7")
    saved.set_note("mha:7", "try the online one")
    saved.mark_attended("nami:42", date(2026, 3, 3))
    saved.mark_attended("nami:42", date(2026, 3, 3))
    saved.mark_attended("nami:42", date(2026, 3, 10))
    groups = {g.group_id: g for g in saved.list()}
    assert groups["nami:42"].name == "Tuesday Peer Support"
    assert groups["nami:42"].attended == ["2026-03-03", "2026-03-10"]
    assert groups["nami:42"].note == "felt welcome"
    assert groups["mha:7"].status == "unknown" and groups["mha:7"].name == "mha:7"
    # Saving again refreshes the snapshot but keeps notes and attendance.
    saved.save("nami:42", {"name": "Tuesday Peer Support (renamed)"})
    again = saved.get("nami:42")
    assert again.note == "felt welcome" and len(again.attended) == 2 and again.name.endswith("(renamed)")
    with pytest.raises(SavedGroupError, match="not one of your saved groups"):
        saved.set_note("nope:1", "x")
    with pytest.raises(SavedGroupError):
        saved.save("   ")
    assert saved.unsave("mha:7") and not saved.unsave("mha:7")
    assert [g.group_id for g in saved.list()] == ["nami:42"]


def test_group_ids_are_not_readable_in_the_file(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    SavedGroups(store).save("secret-source:group-123", {"name": "Grief circle"})
    data = raw_bytes(services.private_db.path)
    assert b"group-123" not in data and b"Grief circle" not in data


def test_saved_groups_survive_a_source_removal_and_are_marked_no_longer_listed(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    saved = SavedGroups(store)
    saved.save("a:1", {"name": "A"})
    saved.save("b:2", {"name": "B"})
    listed = {"a:1", "b:2"}
    assert {g.status for g in saved.list(listed)} == {"listed"}
    # Source b was re-imported without group 2: the directory's answer says so at once.
    by_id = {g.group_id: g for g in saved.list({"a:1"})}
    assert by_id["b:2"].status == "no longer listed" and by_id["a:1"].status == "listed"
    assert by_id["b:2"].name == "B", "the snapshot keeps the name"
    assert {g.group_id: g.status for g in saved.list(lambda gid: gid == "a:1")} == {"a:1": "listed", "b:2": "no longer listed"}
    assert saved.get("b:2", {"a:1", "b:2"}).status == "listed"


def test_listing_checker_uses_a_directory_when_there_is_one(services):
    real = listing_checker(services)  # the app's own directory, with its bundled groups
    assert real("bundled/dbsa-support-groups") and not real("bundled/no-such-group")

    class NoDirectory:
        pass

    assert listing_checker(NoDirectory()) is None

    class Directory:
        def get_group(self, group_id):
            return {"name": "X"} if group_id == "x:1" else None

    class WithDirectory:
        directory = Directory()

    checker = listing_checker(WithDirectory())
    assert checker("x:1") and not checker("y:1")


def test_plain_exports(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    saved = SavedGroups(store)
    saved.save("a:1", {"name": "Quiet, \"calm\" group"}, note="line one\nline two")
    saved.mark_attended("a:1", date(2026, 1, 5))
    assert '"note": "line one\\nline two"' in export_json(saved.list())
    csv_text = export_csv(saved.list())
    assert csv_text.splitlines()[0] == "group_id,name,status,note,attended,saved_at"
    assert "2026-01-05" in csv_text and '"Quiet, ""calm"" group"' in csv_text


def test_delete_all_my_data_removes_records_keys_keyring_and_snapshots(services, memory_keyring):
    from services.privacy.backup import snapshot_database

    store, code = services.vault.set_up(PASSPHRASE)
    SavedGroups(store).save("a:1", {"name": "A"}, note=CANARY)
    services.preferences.set_country("GB")
    snapshot = snapshot_database(services.private_db, services.data_dir)
    assert memory_keyring.items
    erase_private_data(services.vault, services.data_dir)
    assert not services.vault.is_set_up()
    assert not memory_keyring.items
    assert not snapshot.exists()
    with pytest.raises(Exception):
        services.vault.unlock(PASSPHRASE)
    with pytest.raises(Exception):
        services.vault.unlock_with_recovery_code(code)
    assert services.preferences.load().country == "GB", "device preferences stay so help keeps working"
    assert CANARY.encode() not in raw_bytes(services.private_db.path)
    # A fresh start is possible afterwards.
    fresh, _ = services.vault.set_up("another long passphrase")
    assert fresh.kinds() == {}


def test_wrong_secret_is_refused_and_store_intact(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    SavedGroups(store).save("a:1", note="kept")
    for attempt in range(5):
        with pytest.raises(WrongSecret):
            services.vault.unlock(f"wrong guess {attempt}")
    assert SavedGroups(services.vault.unlock(PASSPHRASE)).get("a:1").note == "kept"
