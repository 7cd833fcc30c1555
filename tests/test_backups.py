"""Encrypted backups: round trips, restore with a snapshot, and files that must be refused."""

import json
import struct
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from services.app import open_services
from services.privacy import settings as private_settings
from services.privacy.backup import (
    MAGIC,
    BackupError,
    BackupWrongPassphrase,
    create_backup,
    encode_backup,
    read_backup,
    read_backup_file,
    restore_backup,
)
from services.privacy.store import PrivateRecordView
from services.saved import SavedGroups
from tests.privacy_support import CANARY, PASSPHRASE, raw_bytes


@pytest.fixture
def filled(services):
    store, _ = services.vault.set_up(PASSPHRASE)
    saved = SavedGroups(store)
    saved.save("nami:1", {"name": "Peer group"}, note=f"note with {CANARY}")
    saved.mark_attended("nami:1")
    private_settings.update(store, place=CANARY)
    return services, store


def test_backup_holds_everything_encrypted_and_restores_on_a_fresh_device(filled, tmp_path):
    services, store = filled
    path = tmp_path / "out" / "my.kindred-backup"
    data = create_backup(services.vault, store, PASSPHRASE, path).data
    assert path.read_bytes() == data and data.startswith(MAGIC)
    assert CANARY.encode() not in data and b"nami:1" not in data and b"saved_group" not in data

    fresh_dir = tmp_path / "fresh"
    fresh = open_services(fresh_dir)
    try:
        opened = read_backup_file(path, PASSPHRASE)
        assert opened.summary.counts == {"saved_group": 1, "setting": 1} and opened.summary.total == 2
        assert not fresh.vault.is_set_up(), "reading a backup changes nothing"
        result = restore_backup(fresh.vault, fresh.private_db, fresh_dir, opened, PASSPHRASE)
        assert result.recovery_code and result.snapshot_path is None
        again = fresh.vault.unlock(PASSPHRASE)
        group = SavedGroups(again).get("nami:1")
        assert group.note == f"note with {CANARY}" and len(group.attended) == 1
        assert private_settings.get(again, "place") == CANARY
        assert fresh.vault.unlock_with_recovery_code(result.recovery_code).count("saved_group") == 1
        assert CANARY.encode() not in raw_bytes(fresh.private_db.path)
    finally:
        fresh.close()


def test_restore_over_existing_data_snapshots_it_first(filled, tmp_path):
    services, store = filled
    data = create_backup(services.vault, store, PASSPHRASE).data
    SavedGroups(store).save("later:2", note="added after the backup")
    opened = read_backup(data, PASSPHRASE)
    result = restore_backup(services.vault, services.private_db, services.data_dir, opened, PASSPHRASE, store=store)
    assert result.snapshot_path.parent == services.data_dir / "snapshots" and result.snapshot_path.exists()
    assert [g.group_id for g in SavedGroups(store).list()] == ["nami:1"]
    # The snapshot is the data as it was (still encrypted, same keys): open it and look.
    import shutil

    other = tmp_path / "from-snapshot"
    other.mkdir()
    shutil.copy(result.snapshot_path, other / "private.sqlite")
    reopened = open_services(other)
    try:
        ids = {g.group_id for g in SavedGroups(reopened.vault.unlock(PASSPHRASE)).list()}
        assert ids == {"nami:1", "later:2"}
    finally:
        reopened.close()
    assert CANARY.encode() not in result.snapshot_path.read_bytes()


