"""The optional PIN: a quick way back into an app that is *screen-locked*.

A PIN is a screen lock, not encryption. While a session is screen-locked its data key
stays in that session's memory; the PIN only decides whether the screen opens again. Four
to twelve digits are far too few to protect a key against someone who has the file, so
the PIN never wraps the data key. Its hash (scrypt, salted) is kept inside the encrypted
store.

Attempts are limited: after each wrong PIN the next attempt must wait longer (1, 2, 4, 8 s),
and after ``MAX_ATTEMPTS`` wrong PINs the session locks fully and needs the passphrase.
The clock is injected so tests need no sleeping.
"""

from __future__ import annotations

import base64
import hmac
import os
import time
from dataclasses import dataclass, field
from typing import Callable

from services.privacy import crypto

MIN_DIGITS = 4
MAX_DIGITS = 12
MAX_ATTEMPTS = 5
PIN_KDF = {"algorithm": "scrypt", "n": 2**14, "r": 8, "p": 1}


class PinError(Exception):
    """A message for the person (bad format)."""


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(f"A PIN is {MIN_DIGITS} to {MAX_DIGITS} digits.")


def hash_pin(pin: str) -> dict:
    check_pin_format(pin)
    params = {**PIN_KDF, "salt": base64.b64encode(os.urandom(16)).decode()}
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


@dataclass
class PinGate:
    """Per-session attempt counter with growing delays."""

    stored: dict
    clock: Callable[[], float] = field(default=time.monotonic)
    failures: int = 0
    next_allowed_at: float = 0.0

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_ATTEMPTS - self.failures)

    def try_pin(self, pin: str) -> PinAttempt:
        if self.failures >= MAX_ATTEMPTS:
            return PinAttempt(ok=False, locked_out=True, attempts_left=0)
        now = self.clock()
        if now < self.next_allowed_at:
            return PinAttempt(ok=False, wait_seconds=self.next_allowed_at - now, attempts_left=self.attempts_left)
        if pin_matches(pin, self.stored):
            self.failures = 0
            self.next_allowed_at = 0.0
            return PinAttempt(ok=True, attempts_left=MAX_ATTEMPTS)
        self.failures += 1
        if self.failures >= MAX_ATTEMPTS:
            return PinAttempt(ok=False, locked_out=True, attempts_left=0)
        delay = float(2 ** (self.failures - 1))
        self.next_allowed_at = now + delay
        return PinAttempt(ok=False, wait_seconds=delay, attempts_left=self.attempts_left)
