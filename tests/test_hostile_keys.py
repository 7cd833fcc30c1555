"""Key derivation settings and passphrases (issue 13): settings read from a key slot or a
backup header are accepted only in the ranges Kindred writes; passphrases are NFC-normalised
with a fallback for older slots; slots with older settings are re-wrapped at the next unlock."""

from __future__ import annotations

import json
import struct
import unicodedata

import pytest
from sqlalchemy import select

from services.models import KeySlot
from services.privacy import crypto
from services.privacy.backup import MAGIC, BackupError, encode_backup, read_backup
from services.privacy.vault import VaultError

NFC = unicodedata.normalize("NFC", "Crème brûlée für Zoë, s'il vous plaît")
NFD = unicodedata.normalize("NFD", NFC)


def slot_params(services, method="passphrase") -> dict:
    with services.private_db.transaction() as session:
        return json.loads(session.scalar(select(KeySlot.kdf).where(KeySlot.method == method)))


def set_slot_params(services, changes: dict, method="passphrase") -> None:
    with services.private_db.transaction() as session:
        slot = session.scalar(select(KeySlot).where(KeySlot.method == method))
        slot.kdf = json.dumps({**json.loads(slot.kdf), **changes})


def test_new_slots_use_owasps_scrypt_settings():
    assert crypto.SCRYPT_PARAMS == {"n": 2**17, "r": 8, "p": 1}


@pytest.mark.parametrize(
    "changes",
    [{"p": 600}, {"n": 2**30}, {"n": 2**14 + 1}, {"r": 1024}, {"n": "32768"}, {"p": True}, {"salt": "!!"}, {"algorithm": "md5"}],
    ids=["p600", "n2^30", "n-not-power-of-two", "r1024", "n-text", "p-bool", "salt", "algorithm"],
)
def test_a_key_slot_with_settings_kindred_never_writes_is_refused_before_any_work(services, cheap_kdf, changes):
    services.vault.set_up("a passphrase long enough", use_keyring=False)
    set_slot_params(services, changes)
    with pytest.raises(VaultError, match="key settings on this device are not valid"):
        services.vault.unlock("a passphrase long enough")


def _with_header(data: bytes, change) -> bytes:
    (length,) = struct.unpack(">I", data[len(MAGIC): len(MAGIC) + 4])
    header = json.loads(data[len(MAGIC) + 4: len(MAGIC) + 4 + length])
    change(header)
    raw = json.dumps(header).encode()
    return MAGIC + struct.pack(">I", len(raw)) + raw + data[len(MAGIC) + 4 + length:]


@pytest.mark.parametrize("changes", [{"p": 600}, {"n": 2**40}, {"r": 64}], ids=["p600", "n2^40", "r64"])
def test_a_backup_header_with_settings_kindred_never_writes_is_refused_before_any_work(cheap_kdf, changes):
    data = encode_backup([], "a passphrase long enough")
    tampered = _with_header(data, lambda header: header["kdf"].update(changes))
    with pytest.raises(BackupError, match="key settings are not valid"):
        read_backup(tampered, "a passphrase long enough")


def test_the_same_passphrase_in_another_unicode_form_unlocks(services, cheap_kdf):
    services.vault.set_up(NFC, use_keyring=False)
    services.vault.unlock(NFD).lock()
    services.vault.unlock(NFC).lock()
    data = encode_backup([], NFD)
    assert read_backup(data, NFC).records == []


def test_a_slot_made_from_the_bytes_as_typed_still_unlocks_and_is_rewrapped_to_nfc(services, cheap_kdf):
    store, _ = services.vault.set_up("placeholder passphrase", use_keyring=False)
    # As before normalisation: the slot wraps the data key under the NFD bytes as typed.
    params = crypto.new_kdf_params()
    wrapped = crypto.wrap_key(store.data_key, crypto.derive_key(NFD, params), "passphrase")
    with services.private_db.transaction() as session:
        slot = session.scalar(select(KeySlot).where(KeySlot.method == "passphrase"))
        slot.kdf, slot.wrapped_key = json.dumps(params), wrapped
    assert services.vault.unlock(NFD).data_key == store.data_key  # the fallback
    assert services.vault.unlock(NFC).data_key == store.data_key  # re-wrapped under NFC meanwhile


def test_a_slot_with_older_settings_is_rewrapped_at_the_next_unlock(services, monkeypatch):
    monkeypatch.setitem(crypto.KDF_COSTS, "key", {"n": 2**14, "r": 8, "p": 1})  # "older"
    store, code = services.vault.set_up("a passphrase long enough", use_keyring=False)
    monkeypatch.setitem(crypto.KDF_COSTS, "key", {"n": 2**15, "r": 8, "p": 1})  # "current"
    old_salt = slot_params(services)["salt"]
    assert services.vault.unlock("a passphrase long enough").data_key == store.data_key
    assert slot_params(services)["n"] == 2**15 and slot_params(services)["salt"] != old_salt
    assert services.vault.unlock_with_recovery_code(code).data_key == store.data_key
    assert slot_params(services, "recovery")["n"] == 2**15
    assert services.vault.unlock("a passphrase long enough").data_key == store.data_key
