"""``kindred backup create|show|restore``: one encrypted file with all private data."""

from __future__ import annotations

import os
from pathlib import Path

from cli.common import UserFacingError, ask_passphrase, confirm, opened_services, unlock_store, unlocked_store
from services.privacy import VaultError
from services.privacy import auto_backup
from services.privacy.backup import (
    BackupError,
    create_backup,
    default_backup_name,
    merge_backup,
    read_backup_file,
    restore_backup,
)

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
    restore.add_argument("--yes", action="store_true", help="do not ask before changing anything")
    how = restore.add_mutually_exclusive_group()
    how.add_argument("--merge", action="store_true",
                     help="merge record by record instead: the newer version wins, the other is kept; nothing is lost")
    how.add_argument("--replace", action="store_true", help="replace everything (the default; a snapshot is kept first)")
    restore.set_defaults(func=run_restore)
    auto = commands.add_parser(
        "auto", help="automatic daily backups (on by default): status, on/off, how many to keep, where",
        description="Kindred makes an encrypted backup at most once a day when you open it, into backups/ in its data "
        "folder or a folder you choose, and keeps the newest few. It opens with your passphrase or your recovery code.")
    switch = auto.add_mutually_exclusive_group()
    switch.add_argument("--on", action="store_true", help="turn automatic backups on")
    switch.add_argument("--off", action="store_true", help="turn automatic backups off")
    auto.add_argument("--keep", type=int, metavar="N", help="keep the newest N automatic backups")
    where = auto.add_mutually_exclusive_group()
    where.add_argument("--folder", metavar="PATH", help="write them into PATH")
    where.add_argument("--default-folder", action="store_true", help="write them into backups/ in the data folder")
    auto.add_argument("--run", action="store_true", help="make one now if a day has passed since the last (or --now)")
    auto.add_argument("--now", action="store_true", help="make one now whatever the time of the last")
    auto.add_argument("--json", action="store_true", help="print JSON")
    auto.set_defaults(func=run_auto)


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
    made = "Automatic backup" if summary.automatic else "Backup"
    device = f" on {summary.device}" if summary.device else ""
    lines = [f"{made} made {summary.created_at.astimezone():%Y-%m-%d %H:%M}{device} by Kindred {summary.app_version}:"]
    if summary.first and summary.last:
        lines.append(f"    records dated {summary.first.astimezone():%Y-%m-%d} to {summary.last.astimezone():%Y-%m-%d}")
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
        if args.merge:
            if not services.vault.is_set_up():
                raise UserFacingError("Kindred is not set up on this device: restore without --merge (it sets Kindred up "
                                      "with the backup's data).")
            store = unlock_store(services)
            try:
                here = store.kinds()
                print(f"This merges the backup into the {sum(here.values())} private record(s) on this device: records "
                      "only one side has are kept; where both have one, the newer wins and the other is kept as a "
                      "conflict copy. A snapshot is kept first.")
                if not confirm("Merge this backup?", args.yes):
                    print("Nothing was changed.")
                    return 1
                merged = merge_backup(services.private_db, services.data_dir, opened, store)
            finally:
                store.lock()
            print(f"Merged: {merged.added} added, {merged.updated} updated to the backup's newer version, "
                  f"{merged.kept_newer_here} newer here kept, {merged.unchanged} the same.")
            if merged.copies:
                print(f"{merged.copies} older version(s) kept as conflict copies (`kindred devices conflicts`).")
            print(f"Your data as it was just before is kept in {merged.snapshot_path}")
            return 0
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


def run_auto(args) -> int:
    from cli.common import print_json

    with opened_services(args, (BackupError, ValueError, OSError)) as services, unlocked_store(services) as store:
        if args.on or args.off or args.keep is not None or args.folder or args.default_folder:
            auto_backup.save(store, enabled=True if args.on else False if args.off else None, keep=args.keep,
                             folder=args.folder, default_folder=args.default_folder)
        made = None
        if args.now:
            made = auto_backup.make_now(store, services.vault, services.data_dir)
        elif args.run:
            made = auto_backup.run_if_due(store, services.vault, services.data_dir)
        state = auto_backup.status(store, services.data_dir)
    if args.json:
        print_json({"enabled": state.settings.enabled, "keep": state.settings.keep, "folder": str(state.folder),
                    "last": state.last.isoformat() if state.last else None, "count": state.count,
                    "made": str(made) if made else None})
        return 0
    print("Automatic backups: " + ("on, daily" if state.settings.enabled else "off"))
    print(f"Folder: {state.folder} (keeps the newest {state.settings.keep})")
    print("Last: " + (f"{state.last.astimezone():%Y-%m-%d %H:%M}" if state.last else "none yet") + f" ({state.count} kept)")
    if made:
        print(f"Made {made}")
    print("They open with your passphrase or your recovery code (`kindred backup restore PATH`).")
    return 0
