"""The recovery code across linked devices: two (or three) real data folders and one shared folder.

A new recovery code made on one device reaches the others at their next sync (through the
folder or an exported sync file): the old code then opens nothing, anywhere, and a device
that still holds the older slot never brings the old code back. A device joining with a
pairing code keeps the join file's recovery slot only if a device holding the data key
stamped it.
"""

from __future__ import annotations

import base64
import json

import pytest

from services.app import open_services
from services.devices import JoinError, join_bundle, join_folder
from services.devices import folder as files
from services.privacy.crypto import WrongSecret
from services.privacy.vault import PrivateVault
from tests.privacy_support import CANARY, PASSPHRASE
from tests.privacy_support import env, run  # noqa: F401 - a fixture and the CLI runner
from tests.test_devices_sync import PASSPHRASE_B, Device


@pytest.fixture
def shared(tmp_path):
    return tmp_path / "Sync" / "Kindred"


@pytest.fixture
def devices(tmp_path, shared):
    """A set up and linked; B and C joined with the recovery code; everything synced."""
    a = Device(tmp_path / "a")
    a.store, a.code = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
    a.journal.add(mood=4, note=f"first day {CANARY}")
    a.sync.link(shared, "Laptop")
    b, c = Device(tmp_path / "b"), Device(tmp_path / "c")
    b.store, _ = join_folder(b.services.vault, shared, a.code, PASSPHRASE_B, "Phone")
    c.store, _ = join_folder(c.services.vault, shared, a.code, PASSPHRASE_B, "Tablet")
    for device in (a, b, c):
        device.sync.sync()
    yield a, b, c
    for device in (a, b, c):
        device.close()


def opens(device: Device, code: str) -> bool:
    try:
        device.services.vault.unlock_with_recovery_code(code)
    except WrongSecret:
        return False
    return True


def join_file_opens(shared, code: str) -> bool:
    try:
        PrivateVault.unwrap_recovery_slot(files.read_join_file(shared), code)
    except WrongSecret:
        return False
    return True


@pytest.mark.parametrize("order", ["made_here_first", "other_first"])
def test_a_new_recovery_code_reaches_every_device_and_the_old_one_opens_nothing(devices, shared, tmp_path, order):
    a, b, c = devices
    old = a.code
    assert all(opens(d, old) for d in (a, b, c)) and join_file_opens(shared, old)
    old_join_file = (shared / files.JOIN_FILE).read_bytes()
    new = a.services.vault.replace_recovery_code(a.store)
    assert opens(a, new) and not opens(a, old)
    if order == "other_first":
        # B syncs before A has written the new slot: its older slot must not win later.
        b.sync.sync()
        assert join_file_opens(shared, old)
    a.sync.sync()
    assert join_file_opens(shared, new) and not join_file_opens(shared, old)
    b.sync.sync()
    for device in (a, b):
        assert opens(device, new) and not opens(device, old)
    # C stayed offline with the older slot and syncs last: it takes the new one, and writes
    # nothing back.
    c.sync.sync()
    assert opens(c, new) and not opens(c, old)
    assert join_file_opens(shared, new) and not join_file_opens(shared, old)
    # An older join file put back in the folder (a folder tool's version history): the next
    # device to sync writes the newer slot over it, and no device takes the older one.
    (shared / files.JOIN_FILE).write_bytes(old_join_file)
    b.sync.sync()
    assert join_file_opens(shared, new) and not join_file_opens(shared, old)
    (shared / files.JOIN_FILE).write_bytes(old_join_file)
    for device in (a, b, c):
        device.sync.sync()
        assert opens(device, new) and not opens(device, old)
    assert join_file_opens(shared, new) and not join_file_opens(shared, old)
    # A fourth device joins with the new code only.
    d = Device(tmp_path / "d")
    try:
        with pytest.raises(JoinError, match="does not open"):
            join_folder(d.services.vault, shared, old, PASSPHRASE_B)
        assert not d.services.vault.is_set_up()
        d.store, _ = join_folder(d.services.vault, shared, new, PASSPHRASE_B, "Desktop")
        assert opens(d, new) and not opens(d, old)
        assert sorted(d.entries().values()) == [f"first day {CANARY}"]
    finally:
        d.close()
    # Nothing readable was added to the folder: the stamp is sealed and of one fixed length.
    for path in shared.iterdir():
        data = path.read_bytes()
        assert CANARY.encode() not in data and b"Laptop" not in data and b"Phone" not in data
    join = json.loads((shared / files.JOIN_FILE).read_text())
    assert set(join) == {"format", "version", "key_id", "kdf", "wrapped_key", "stamp"}
    old_stamp = json.loads(old_join_file)["stamp"]
    assert len(base64.b64decode(join["stamp"])) == len(base64.b64decode(old_stamp))


