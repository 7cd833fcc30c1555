"""Folder sync between two devices: two real data folders and one shared folder on disk.

The "folder tool" (Syncthing) is played by the tests themselves: both devices write into
the same folder, or files are copied from one folder to another, half-copied on purpose.
"""

from __future__ import annotations

import base64
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from services.app import open_services
from services.devices import CONFLICT_KIND, FolderSync, JoinError, SyncFolderError, join_folder
from services.devices import folder as files
from services.journal import Journal
from services.privacy.crypto import RECOVERY_ALPHABET, WrongSecret
from tests.privacy_support import CANARY, PASSPHRASE

PASSPHRASE_B = "another passphrase for the phone"


class Clock:
    """A wall clock a test can set (milliseconds), for clock skew."""

    def __init__(self, offset_ms: int = 0):
        self.offset_ms = offset_ms

    def __call__(self) -> int:
        return int(datetime.now(timezone.utc).timestamp() * 1000) + self.offset_ms


class Device:
    def __init__(self, data_dir: Path, clock: Clock | None = None):
        self.data_dir = data_dir
        self.services = open_services(data_dir)
        self.store = None
        self.clock = clock or Clock()

    @property
    def sync(self) -> FolderSync:
        return FolderSync(self.store, self.services.vault, now_ms=self.clock)

    @property
    def journal(self) -> Journal:
        return Journal(self.store)

    def entries(self) -> dict[str, str]:
        return {e.id: e.note for e in self.journal.all_entries()}

    def conflicts(self):
        return self.store.list(CONFLICT_KIND)

    def close(self):
        if self.store is not None:
            self.store.lock()
        self.services.close()


@pytest.fixture
def shared(tmp_path) -> Path:
    return tmp_path / "Sync" / "Kindred"


@pytest.fixture
def pair(tmp_path, shared):
    """Device A set up and linked; device B joined with the recovery code."""
    a = Device(tmp_path / "a")
    a.store, code = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
    a.journal.add(mood=4, note=f"first day {CANARY}")
    a.sync.link(shared, "Laptop")
    b = Device(tmp_path / "b", Clock())
    b.store, _ = join_folder(b.services.vault, shared, code, PASSPHRASE_B, "Phone", now_ms=b.clock)
    a.code = code
    yield a, b
    a.close()
    b.close()


def test_a_second_device_joins_with_the_recovery_code_and_its_own_passphrase(pair, shared, tmp_path):
    a, b = pair
    assert sorted(b.entries().values()) == [f"first day {CANARY}"]
    # B has its own passphrase; A's does not open B, the shared recovery code opens both.
    b.store.lock()
    with pytest.raises(WrongSecret):
        b.services.vault.unlock(PASSPHRASE)
    b.store = b.services.vault.unlock(PASSPHRASE_B)
    assert b.services.vault.unlock_with_recovery_code(a.code).key_id == a.store.key_id
    status = b.sync.status().to_json()
    assert status["folder"] == str(shared.resolve()) and status["conflicts"] == 0
    assert status["last_synced"] is not None
    assert [d["name"] for d in status["devices"]] == ["Phone", "Laptop"]
    a.sync.sync()
    assert {d["name"] for d in a.sync.status().devices} == {"Laptop", "Phone"}


