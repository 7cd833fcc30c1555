"""The encrypted private store and the vault that unlocks it."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from services.privacy import DecryptionError, crypto, PrivateVault, VaultError, WrongSecret
from services.privacy.store import LockedError

CANARY = "CANARY-7f3a9c-private-words"


def raw_bytes(path):
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_set_up_unlock_and_round_trip(services):
    store, recovery_code = services.vault.set_up("correct horse battery")
    record = store.put("note", {"text": "hello", "n": 1})
    again = services.vault.unlock("correct horse battery")
    assert again.get("note", record.id).payload == {"text": "hello", "n": 1}
    by_code = services.vault.unlock_with_recovery_code(recovery_code.lower().replace("-", " "))
    assert by_code.get("note", record.id).payload["text"] == "hello"


def test_wrong_passphrase_is_refused_and_changes_nothing(services):
    store, _ = services.vault.set_up("correct horse battery")
    store.put("note", {"text": "kept"}, record_id="a")
    before = raw_bytes(services.private_db.path)
    with pytest.raises(WrongSecret):
        services.vault.unlock("wrong horse battery")
    with pytest.raises(WrongSecret):
        services.vault.unlock_with_recovery_code("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    assert services.vault.unlock("correct horse battery").get("note", "a").payload == {"text": "kept"}
    assert raw_bytes(services.private_db.path) == before


def test_short_passphrase_and_second_set_up_are_refused(services):
    with pytest.raises(VaultError, match="at least 8"):
        services.vault.set_up("short")
    services.vault.set_up("long enough passphrase")
    with pytest.raises(VaultError, match="already set up"):
        services.vault.set_up("another passphrase")


def test_canary_never_reaches_the_database_file_or_its_wal(services):
    store, _ = services.vault.set_up("correct horse battery")
    for i in range(20):
        store.put("note", {"text": f"{CANARY} number {i}"})
    assert CANARY.encode() not in raw_bytes(services.private_db.path)
    assert CANARY.encode() not in raw_bytes(services.directory_db.path)
    assert store.count("note") == 20


def test_a_ciphertext_moved_to_another_row_or_tampered_fails(services):
    store, _ = services.vault.set_up("correct horse battery")
    a = store.put("note", {"text": "a"}, record_id="a")
    store.put("note", {"text": "b"}, record_id="b")
    connection = sqlite3.connect(services.private_db.path)
    connection.execute("UPDATE private_record SET ciphertext=(SELECT ciphertext FROM private_record WHERE id='a') WHERE id='b'")
    connection.commit()
    # Never the wrong plaintext: the moved row does not decrypt, so it is skipped and reported.
    assert store.get("note", "b") is None
    assert [r.id for r in store.list("note")] == ["a"] and store.list("note").left_out == 1
    with pytest.raises(DecryptionError):
        crypto.open_sealed(store.data_key, connection.execute("SELECT ciphertext FROM private_record WHERE id='b'").fetchone()[0], crypto.record_aad("note", "b"))
    ciphertext = connection.execute("SELECT ciphertext FROM private_record WHERE id='a'").fetchone()[0]
    tampered = bytes([ciphertext[0]]) + bytes([ciphertext[1] ^ 1]) + ciphertext[2:]
    connection.execute("UPDATE private_record SET ciphertext=? WHERE id='a'", (tampered,))
    connection.execute("UPDATE private_record SET kind='other' WHERE id='b'")
    connection.commit()
    connection.close()
    assert store.get("note", "a") is None
    assert {(r.kind, r.id) for r in store.integrity_report().unreadable} == {("note", "a"), ("other", "b")}
    assert a.payload == {"text": "a"}


def test_changing_the_passphrase_rewraps_without_reencrypting(services):
    store, code = services.vault.set_up("first passphrase")
    store.put("note", {"text": "x"}, record_id="x")
    connection = sqlite3.connect(services.private_db.path)
    before = connection.execute("SELECT ciphertext FROM private_record").fetchall()
    services.vault.change_passphrase(store, "second passphrase")
    assert connection.execute("SELECT ciphertext FROM private_record").fetchall() == before
    connection.close()
    with pytest.raises(WrongSecret):
        services.vault.unlock("first passphrase")
    assert services.vault.unlock("second passphrase").get("note", "x").payload == {"text": "x"}
    assert services.vault.unlock_with_recovery_code(code).get("note", "x") is not None


def test_listing_orders_pages_and_filters_by_time(services):
    store, _ = services.vault.set_up("correct horse battery")
    start = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    for day in range(10):
        store.put("entry", {"day": day}, occurred_at=start + timedelta(days=day))
    store.put("other", {"x": 1})
    assert [r.payload["day"] for r in store.list("entry", limit=3)] == [9, 8, 7]
    assert [r.payload["day"] for r in store.list("entry", limit=3, offset=3)] == [6, 5, 4]
    assert [r.payload["day"] for r in store.list("entry", newest_first=False, since=start + timedelta(days=8))] == [8, 9]
    assert store.count("entry") == 10 and store.kinds() == {"entry": 10, "other": 1}
    assert store.delete("entry", store.list("entry", limit=1)[0].id)
    assert store.count("entry") == 9


def test_a_locked_store_refuses_to_work(services):
    store, _ = services.vault.set_up("correct horse battery")
    store.lock()
    with pytest.raises(LockedError):
        store.put("note", {"text": "x"})
    with pytest.raises(LockedError):
        store.list("note")


def test_naive_timestamps_are_refused(services):
    store, _ = services.vault.set_up("correct horse battery")
    with pytest.raises(ValueError, match="time zone"):
        store.put("entry", {}, occurred_at=datetime(2026, 1, 1))


def test_two_sessions_unlock_independently(services):
    first, _ = services.vault.set_up("correct horse battery")
    second = PrivateVault(services.private_db).unlock("correct horse battery")
    first.lock()
    assert second.put("note", {"ok": True}).payload == {"ok": True}


def _slot_costs(services) -> dict[str, int]:
    import json

    with services.private_db.transaction() as session:
        from sqlalchemy import select

        from services.models import KeySlot

        return {slot.method: json.loads(slot.kdf)["n"] for slot in session.scalars(select(KeySlot))}


def test_tests_get_cheap_key_derivation_from_one_fixture(services):
    from services.privacy.pin import hash_pin
    from tests.conftest import CHEAP_SCRYPT

    services.vault.set_up("correct horse battery")
    assert _slot_costs(services) == {"passphrase": CHEAP_SCRYPT["n"], "recovery": CHEAP_SCRYPT["n"]}
    assert hash_pin("2468")["kdf"]["n"] == CHEAP_SCRYPT["n"]


@pytest.mark.real_kdf
def test_the_real_key_derivation_costs(services):
    """The one test that keeps Kindred's real scrypt costs (tests/conftest.py: cheap_kdf)."""
    from services.privacy import crypto
    from services.privacy.pin import hash_pin

    store, code = services.vault.set_up("correct horse battery")
    assert _slot_costs(services) == {"passphrase": 2**15, "recovery": 2**15}
    assert crypto.SCRYPT_PARAMS == {"n": 2**15, "r": 8, "p": 1}
    pin = hash_pin("2468")
    assert pin["kdf"]["n"] == 2**14 and pin["kdf"]["r"] == 8
    assert services.vault.unlock("correct horse battery").key_id == store.key_id
    assert services.vault.unlock_with_recovery_code(code).key_id == store.key_id
