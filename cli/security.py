"""``kindred setup``, ``kindred security ...``: the passphrase, the recovery code, erasing."""

from __future__ import annotations

import getpass
import os
import sys

from cli import common
from cli.common import (
    PASSPHRASE_ENV,
    UserFacingError,
    ask_passphrase,
    confirm,
    opened_services,
    print_json,
    unlock_store,
    unlocked_store,
)
from services.privacy import VaultError, WrongSecret
from services.privacy import integrity
from services.privacy.erase import CONFIRM_WORD, erase_private_data
from services.privacy.strength import passphrase_strength


def register(subparsers) -> None:
    setup = subparsers.add_parser(
        "setup", help="create your passphrase (prints a one-time recovery code)", description=SETUP_HELP
    )
    setup.set_defaults(func=run_setup)

    security = subparsers.add_parser("security", help="passphrase, status, records that do not decrypt, delete all my data")
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
    recovery = commands.add_parser(
        "new-recovery-code", help="replace your recovery code (the old one stops working at once here, and on your linked devices at their next sync)"
    )
    recovery.add_argument("--yes", action="store_true", help="do not ask first")
    recovery.set_defaults(func=run_new_recovery_code)
    check = commands.add_parser(
        "check",
        help="find private records that do not decrypt (exit 1 if there are any)",
        description=(
            "Reads every private record and lists those that do not decrypt with this device's key "
            "(kind, id and date; never content). Exits 1 if there are any, 0 if all can be read. "
            "With --set-aside, moves them aside after asking: they are kept unchanged, stop being "
            "retried, and stay in backups. " + integrity.WHAT_IT_MEANS
        ),
    )
    check.add_argument("--set-aside", action="store_true", help="move records that do not decrypt aside (asks first)")
    check.add_argument("--yes", action="store_true", help="with --set-aside: do not ask")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(func=run_check)


SETUP_HELP = (
    "Kindred encrypts your private data with a random key, and locks that key with a passphrase "
    f"you choose (from ${PASSPHRASE_ENV}, or typed twice). A one-time recovery code is printed once: "
    "write it down, it is the only way back in if you forget the passphrase."
)


def _new_passphrase() -> str:
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not common.stdin_is_interactive():
        raise UserFacingError(f"Set {PASSPHRASE_ENV} or run this command in a terminal to choose a passphrase.")
    first = getpass.getpass("Choose a passphrase (at least 8 characters; a few unrelated words work well): ")
    print(passphrase_strength(first).hint, file=sys.stderr)
    if getpass.getpass("Type it again: ") != first:
        raise UserFacingError("The two passphrases were different. Nothing was set up.")
    return first


def run_setup(args) -> int:
    with opened_services(args, (VaultError,)) as services:
        if services.vault.is_set_up():
            raise UserFacingError("Kindred is already set up on this device.")
        keyring_note = (
            "Your system keyring also keeps a key, so the command line can unlock without asking."
            if services.vault.keyring_available()
            else "This device has no system keyring Kindred can use, so your passphrase is the way to unlock."
        )
        store, code = services.vault.set_up(_new_passphrase())
        store.lock()
    print("Kindred is set up. Your private data is encrypted on this device.")
    print(keyring_note)
    print()
    print("Your recovery code (shown only this once, write it down and keep it somewhere safe).")
    print("It is also what a second device needs to join your sync folder.")
    print()
    print(f"Recovery code: {code}")
    print()
    print("If you forget your passphrase, this code is the only way back in.")
    return 0


def run_status(args) -> int:
    with opened_services(args) as services:
        report = {
            "set_up": services.vault.is_set_up(),
            "keyring_available": services.vault.keyring_available(),
            "keyring_slot": services.vault.has_keyring_slot(),
        }
    if args.json:
        print_json(report)
    else:
        print("Set up: " + ("yes" if report["set_up"] else "no (run `kindred setup`)"))
        print("System keyring: " + ("in use" if report["keyring_slot"] else "available" if report["keyring_available"] else "none on this device"))
    return 0