def test_a_wrong_recovery_code_or_a_folder_never_linked_changes_nothing(pair, shared, tmp_path):
    c = Device(tmp_path / "c")
    try:
        with pytest.raises(JoinError, match="does not open"):
            join_folder(c.services.vault, shared, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", PASSPHRASE_B)
        assert not c.services.vault.is_set_up()
        empty = tmp_path / "empty"
        empty.mkdir()
        with pytest.raises(SyncFolderError, match="not a Kindred sync folder"):
            join_folder(c.services.vault, empty, pair[0].code, PASSPHRASE_B)
        assert not c.services.vault.is_set_up()
    finally:
        c.close()


def test_edits_on_both_sides_and_deletions_meet(pair):
    a, b = pair
    from_a = a.journal.add(mood=3, note="written on the laptop")
    from_b = b.journal.add(mood=2, note="written on the phone")
    [first] = [e for e in a.journal.all_entries() if e.note.startswith("first day")]
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    assert a.entries() == b.entries() and len(a.entries()) == 3
    b.journal.delete(from_a.id)
    a.journal.update(from_b.id, note="the phone's entry, edited on the laptop")
    a.sync.sync()
    b.sync.sync()
    a.sync.sync()
    assert a.entries() == b.entries() == {
        first.id: first.note, from_b.id: "the phone's entry, edited on the laptop"}
    assert not a.conflicts() and not b.conflicts()


def test_the_same_entry_edited_on_both_devices_offline_keeps_both_versions(pair):
    a, b = pair
    entry = a.journal.add(mood=3, note="base")
    a.sync.sync()
    b.sync.sync()
    a.journal.update(entry.id, note="laptop version")
    b.journal.update(entry.id, note="phone version")
    for _ in range(2):
        a.sync.sync()
        b.sync.sync()
    assert a.entries() == b.entries()
    winner = a.entries()[entry.id]
    assert winner in ("laptop version", "phone version")
    for device in (a, b):
        [kept] = device.conflicts()
        assert kept.payload["record_id"] == entry.id
        assert kept.payload["payload"]["note"] == ({"laptop version", "phone version"} - {winner}).pop()
    assert a.conflicts()[0].id == b.conflicts()[0].id
    assert a.sync.status().conflicts == b.sync.status().conflicts == 1
    # Settings can put the kept version back; both devices then agree again, no conflict left.
    b.sync.use_conflict_version(b.conflicts()[0].id)
    for _ in range(2):
        b.sync.sync()
        a.sync.sync()
    assert a.entries()[entry.id] == b.entries()[entry.id] != winner
    assert not a.conflicts() and not b.conflicts()


def test_an_edit_against_a_deletion_is_kept(pair):
    a, b = pair
    entry = a.journal.add(mood=3, note="base")
    a.sync.sync()
    b.sync.sync()
    a.journal.delete(entry.id)
    b.clock.offset_ms = -60_000  # the phone's clock is behind: the deletion wins
    b.journal.update(entry.id, note="edited on the phone while the laptop deleted it")
    for _ in range(2):
        b.sync.sync()
        a.sync.sync()
    assert entry.id not in a.entries() and entry.id not in b.entries()
    for device in (a, b):
        [kept] = device.conflicts()
        assert kept.payload["payload"]["note"] == "edited on the phone while the laptop deleted it"


def test_clock_skew_does_not_reorder_an_edit_made_after_seeing_another(pair):
    a, b = pair
    a.clock.offset_ms = 86_400_000  # the laptop thinks it is tomorrow
    entry = a.journal.add(mood=3, note="from the future")
    a.sync.sync()
    b.sync.sync()
    b.journal.update(entry.id, note="a later edit on a correct clock")
    b.sync.sync()
    a.sync.sync()
    assert a.entries()[entry.id] == b.entries()[entry.id] == "a later edit on a correct clock"
    assert not a.conflicts() and not b.conflicts()


def test_half_written_and_temporary_files_are_ignored_until_complete(pair, shared, tmp_path):
    a, b = pair
    a.journal.add(mood=5, note="arrives late")
    result = a.sync.sync()
    written = shared / result.written
    data = written.read_bytes()
    # What Syncthing shows while it copies: temporary names, and (other tools) a file cut short.
    outside = tmp_path / "held-back"
    outside.mkdir()
    shutil.move(written, outside / result.written)
    (shared / f".syncthing.{result.written}.tmp").write_bytes(data[: len(data) // 2])
    (shared / f"~syncthing~{result.written}.tmp").write_bytes(data[:100])
    (shared / result.written).write_bytes(data[: len(data) // 2])
    (shared / f"{result.written}.sync-conflict-20261202-101010-ABCDEFG").write_bytes(b"junk")
    half = b.sync.sync()
    assert half.waiting == 1 and "arrives late" not in b.entries().values()
    (shared / result.written).write_bytes(data)  # the copy completes
    done = b.sync.sync()
    assert done.waiting == 0 and done.merged_files == 1
    assert "arrives late" in b.entries().values()


def test_the_folder_holds_nothing_readable_and_sizes_are_padded(pair, shared):
    a, b = pair
    a.journal.add(mood=2, note=f"private words {CANARY} " * 20)
    a.sync.sync()
    b.sync.sync()
    names = sorted(p.name for p in shared.iterdir())
    assert files.JOIN_FILE in names
    for path in shared.iterdir():
        data = path.read_bytes()
        assert CANARY.encode() not in data and b"private words" not in data
        assert b"Laptop" not in data and b"Phone" not in data and b"journal" not in data
        if path.name != files.JOIN_FILE:
            assert files.CHANGE_FILE.match(path.name)
            assert (len(data) - 28) in (4096, 8192, 16384, 32768), len(data)
    join = json.loads((shared / files.JOIN_FILE).read_text())
    assert set(join) == {"format", "version", "key_id", "kdf", "wrapped_key", "stamp"}
    # The stamp (when the recovery code was made, and where) is sealed and of one fixed length.
    fixed = len(json.dumps({"d": "0" * 64, "h": "0" * 20, "v": "0" * 32}, sort_keys=True)) + 28
    assert len(base64.b64decode(join["stamp"])) == fixed


def test_merging_the_same_file_again_changes_nothing(pair, shared):
    a, b = pair
    for n in range(5):
        a.journal.add(mood=3, note=f"entry {n}")
    a.sync.sync()
    b.sync.sync()
    before = b.entries()
    from sqlalchemy import delete

    from services.models import SyncSeen

    with b.services.private_db.transaction() as session:  # forget what was merged
        session.execute(delete(SyncSeen))
    again = b.sync.sync()
    assert again.applied == 0 and again.new_conflicts == 0
    assert b.entries() == before and len(before) == 6


def test_a_device_compacts_its_own_files(pair, shared):
    a, b = pair
    for n in range(12):
        a.journal.add(mood=3, note=f"entry {n}")
        a.sync.sync()
    own = [n for n in files.change_file_names(shared)]
    assert len(own) <= 10
    b.sync.sync()
    assert len(b.entries()) == 13


def test_a_restored_backup_does_not_give_a_device_another_identity(pair):
    a, b = pair
    a_id = a.sync.status().devices[0]["id"]
    b_id = b.sync.status().devices[0]["id"]
    assert a_id != b_id


def test_delete_all_forgets_the_sync_settings(pair):
    a, _ = pair
    from services.privacy.erase import erase_private_data

    erase_private_data(a.services.vault, a.data_dir)
    a.store, _ = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
    assert a.sync.status().folder is None


def test_without_a_shared_folder_an_exported_file_pairs_two_devices(tmp_path):
    """The browser build's way: download a file here, upload it there (the recovery code opens it)."""
    from services.devices import join_bundle

    a, b = Device(tmp_path / "a"), Device(tmp_path / "b")
    try:
        a.store, code = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
        first = a.journal.add(mood=4, note=f"on the laptop {CANARY}")
        bundle = a.sync.export_bundle("Laptop")
        assert CANARY.encode() not in bundle
        with pytest.raises(JoinError, match="does not open"):
            join_bundle(b.services.vault, bundle, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", PASSPHRASE_B)
        b.store, joined = join_bundle(b.services.vault, bundle, code, PASSPHRASE_B, "Browser")
        assert joined.applied == 1 and b.entries() == {first.id: first.note}
        b.journal.update(first.id, note="edited in the browser")
        b.journal.add(mood=2, note="new in the browser")
        back = b.sync.export_bundle()
        result = a.sync.import_bundle(back)
        assert result.applied == 2 and a.entries() == b.entries()
        again = a.sync.import_bundle(back)
        assert again.merged_files == 0 and a.entries() == b.entries()
        assert {d["name"] for d in a.sync.status().devices} == {"Laptop", "Browser"}
        with pytest.raises(SyncFolderError, match="not a Kindred sync file"):
            a.sync.import_bundle(b"{}")
        c = Device(tmp_path / "c")
        try:
            c.store, _ = c.services.vault.set_up(PASSPHRASE, use_keyring=False)
            with pytest.raises(SyncFolderError, match="another Kindred"):
                c.sync.import_bundle(back)
        finally:
            c.close()
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_devices_with_random_edits_deletions_and_syncs_converge(tmp_path, seed):
    """Random check-ins, edits, deletions and undos on three devices, synced in random
    order with random clock skews: in the end every device holds the same records, each
    once, and every edit that lost a conflict is kept as a copy."""
    import random

    rng = random.Random(seed)
    shared = tmp_path / "Sync"
    devices = [Device(tmp_path / name, Clock(rng.randint(-3_600_000, 3_600_000))) for name in "abc"]
    try:
        first = devices[0]
        first.store, code = first.services.vault.set_up(PASSPHRASE, use_keyring=False)
        first.sync.link(shared, "A")
        for index, device in enumerate(devices[1:], start=1):
            device.store, _ = join_folder(device.services.vault, shared, code, PASSPHRASE_B, "BC"[index - 1],
                                          now_ms=device.clock)
        written = set()
        for step in range(40):
            device = rng.choice(devices)
            entries = device.journal.all_entries()
            action = rng.random()
            if action < 0.35 or not entries:
                note = f"{device.data_dir.name} step {step}"
                device.journal.add(mood=rng.randint(1, 5), note=note)
                written.add(note)
            elif action < 0.6:
                note = f"{device.data_dir.name} edit {step}"
                device.journal.update(rng.choice(entries).id, note=note)
                written.add(note)
            elif action < 0.75:
                device.journal.delete(rng.choice(entries).id)
            else:
                device.sync.sync()
        for _round in range(3):
            for device in devices:
                device.sync.sync()
        views = [device.entries() for device in devices]
        assert views[0] == views[1] == views[2]
        copies = [sorted(r.id for r in device.conflicts()) for device in devices]
        assert copies[0] == copies[1] == copies[2]
        for device in devices:
            ids = [e.id for e in device.journal.all_entries()]
            assert len(ids) == len(set(ids))
        kept = set(views[0].values()) | {r.payload["payload"]["note"] for r in devices[0].conflicts()}
        # A note can vanish only by a deletion or by an edit on the same device; never by a merge.
        assert kept <= written
    finally:
        for device in devices:
            device.close()


def test_a_linked_device_syncs_when_it_is_unlocked_and_a_missing_folder_never_stops_it(tmp_path, shared):
    from services import session as sessions

    a = Device(tmp_path / "a")
    b = Device(tmp_path / "b")
    try:
        opened = sessions.set_up(a.services, PASSPHRASE)
        opened.session.link_sync_folder(str(shared), "Laptop")
        b.store, _ = join_folder(b.services.vault, shared, opened.recovery_code, PASSPHRASE_B, "Phone")
        Journal(b.store).add(mood=5, note="written on the phone while the laptop was locked")
        b.sync.sync()
        opened.session.lock()
        session = sessions.unlock(a.services, PASSPHRASE)
        assert "written on the phone while the laptop was locked" in {e.note for e in session.journal.all_entries()}
        session.lock()
        shutil.move(shared, tmp_path / "unplugged")  # the USB stick is not there
        session = sessions.unlock(a.services, PASSPHRASE)
        assert session.sync_status().folder == str(shared.resolve())
        with pytest.raises(SyncFolderError, match="is not there"):
            session.sync_now()
        session.lock()
    finally:
        a.close()
        b.close()


# --- a one-time pairing code instead of the recovery code ----------------------------------------
def _first_device(tmp_path, shared) -> Device:
    a = Device(tmp_path / "a")
    a.store, a.code = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
    a.journal.add(mood=4, note=f"first day {CANARY}")
    a.sync.link(shared, "Laptop")
    return a


def test_a_second_device_joins_once_with_a_pairing_code_and_keeps_the_same_recovery_code(tmp_path, shared):
    a = _first_device(tmp_path, shared)
    b, c = Device(tmp_path / "b"), Device(tmp_path / "c")
    try:
        code, expires = a.sync.start_pairing()
        # As long and as random as the recovery code: never easier to guess than it.
        assert len(code) == len(a.code) and set(code) <= set(RECOVERY_ALPHABET + "-")
        assert code != a.code and a.sync.pairing_open_until() == expires
        pair_file = (shared / files.PAIR_FILE).read_bytes()
        assert CANARY.encode() not in pair_file and code.encode() not in pair_file and b"Laptop" not in pair_file
        b.store, _ = join_folder(b.services.vault, shared, code, PASSPHRASE_B, "Phone", pairing=True)
        assert sorted(b.entries().values()) == [f"first day {CANARY}"]
        assert b.store.key_id == a.store.key_id
        # Used once: the pairing file is gone, the code opens nothing any more.
        assert not (shared / files.PAIR_FILE).exists() and a.sync.pairing_open_until() is None
        with pytest.raises(JoinError, match="pairing code does not open"):
            join_folder(c.services.vault, shared, code, PASSPHRASE_B, pairing=True)
        with pytest.raises(JoinError, match="recovery code does not open"):
            join_folder(c.services.vault, shared, code, PASSPHRASE_B, pairing=None)
        assert not c.services.vault.is_set_up()
        # B never saw the recovery code, yet keeps the same one (the join file's slot, as it is).
        b.store.lock()
        assert b.services.vault.unlock_with_recovery_code(a.code).key_id == a.store.key_id
        b.store = b.services.vault.unlock(PASSPHRASE_B)
        b.journal.add(mood=2, note="from the phone")
        b.sync.sync()
        a.sync.sync()
        assert sorted(a.entries().values()) == [f"first day {CANARY}", "from the phone"]
    finally:
        for device in (a, b, c):
            device.close()


def test_a_pairing_code_expires_and_a_wrong_or_tampered_one_opens_nothing(tmp_path, shared):
    a = _first_device(tmp_path, shared)
    b = Device(tmp_path / "b")
    try:
        code, _expires = a.sync.start_pairing(minutes=5)
        with pytest.raises(JoinError, match="pairing code does not open"):
            join_folder(b.services.vault, shared, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", PASSPHRASE_B, pairing=True)
        # Moving the expiry later in the file breaks the code: the expiry is bound into the wrapping.
        document = json.loads((shared / files.PAIR_FILE).read_text())
        document["expires"] += 3_600_000
        (shared / files.PAIR_FILE).write_text(json.dumps(document))
        with pytest.raises(JoinError, match="pairing code does not open"):
            join_folder(b.services.vault, shared, code, PASSPHRASE_B, pairing=True)
        # Past its time (by the joining device's clock): refused in words.
        code, _expires = a.sync.start_pairing(minutes=1)
        with pytest.raises(JoinError, match="has expired"):
            join_folder(b.services.vault, shared, code, PASSPHRASE_B, pairing=True, now_ms=Clock(2 * 60_000))
        assert not b.services.vault.is_set_up()
        # The first device removes an expired pairing at its next sync.
        assert (shared / files.PAIR_FILE).exists()
        a.clock.offset_ms = 2 * 60_000
        a.sync.sync()
        assert not (shared / files.PAIR_FILE).exists()
        with pytest.raises(SyncFolderError, match="from 1 to 60 minutes"):
            a.sync.start_pairing(minutes=0)
    finally:
        a.close()
        b.close()


def test_the_set_up_screen_path_takes_either_code(tmp_path, shared):
    """The app's join (pairing=None) tries the pairing first, then the recovery code."""
    a = _first_device(tmp_path, shared)
    b, c = Device(tmp_path / "b"), Device(tmp_path / "c")
    try:
        code, _expires = a.sync.start_pairing()
        c.store, _ = join_folder(c.services.vault, shared, a.code, PASSPHRASE_B, pairing=None)  # the recovery code
        assert (shared / files.PAIR_FILE).exists()  # the pairing is still open for another device
        b.store, _ = join_folder(b.services.vault, shared, code, PASSPHRASE_B, pairing=None)
        assert b.store.key_id == c.store.key_id == a.store.key_id
        assert not (shared / files.PAIR_FILE).exists()
    finally:
        for device in (a, b, c):
            device.close()


def test_a_hostile_or_damaged_pairing_file_is_ignored_quickly(tmp_path, shared):
    """Whoever can write into the folder cannot make a join hang (scrypt settings are bounded)
    or crash it: a bad pairing file is ignored and the recovery code still joins."""
    a = _first_device(tmp_path, shared)
    b = Device(tmp_path / "b")
    try:
        code, _expires = a.sync.start_pairing()
        document = json.loads((shared / files.PAIR_FILE).read_text())
        document["kdf"]["n"] = 2**30
        (shared / files.PAIR_FILE).write_text(json.dumps(document))
        with pytest.raises(JoinError, match="pairing code does not open"):
            join_folder(b.services.vault, shared, code, PASSPHRASE_B, pairing=True)
        for junk in (b"", b"{", b"[]", json.dumps({"format": "kindred-sync-pair", "expires": "soon"}).encode()):
            (shared / files.PAIR_FILE).write_bytes(junk)
            assert files.read_pair_file(shared) is None
        b.store, _ = join_folder(b.services.vault, shared, a.code, PASSPHRASE_B, pairing=None)
        assert b.store.key_id == a.store.key_id
    finally:
        a.close()
        b.close()
