"""Encrypted private data: the vault (keys, unlocking) and the private store (records)."""

from services.privacy.crypto import DecryptionError, WrongSecret
from services.privacy.store import (
    STALE_MESSAGE,
    IntegrityReport,
    LockedError,
    PrivateRecordView,
    PrivateStore,
    RecordList,
    RecordRef,
    StaleKeyError,
)
from services.privacy.vault import PrivateVault, VaultError

__all__ = [
    "STALE_MESSAGE",
    "DecryptionError",
    "IntegrityReport",
    "LockedError",
    "PrivateRecordView",
    "PrivateStore",
    "PrivateVault",
    "RecordList",
    "RecordRef",
    "StaleKeyError",
    "VaultError",
    "WrongSecret",
]