def test_the_same_code_made_again_on_the_other_device_wins_when_made_later(devices, shared):
    """Two new codes, one after the other on different devices: the later one is kept everywhere."""
    a, b, c = devices
    first = a.services.vault.replace_recovery_code(a.store)
    a.sync.sync()
    b.sync.sync()
    second = b.services.vault.replace_recovery_code(b.store)
    a.sync.sync()  # A's slot (first) is older than B's (second), which is not in the folder yet
    b.sync.sync()
    a.sync.sync()
    c.sync.sync()
    for device in (a, b, c):
        assert opens(device, second) and not opens(device, first) and not opens(device, a.code)
    assert join_file_opens(shared, second) and not join_file_opens(shared, first)


def test_a_re_wrapped_slot_keeps_its_age(devices, shared):
    """Unlocking with the recovery code may re-wrap the slot under newer scrypt settings: the
    same code, so it must not count as a new one (it would bring an old code back)."""
    a, b, _c = devices
    new = a.services.vault.replace_recovery_code(a.store)
    a.sync.sync()
    # B re-wraps its (older) slot after A's new one was written, before B has seen it.
    vault = b.services.vault
    with vault._db.transaction() as session:
        vault._store_slot(session, "recovery", b.store.data_key, a.code)
    b.sync.sync()
    a.sync.sync()
    for device in (a, b):
        assert opens(device, new) and not opens(device, a.code)
    assert join_file_opens(shared, new)


def test_a_new_recovery_code_travels_in_exported_sync_files(tmp_path):
    """The browser build's way (export here, import there), in both directions."""
    a, b = Device(tmp_path / "a"), Device(tmp_path / "b")
    try:
        a.store, old = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
        a.journal.add(mood=4, note="on the laptop")
        b.store, _ = join_bundle(b.services.vault, a.sync.export_bundle("Laptop"), old, PASSPHRASE_B, "Browser")
        older_bundle = b.sync.export_bundle()
        new = a.services.vault.replace_recovery_code(a.store)
        # A file B made before the new code, imported on A later, does not bring the old code back.
        a.sync.import_bundle(older_bundle)
        assert opens(a, new) and not opens(a, old)
        b.sync.import_bundle(a.sync.export_bundle())
        assert opens(b, new) and not opens(b, old)
        # B's own files carry the new code now; a new device joins from one with it only.
        from_b = b.sync.export_bundle()
        c = Device(tmp_path / "c")
        try:
            with pytest.raises(JoinError, match="does not open"):
                join_bundle(c.services.vault, from_b, old, PASSPHRASE_B)
            c.store, _ = join_bundle(c.services.vault, from_b, new, PASSPHRASE_B)
            assert opens(c, new) and not opens(c, old)
        finally:
            c.close()
    finally:
        a.close()
        b.close()