def run_change(args) -> int:
    with opened_services(args, (VaultError,)) as services:
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
            if not common.stdin_is_interactive():
                raise UserFacingError("Set KINDRED_NEW_PASSPHRASE or run this in a terminal to choose the new passphrase.")
            new = getpass.getpass("New passphrase: ")
            if getpass.getpass("Type it again: ") != new:
                raise UserFacingError("The two passphrases were different. Nothing was changed.")
        try:
            services.vault.change_passphrase(store, new)
        finally:
            store.lock()
    print("Your passphrase is changed. Your data was not touched; the recovery code still works.")
    return 0


def run_erase(args) -> int:
    with opened_services(args) as services:
        if not services.vault.is_set_up():
            print("There is no private data to delete.")
            return 0
        unlock_store(services).lock()  # only the person who can unlock may erase
        word = args.confirm
        if word is None:
            if not common.stdin_is_interactive():
                raise UserFacingError(f"Add --confirm {CONFIRM_WORD} to delete everything.")
            print("This deletes your saved groups, notes, journal and every key. It cannot be undone.")
            word = input(f"Type {CONFIRM_WORD} to delete everything: ")
        if word.strip() != CONFIRM_WORD:
            raise UserFacingError("Nothing was deleted.")
        erase_private_data(services.vault, services.data_dir)
    print("All your private data and keys are deleted. The public group directory and your theme and country stay.")
    return 0


def run_new_recovery_code(args) -> int:
    with opened_services(args) as services, unlocked_store(services) as store:
        if not args.yes and not common.stdin_is_interactive():
            raise UserFacingError("Not a terminal: add --yes to replace the recovery code. Nothing was changed.")
        if not confirm("Replace your recovery code? The old one stops working at once.", args.yes):
            print("Nothing was changed.")
            return 1
        code = services.vault.replace_recovery_code(store)
        from services.devices import FolderSync

        FolderSync(store, services.vault).share_recovery_slot()  # linked devices take it at their next sync
    print("Your new recovery code (shown only this once, write it down and keep it somewhere safe):")
    print()
    print(f"Recovery code: {code}")
    print()
    print("The old recovery code no longer works on this device. Your other linked devices take the new one at their "
          "next sync, and the old one stops working there too. Your passphrase and your data are unchanged.")
    return 0


def _ref_json(ref) -> dict:
    return {
        "kind": ref.kind,
        "id": ref.id,
        "date": ref.occurred_at.isoformat(),
        "set_aside_at": ref.set_aside_at.isoformat() if ref.set_aside_at else None,
    }


def _print_refs(title: str, refs) -> None:
    print(title)
    for ref in refs:
        print(f"    {ref.occurred_at.astimezone():%Y-%m-%d %H:%M}  {integrity.kind_label(ref.kind):<28} {ref.id}")


def run_check(args) -> int:
    if args.yes and not args.set_aside:
        raise UserFacingError("--yes only goes with --set-aside.")
    with opened_services(args) as services, unlocked_store(services) as store:
        report = store.integrity_report()
        moved = 0
        if args.set_aside and report.unreadable:
            if not args.json:
                _print_refs(f"{len(report.unreadable)} record(s) do not decrypt:", report.unreadable)
            if not args.yes and not common.stdin_is_interactive():
                raise UserFacingError("Not a terminal: add --yes to set these records aside. Nothing was changed.")
            question = f"Set {integrity.describe_counts(report.unreadable_by_kind)} aside (kept unchanged, and in backups)?"
            if not confirm(question, args.yes):
                print("Nothing was changed.")
                return 1
            moved = store.set_aside_unreadable()
            report = store.integrity_report()
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "unreadable": [_ref_json(r) for r in report.unreadable],
                "set_aside": [_ref_json(r) for r in report.set_aside],
                "moved_aside_now": moved,
            }
        )
        return 0 if report.ok else 1
    if moved:
        print(f"Set aside {moved} record(s). They are kept unchanged and go into backups; the rest is unaffected.")
    elif report.unreadable:
        _print_refs(f"{len(report.unreadable)} record(s) do not decrypt:", report.unreadable)
        print(integrity.WHAT_IT_MEANS)
        print("Run `kindred security check --set-aside` to move them aside.")
    else:
        print("Every private record can be read.")
    if report.set_aside:
        print(f"Kept aside: {integrity.describe_counts(report.set_aside_by_kind)}.")
    return 0 if report.ok else 1
