"""``kindred setup``, ``kindred security ...``: the passphrase, the recovery code, erasing."""

from __future__ import annotations

import getpass
import os
import sys

from cli.common import PASSPHRASE_ENV, UserFacingError, ask_passphrase, print_json, services_from_args, stdin_is_interactive, unlock_store
from services.privacy import VaultError, WrongSecret
from services.privacy.erase import CONFIRM_WORD, erase_private_data
from services.privacy.strength import passphrase_strength


def register(subparsers) -> None:
    setup = subparsers.add_parser(
        "setup", help="create your passphrase (prints a one-time recovery code)", description=SETUP_HELP
    )
    setup.set_defaults(func=run_setup)

    security = subparsers.add_parser("security", help="passphrase, status, delete all my data")
    commands = security.add_subparsers(dest="security_command", metavar="ACTION", required=True)
    commands.add_parser("setup", help="same as `kindred setup`", description=SETUP_HELP).set_defaults(func=run_setup)
    status = commands.add_parser("status", help="is Kindred set up, and which ways of unlocking exist")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=run_status)
    change = commands.add_parser("change-passphrase", help="choose a new passphrase (re-wraps the key; data is not re-encrypted)")
    change.set_defaults(func=run_change)
    erase = commands.add_parser(
        "delete-all", help="delete all private data and keys (the public directory stays)"
    )
    erase.add_argument("--confirm", metavar="WORD", help=f"type {CONFIRM_WORD} to confirm without a prompt")
    erase.set_defaults(func=run_erase)


SETUP_HELP = (
    "Kindred encrypts your private data with a random key, and locks that key with a passphrase "
    f"you choose (from ${PASSPHRASE_ENV}, or typed twice). A one-time recovery code is printed once: "
    "write it down, it is the only way back in if you forget the passphrase."
)


def _new_passphrase() -> str:
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not stdin_is_interactive():
        raise UserFacingError(f"Set {PASSPHRASE_ENV} or run this command in a terminal to choose a passphrase.")
    first = getpass.getpass("Choose a passphrase (at least 8 characters; a few unrelated words work well): ")
    print(passphrase_strength(first).hint, file=sys.stderr)
    if getpass.getpass("Type it again: ") != first:
        raise UserFacingError("The two passphrases were different. Nothing was set up.")
    return first


def run_setup(args) -> int:
    services = services_from_args(args)
    try:
        if services.vault.is_set_up():
            raise UserFacingError("Kindred is already set up on this device.")
        keyring_note = (
            "Your system keyring also keeps a key, so the command line can unlock without asking."
            if services.vault.keyring_available()
            else "This device has no system keyring Kindred can use, so your passphrase is the way to unlock."
        )
        try:
            _store, code = services.vault.set_up(_new_passphrase())
        except VaultError as error:
            raise UserFacingError(str(error)) from None
    finally:
        services.close()
    print("Kindred is set up. Your private data is encrypted on this device.")
    print(keyring_note)
    print()
    print("Your recovery code (shown only this once, write it down and keep it somewhere safe):")
    print()
    print(f"    {code}")
    print()
    print("If you forget your passphrase, this code is the only way back in.")
    return 0


def run_status(args) -> int:
    services = services_from_args(args)
    try:
        report = {
            "set_up": services.vault.is_set_up(),
            "keyring_available": services.vault.keyring_available(),
            "keyring_slot": services.vault.has_keyring_slot(),
        }
    finally:
        services.close()
    if args.json:
        print_json(report)
    else:
        print("Set up: " + ("yes" if report["set_up"] else "no (run `kindred setup`)"))
        print("System keyring: " + ("in use" if report["keyring_slot"] else "available" if report["keyring_available"] else "none on this device"))
    return 0


def run_change(args) -> int:
    services = services_from_args(args)
    try:
        if not services.vault.is_set_up():
            raise UserFacingError("Kindred is not set up on this device yet. Run `kindred setup` first.")
        current = ask_passphrase("Current passphrase (or recovery code): ", allow_env=True)
        try:
            store = services.vault.unlock(current)
        except WrongSecret:
            try:
                store = services.vault.unlock_with_recovery_code(current)
            except WrongSecret:
                raise UserFacingError("That does not unlock Kindred. Nothing was changed.") from None
        new = os.environ.get("KINDRED_NEW_PASSPHRASE")
        if not new:
            if not stdin_is_interactive():
                raise UserFacingError("Set KINDRED_NEW_PASSPHRASE or run this in a terminal to choose the new passphrase.")
            new = getpass.getpass("New passphrase: ")
            if getpass.getpass("Type it again: ") != new:
                raise UserFacingError("The two passphrases were different. Nothing was changed.")
        try:
            services.vault.change_passphrase(store, new)
        except VaultError as error:
            raise UserFacingError(str(error)) from None
    finally:
        services.close()
    print("Your passphrase is changed. Your data was not touched; the recovery code still works.")
    return 0


def run_erase(args) -> int:
    services = services_from_args(args)
    try:
        if not services.vault.is_set_up():
            print("There is no private data to delete.")
            return 0
        unlock_store(services).lock()  # only the person who can unlock may erase
        word = args.confirm
        if word is None:
            if not stdin_is_interactive():
                raise UserFacingError(f"Add --confirm {CONFIRM_WORD} to delete everything.")
            print("This deletes your saved groups, notes, journal and every key. It cannot be undone.")
            word = input(f"Type {CONFIRM_WORD} to delete everything: ")
        if word.strip() != CONFIRM_WORD:
            raise UserFacingError("Nothing was deleted.")
        erase_private_data(services.vault, services.data_dir)
    finally:
        services.close()
    print("All your private data and keys are deleted. The public group directory and your theme and country stay.")
    return 0
