"""``kindred backup create|show|restore``: one encrypted file with all private data."""

from __future__ import annotations

import os
from pathlib import Path

from cli.common import UserFacingError, ask_passphrase, confirm, opened_services, unlock_store, unlocked_store
from services.privacy import VaultError
from services.privacy.backup import BackupError, create_backup, default_backup_name, read_backup_file, restore_backup

BACKUP_PASSPHRASE_ENV = "KINDRED_BACKUP_PASSPHRASE"


def register(subparsers) -> None:
    backup = subparsers.add_parser("backup", help="encrypted backups of all your private data")
    commands = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    create = commands.add_parser("create", help="write an encrypted backup (locked with your current passphrase)")
    create.add_argument("-o", "--output", help="file to write (default: ./kindred-DATE.kindred-backup)")
    create.set_defaults(func=run_create)
    show = commands.add_parser("show", help="what a backup holds (asks for its passphrase)")
    show.add_argument("path", metavar="PATH")
    show.set_defaults(func=run_show)
    restore = commands.add_parser("restore", help="replace your private data with a backup's (snapshots first)")
    restore.add_argument("path", metavar="PATH")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing")
    restore.set_defaults(func=run_restore)


def _backup_passphrase() -> str:
    if os.environ.get(BACKUP_PASSPHRASE_ENV):
        return os.environ[BACKUP_PASSPHRASE_ENV]
    return ask_passphrase("Passphrase of the backup (the one you had when it was made): ")


def run_create(args) -> int:
    path = Path(args.output or default_backup_name())
    with opened_services(args, (BackupError,)) as services, unlocked_store(services) as store:
        passphrase = ask_passphrase("Your current passphrase (locks the backup): ")
        created = create_backup(services.vault, store, passphrase, path)
    print(f"Backup written to {path} ({created.written} record(s)). It opens with your current passphrase.")
    if created.kept_aside:
        print(
            f"{created.kept_aside} record(s) that could not be read were left out of the readable part and put in "
            "the backup as they are (still encrypted). Run `kindred security check` for details."
        )
    return 0


def _describe(summary) -> str:
    lines = [f"Backup made {summary.created_at.astimezone():%Y-%m-%d %H:%M} by Kindred {summary.app_version}:"]
    if not summary.counts:
        lines.append("    (no private records)")
    for kind, count in sorted(summary.counts.items()):
        lines.append(f"    {count:>6}  {kind.replace('_', ' ')}")
    if summary.kept_aside:
        lines.append(f"    {summary.kept_aside:>6}  record(s) that could not be read, kept as they were (restored as set aside)")
    return "\n".join(lines)


def run_show(args) -> int:
    try:
        opened = read_backup_file(Path(args.path), _backup_passphrase())
    except BackupError as error:
        raise UserFacingError(str(error)) from None
    print(_describe(opened.summary))
    return 0


def run_restore(args) -> int:
    with opened_services(args, (BackupError, VaultError)) as services:
        passphrase = _backup_passphrase()
        opened = read_backup_file(Path(args.path), passphrase)
        print(_describe(opened.summary))
        store = None
        if services.vault.is_set_up():
            store = unlock_store(services)
            here = store.kinds()
            print(f"This replaces the {sum(here.values())} private record(s) on this device. A snapshot is kept first.")
        try:
            if not confirm("Restore this backup?", args.yes):
                print("Nothing was changed.")
                return 1
            result = restore_backup(services.vault, services.private_db, services.data_dir, opened, passphrase, store=store)
        finally:
            if store is not None:
                store.lock()
        result.store.lock()
    print(f"Restored {result.restored} record(s).")
    if result.snapshot_path:
        print(f"Your data as it was just before is kept in {result.snapshot_path}")
    if result.recovery_code:
        print("Kindred is now set up here with the backup's passphrase.")
        print("Your new recovery code (shown only this once, write it down):")
        print(f"\n    {result.recovery_code}\n")
    return 0
