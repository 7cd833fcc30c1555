"""Private settings: settings that say something about the person live in the encrypted
store (one record of kind ``setting``), never in the plain device preferences.

Examples: the auto-lock time, the PIN's hash, the person's place. Device preferences
(``services/preferences.py``) hold only what the locked app needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.privacy.store import PrivateStore

KIND = "setting"
RECORD_ID = "private-settings"

AUTO_LOCK_CHOICES = (0, 1, 5, 15, 60)  # minutes; 0 = never
DEFAULT_AUTO_LOCK_MINUTES = 5


@dataclass(frozen=True)
class SecuritySettings:
    auto_lock_minutes: int = DEFAULT_AUTO_LOCK_MINUTES
    pin: dict | None = None  # {"kdf": {...}, "hash": "..."}; see services/privacy/pin.py
    biometric: bool = False

    @property
    def has_pin(self) -> bool:
        return self.pin is not None


def load_all(store: PrivateStore) -> dict[str, Any]:
    record = store.get(KIND, RECORD_ID)
    return dict(record.payload) if record else {}


def get(store: PrivateStore, key: str, default: Any = None) -> Any:
    return load_all(store).get(key, default)


def update(store: PrivateStore, **changes: Any) -> dict[str, Any]:
    """Set (or, with None, remove) private settings in one encrypted record."""
    values = load_all(store)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    store.put(KIND, values, record_id=RECORD_ID)
    return values


def security(store: PrivateStore) -> SecuritySettings:
    values = load_all(store)
    minutes = values.get("auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
    if minutes not in AUTO_LOCK_CHOICES:
        minutes = DEFAULT_AUTO_LOCK_MINUTES
    return SecuritySettings(auto_lock_minutes=minutes, pin=values.get("pin"), biometric=bool(values.get("biometric")))


def set_auto_lock(store: PrivateStore, minutes: int) -> SecuritySettings:
    if minutes not in AUTO_LOCK_CHOICES:
        raise ValueError(f"auto-lock must be one of {AUTO_LOCK_CHOICES} minutes")
    update(store, auto_lock_minutes=minutes)
    return security(store)
