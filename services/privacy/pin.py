"""The optional PIN: a quick way back into a window that is locked.

A PIN is a screen lock, not encryption. Four to twelve digits are far too few to protect
a key against someone who has the file, so nothing wrapped by a PIN is ever written
anywhere. Its hash (scrypt, salted) is kept inside the encrypted store.

Two ways a window can wait for its PIN:

- ``PinGate`` (auto-lock, a screen lock): the data key stays in the window's memory; the
  PIN only decides whether the screen opens again.
- ``PinReopen`` (after "Lock now"): the open store is locked and its plain data key
  dropped; the window keeps, in memory only, the data key wrapped (AES-GCM) under the
  PIN's scrypt hash, and the PIN's salt — not the hash itself, which stays inside the
  encrypted store. The right PIN re-derives the hash and unwraps the key. Someone who can
  read this process's memory could try every PIN, which is why this is a screen lock and
  not encryption; closing the window, the passphrase-only "Lock now" of a window without a
  PIN, or five wrong PINs drop it. A window whose key was replaced meanwhile (another
  window deleted everything or restored a backup) does not reopen.

Attempts are limited: after each wrong PIN the next attempt must wait longer (1, 2, 4, 8 s),
and after ``MAX_ATTEMPTS`` wrong PINs the session locks fully and needs the passphrase.
The clock is injected so tests need no sleeping.
"""

from __future__ import annotations

import base64
import hmac
import time
from dataclasses import dataclass, field
from typing import Callable

from services.privacy import crypto
from services.privacy.store import PrivateStore
from services.i18n import _

MIN_DIGITS = 4
MAX_DIGITS = 12
MAX_ATTEMPTS = 5


class PinError(Exception):
    """A message for the person (bad format)."""


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(_("A PIN is {low} to {high} digits.").format(low=MIN_DIGITS, high=MAX_DIGITS))


def hash_pin(pin: str) -> dict:
    check_pin_format(pin)
    params = crypto.new_kdf_params("pin")
    return {"kdf": params, "hash": base64.b64encode(crypto.derive_key(pin, params)).decode()}


def pin_matches(pin: str, stored: dict) -> bool:
    if not pin.isdigit():
        return False
    candidate = crypto.derive_key(pin, stored["kdf"])
    return hmac.compare_digest(candidate, base64.b64decode(stored["hash"]))


@dataclass
class PinAttempt:
    ok: bool
    locked_out: bool = False  # too many wrong PINs: the passphrase is needed now
    wait_seconds: float = 0.0  # too soon: try again after this long
    attempts_left: int = MAX_ATTEMPTS
    store: PrivateStore | None = field(default=None, repr=False)  # PinReopen: the reopened store


@dataclass
class PinGate:
    """Per-session attempt counter with growing delays."""

    stored: dict
    clock: Callable[[], float] = field(default=time.monotonic)
    failures: int = 0
    next_allowed_at: float = 0.0
    # The screen-locked window's store: if given, the right PIN also checks that its key
    # is still current (StaleKeyError otherwise: another window reset or restored).
    store: PrivateStore | None = field(default=None, repr=False)

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_ATTEMPTS - self.failures)

    def try_pin(self, pin: str) -> PinAttempt:
        if self.failures >= MAX_ATTEMPTS:
            return PinAttempt(ok=False, locked_out=True, attempts_left=0)
        now = self.clock()
        if now < self.next_allowed_at:
            return PinAttempt(ok=False, wait_seconds=self.next_allowed_at - now, attempts_left=self.attempts_left)
        if self._matches(pin):
            self.failures = 0
            self.next_allowed_at = 0.0
            return self._opened()
        self.failures += 1
        if self.failures >= MAX_ATTEMPTS:
            self._give_up()
            return PinAttempt(ok=False, locked_out=True, attempts_left=0)
        delay = float(2 ** (self.failures - 1))
        self.next_allowed_at = now + delay
        return PinAttempt(ok=False, wait_seconds=delay, attempts_left=self.attempts_left)

    def _matches(self, pin: str) -> bool:
        return pin_matches(pin, self.stored)

    def _opened(self) -> PinAttempt:
        if self.store is not None:
            self.store.check_current()
        return PinAttempt(ok=True, attempts_left=MAX_ATTEMPTS, store=self.store)

    def _give_up(self) -> None:
        pass


PIN_REOPEN_AAD = b"kindred/pin-reopen/v1"


class PinReopen(PinGate):
    """After "Lock now" in a window with a PIN: what lets the PIN reopen it (see the
    module's docstring). Same delays and limit as ``PinGate``; ``try_pin`` returns the
    reopened store in ``PinAttempt.store``. Raises ``StaleKeyError`` (and forgets the key)
    if the store's key or data were replaced by another window meanwhile."""

    def __init__(self, store: PrivateStore, stored_pin: dict, clock: Callable[[], float] = time.monotonic):
        super().__init__(stored={}, clock=clock)  # the PIN's hash is not kept
        self._database = store._db
        self._epoch = store.epoch
        self._kdf = dict(stored_pin["kdf"])
        self._wrapped: bytes | None = crypto.seal(base64.b64decode(stored_pin["hash"]), store.data_key, PIN_REOPEN_AAD)
        self._data_key: bytes | None = None

    @classmethod
    def lock(cls, store: PrivateStore, stored_pin: dict, clock: Callable[[], float] = time.monotonic) -> "PinReopen":
        """Lock ``store`` now, keeping what the PIN needs to reopen it."""
        reopen = cls(store, stored_pin, clock)
        store.lock()
        return reopen

    @property
    def available(self) -> bool:
        return self._wrapped is not None

    def forget(self) -> None:
        """Drop the wrapped key: only the passphrase opens this window now."""
        self._wrapped = None
        self._data_key = None

    def _matches(self, pin: str) -> bool:
        if self._wrapped is None or not pin.isdigit():
            return False
        try:
            self._data_key = crypto.open_sealed(crypto.derive_key(pin, self._kdf), self._wrapped, PIN_REOPEN_AAD)
            return True
        except crypto.DecryptionError:
            return False

    def _opened(self) -> PinAttempt:
        data_key, self._data_key = self._data_key, None
        self.forget()
        store = PrivateStore(self._database, data_key, self._epoch)
        store.check_current()  # raises StaleKeyError for a key or data replaced meanwhile
        return PinAttempt(ok=True, attempts_left=MAX_ATTEMPTS, store=store)

    def try_pin(self, pin: str) -> PinAttempt:
        if self._wrapped is None:
            return PinAttempt(ok=False, locked_out=True, attempts_left=0)
        return super().try_pin(pin)

    def _give_up(self) -> None:
        self.forget()
