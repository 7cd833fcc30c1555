"""Encrypted private data: the vault (keys, unlocking) and the private store (records)."""

from services.privacy.crypto import DecryptionError, WrongSecret
from services.privacy.store import PrivateRecordView, PrivateStore
from services.privacy.vault import PrivateVault, VaultError

__all__ = ["DecryptionError", "PrivateRecordView", "PrivateStore", "PrivateVault", "VaultError", "WrongSecret"]
