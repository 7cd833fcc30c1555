"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

# Imported where used: `kindred --version` and `--help` must not pay for SQLAlchemy, Alembic,
# cryptography or httpx (tests/test_cli_startup.py).
if TYPE_CHECKING:
    from services.app import KindredServices
    from services.privacy import PrivateStore

PASSPHRASE_ENV = "KINDRED_PASSPHRASE"


class UserFacingError(Exception):
    """An error whose message is meant for the person at the terminal (no traceback)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def _services_from_args(args) -> KindredServices:
    from services.app import open_services
    from services.paths import resolve_data_dir

    return open_services(resolve_data_dir(getattr(args, "data_dir", None)))


@contextmanager
def opened_services(args, translate: tuple[type[Exception], ...] = (), prefix: str = "") -> Iterator[KindredServices]:
    """The services for one command, closed afterwards; errors listed in ``translate``
    become a plain message for the terminal (``prefix`` + the error's own words). Every
    command opens its services this way.

    A store found stale (another window or command reset Kindred or restored a backup
    while this one ran) always becomes its own plain message."""
    from services.errors import LockedError

    services = _services_from_args(args)
    try:
        yield services
    except LockedError as error:
        raise UserFacingError(str(error)) from error
    except translate as error:
        raise UserFacingError(f"{prefix}{error}") from error
    finally:
        services.close()


@contextmanager
def unlocked_store(services: KindredServices) -> Iterator[PrivateStore]:
    """The private store for one command (see ``unlock_store``), locked again afterwards."""
    store = unlock_store(services)
    try:
        yield store
    finally:
        store.lock()


def report_left_out(count: int, kind: str) -> None:
    """Say on stderr how many records did not decrypt and were left out of a listing."""
    if count:
        from services.privacy.integrity import kind_label


        print(
            f"{count} {kind_label(kind, count)} could not be read and {'was' if count == 1 else 'were'} left out. "
            "Run `kindred security check` for details.",
            file=sys.stderr,
        )


# Control characters (escape sequences can set the title, clear the screen, fake output)
# and bidirectional overrides (text that reads differently from what it is), never shown
# raw on a terminal: feed names and descriptions come from anyone.
UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    return UNSAFE_FOR_TERMINAL.sub("", text)


class _SafeStream:
    """A text stream that drops what :data:`UNSAFE_FOR_TERMINAL` matches from everything written."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(for_terminal(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextmanager
def terminal_safe_output() -> Iterator[None]:
    """For one command: what it prints is free of control and bidi characters."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def print_json(value: Any) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    # The same data, with the characters a terminal would act on written as JSON escapes.
    sys.stdout.write(UNSAFE_FOR_TERMINAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def stdin_is_interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask_passphrase(prompt: str = "Kindred passphrase: ", allow_env: bool = True) -> str:
    """The passphrase from $KINDRED_PASSPHRASE, else asked without echo on a terminal."""
    if allow_env and os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not stdin_is_interactive():
        raise UserFacingError(
            f"Kindred is locked. Set {PASSPHRASE_ENV} or run this command in a terminal to type your passphrase."
        )
    return getpass.getpass(prompt)


def unlock_store(services: KindredServices) -> PrivateStore:
    """Unlock for one CLI run: $KINDRED_PASSPHRASE, the OS keyring, or a prompt (3 tries)."""
    from services.privacy import WrongSecret

    vault = services.vault
    if not vault.is_set_up():
        raise UserFacingError("Kindred is not set up on this device yet. Run `kindred setup` first.")
    if os.environ.get(PASSPHRASE_ENV):
        try:
            return vault.unlock(os.environ[PASSPHRASE_ENV])
        except WrongSecret:
            raise UserFacingError(f"{PASSPHRASE_ENV} does not unlock Kindred. Nothing was changed.") from None
    store = vault.unlock_with_keyring()
    if store is not None:
        return store
    if not stdin_is_interactive():
        raise UserFacingError(
            f"Kindred is locked. Set {PASSPHRASE_ENV} or run this command in a terminal to type your passphrase."
        )
    for _attempt in range(3):
        try:
            return vault.unlock(getpass.getpass("Kindred passphrase: "))
        except WrongSecret:
            print("That passphrase does not unlock Kindred. Nothing was changed.", file=sys.stderr)
    raise UserFacingError("Kindred stays locked after three wrong passphrases. Nothing was changed.")


def confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not stdin_is_interactive():
        raise UserFacingError("Not a terminal: add --yes to confirm.")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