def _edit_join_file(shared, change) -> None:
    path = shared / files.JOIN_FILE
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("damage", ["wrapped_key_changed", "no_stamp", "another_kindreds_slot"])
def test_a_pairing_join_refuses_a_damaged_or_swapped_recovery_slot(tmp_path, shared, damage):
    a = Device(tmp_path / "a")
    b = Device(tmp_path / "b")
    other = Device(tmp_path / "other")
    try:
        a.store, a.code = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
        a.journal.add(mood=4, note=f"first day {CANARY}")
        a.sync.link(shared, "Laptop")
        code, _ = a.sync.start_pairing()
        if damage == "wrapped_key_changed":
            def change(document):
                raw = bytearray(base64.b64decode(document["wrapped_key"]))
                raw[-1] ^= 1
                document["wrapped_key"] = base64.b64encode(bytes(raw)).decode("ascii")
        elif damage == "no_stamp":
            def change(document):
                del document["stamp"]
        else:
            other.store, _ = other.services.vault.set_up(PASSPHRASE, use_keyring=False)
            elsewhere = tmp_path / "elsewhere"
            other.sync.link(elsewhere, "Someone else")
            theirs = json.loads((elsewhere / files.JOIN_FILE).read_text())

            def change(document):
                for key in ("kdf", "wrapped_key", "stamp"):
                    document[key] = theirs[key]
        _edit_join_file(shared, change)
        with pytest.raises(JoinError, match="damaged or was replaced"):
            join_folder(b.services.vault, shared, code, PASSPHRASE_B, "Phone", pairing=True)
        # Nothing half set up, and the pairing is still open.
        assert not b.services.vault.is_set_up()
        assert b.services.vault.recovery_slot() is None
        assert (shared / files.PAIR_FILE).exists()
        # The first device's next sync writes its own slot back; then the pairing works and
        # the new device keeps the same recovery code.
        a.sync.sync()
        b.store, _ = join_folder(b.services.vault, shared, code, PASSPHRASE_B, "Phone", pairing=True)
        assert opens(b, a.code) and sorted(b.entries().values()) == [f"first day {CANARY}"]
    finally:
        for device in (a, b, other):
            device.close()


def test_joining_from_a_sync_file_with_another_key_id_sets_nothing_up(tmp_path):
    a, b = Device(tmp_path / "a"), Device(tmp_path / "b")
    try:
        a.store, code = a.services.vault.set_up(PASSPHRASE, use_keyring=False)
        a.journal.add(mood=4, note="on the laptop")
        document = json.loads(a.sync.export_bundle("Laptop"))
        document["key_id"] = "0" * 32
        with pytest.raises(JoinError, match="damaged"):
            join_bundle(b.services.vault, json.dumps(document).encode(), code, PASSPHRASE_B)
        assert not b.services.vault.is_set_up()
        assert b.services.vault.recovery_slot() is None
        # The file as exported still joins.
        document = json.loads(a.sync.export_bundle("Laptop"))
        b.store, joined = join_bundle(b.services.vault, json.dumps(document).encode(), code, PASSPHRASE_B)
        assert joined.applied == 1 and opens(b, code)
    finally:
        a.close()
        b.close()


def test_a_new_recovery_code_is_put_in_the_join_file_at_once(devices, shared, tmp_path):
    """Settings and `kindred security new-recovery-code` share the new slot at once; the other
    devices take it at their next sync. Without a linked folder it does nothing."""
    a, b, _c = devices
    new = a.services.vault.replace_recovery_code(a.store)
    assert a.sync.share_recovery_slot()
    assert join_file_opens(shared, new) and not join_file_opens(shared, a.code)
    b.sync.sync()
    assert opens(b, new) and not opens(b, a.code)
    alone = Device(tmp_path / "alone")
    try:
        alone.store, _ = alone.services.vault.set_up(PASSPHRASE, use_keyring=False)
        alone.services.vault.replace_recovery_code(alone.store)
        assert not alone.sync.share_recovery_slot()
    finally:
        alone.close()


def test_a_new_recovery_code_from_the_command_line_reaches_the_other_device(tmp_path, env, monkeypatch, capsys):
    def printed_code() -> str:
        [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Recovery code: ")]
        return line.removeprefix("Recovery code: ").strip()

    a, b, folder = tmp_path / "a", tmp_path / "b", tmp_path / "Sync"
    assert run(a, "setup") == 0
    old = printed_code()
    assert run(a, "devices", "link", str(folder), "--name", "Laptop") == 0
    monkeypatch.setenv("KINDRED_RECOVERY_CODE", old)
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE_B)
    assert run(b, "devices", "join", str(folder), "--name", "Phone") == 0
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE)
    capsys.readouterr()
    assert run(a, "security", "new-recovery-code", "--yes") == 0
    new = printed_code()
    assert join_file_opens(folder, new) and not join_file_opens(folder, old)
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE_B)
    assert run(b, "devices", "sync") == 0
    phone = open_services(b)
    try:
        assert phone.vault.unlock_with_recovery_code(new)
        with pytest.raises(WrongSecret):
            phone.vault.unlock_with_recovery_code(old)
    finally:
        phone.close()