def test_backup_needs_the_current_passphrase(filled, tmp_path):
    services, store = filled
    with pytest.raises(BackupWrongPassphrase):
        create_backup(services.vault, store, "someone else's passphrase", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_wrong_passphrase_truncated_tampered_and_foreign_files_change_nothing(filled):
    services, store = filled
    data = create_backup(services.vault, store, PASSPHRASE).data
    SavedGroups(store).save("current:9", note="must survive")
    before = raw_bytes(services.private_db.path)
    header_length = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])[0]
    header_end = len(MAGIC) + 4 + header_length
    header = json.loads(data[len(MAGIC) + 4 : header_end])
    edited = json.dumps({**header, "created_at": "2020-01-01T00:00:00+00:00"}, sort_keys=True, separators=(",", ":")).encode()
    cases = {
        "wrong passphrase": (data, "not the passphrase", "does not open this backup"),
        "cut in the body": (data[:-10], PASSPHRASE, "incomplete"),
        "cut in the header": (data[: len(MAGIC) + 10], PASSPHRASE, "incomplete"),
        "cut in the magic": (data[:5], PASSPHRASE, "incomplete"),
        "a flipped body bit": (_flip(data, len(data) - 30), PASSPHRASE, "changed or damaged"),
        "an edited header date": (
            MAGIC + struct.pack(">I", len(edited)) + edited + data[header_end:], PASSPHRASE, "changed or damaged"
        ),
        "extra bytes": (data + b"more", PASSPHRASE, "extra data"),
        "not a backup": (b"SQLite format 3\x00" + b"\x00" * 100, PASSPHRASE, "not a Kindred backup"),
        "empty": (b"", PASSPHRASE, "empty"),
        "garbage header": (MAGIC + struct.pack(">I", 5) + b"{oops" + b"x" * 50, PASSPHRASE, "header is not valid"),
    }
    for name, (blob, passphrase, message) in cases.items():
        with pytest.raises(BackupError, match=message):
            read_backup(blob, passphrase)
        assert raw_bytes(services.private_db.path) == before, name
    assert SavedGroups(store).get("current:9").note == "must survive"


def test_a_newer_format_is_refused_with_advice(filled):
    services, store = filled
    data = create_backup(services.vault, store, PASSPHRASE).data
    header_length = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])[0]
    header_end = len(MAGIC) + 4 + header_length
    header = json.loads(data[len(MAGIC) + 4 : header_end])
    edited = json.dumps({**header, "version": 99}).encode()
    with pytest.raises(BackupError, match="newer version"):
        read_backup(MAGIC + struct.pack(">I", len(edited)) + edited + data[header_end:], PASSPHRASE)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc)
)
records = st.lists(
    st.builds(
        PrivateRecordView,
        id=st.text(alphabet="abcdef0123456789-:", min_size=1, max_size=40),
        kind=st.sampled_from(["saved_group", "journal_entry", "setting", "safety_plan", "ünïcode kind"]),
        occurred_at=moments,
        created_at=moments,
        updated_at=moments,
        payload=st.dictionaries(st.text(max_size=12), json_values, max_size=5),
    ),
    max_size=8,
    unique_by=lambda r: r.id,
)
# The file keeps its own KDF parameters; a small N keeps 50 examples fast. The real
# parameters are used by every other test in this file.
FAST_KDF = {"algorithm": "scrypt", "n": 2**8, "r": 8, "p": 1, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=records, passphrase=st.text(min_size=8, max_size=30))
def test_backups_round_trip_any_content(items, passphrase):
    opened = read_backup(encode_backup(items, passphrase, kdf_params=FAST_KDF), passphrase)
    assert opened.records == items
    counts = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    assert opened.summary.counts == counts


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(items=records)
def test_backups_round_trip_through_a_real_store(tmp_path_factory, items):
    data_dir = tmp_path_factory.mktemp("roundtrip")
    services = open_services(data_dir)
    try:
        store, _ = services.vault.set_up(PASSPHRASE)
        store.replace_all(items)
        data = create_backup(services.vault, store, PASSPHRASE).data
        store.replace_all([])
        restore_backup(services.vault, services.private_db, data_dir, read_backup(data, PASSPHRASE), PASSPHRASE, store=store)
        assert sorted(store.all_records(), key=lambda r: r.id) == sorted(items, key=lambda r: r.id)
    finally:
        services.close()
