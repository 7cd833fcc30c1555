"""``kindred devices link|join|sync|status|conflicts``: sync through a folder you already sync."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from cli import common
from cli.common import UserFacingError, opened_services, print_json, unlocked_store
from services.devices import FolderSync, JoinError, SyncFolderError, join_bundle, join_folder
from services.private_files import read_limited, write_private_file
from services.privacy import VaultError

RECOVERY_ENV = "KINDRED_RECOVERY_CODE"
PAIRING_ENV = "KINDRED_PAIRING_CODE"
TRACE_ENV = "KINDRED_SYNC_TRACE"  # print each merged file's name on stderr (tests)

HELP = (
    "Keep your private data in step between your own devices through a folder that a tool you already "
    "use copies between them (Syncthing, Nextcloud, Dropbox, iCloud Drive, a USB stick). Kindred writes "
    "its changes there as encrypted files and merges the files your other devices wrote; it runs no server."
)


def register(subparsers) -> None:
    devices = subparsers.add_parser("devices", help="sync with your other devices through a folder", description=HELP)
    commands = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    link = commands.add_parser("link", help="use FOLDER for sync on this device (the first device)")
    link.add_argument("folder", metavar="FOLDER")
    link.add_argument("--name", help="this device's name, shown on your other devices (default: the computer's name)")
    link.set_defaults(func=run_link)
    join = commands.add_parser(
        "join", help="a second device joins FOLDER with your recovery code and chooses its own passphrase")
    join.add_argument("folder", metavar="FOLDER")
    join.add_argument("--name", help="this device's name, shown on your other devices")
    join.add_argument("--pairing-code", action="store_true",
                      help=f"join with a one-time pairing code (`kindred devices pair` on the first device; "
                           f"${PAIRING_ENV} or a prompt) instead of the recovery code")
    join.set_defaults(func=run_join)
    pair = commands.add_parser(
        "pair", help="show a one-time pairing code: one more device may join the folder with it, for a short time")
    pair.add_argument("--minutes", type=int, default=15, help="how long the code works (1-60, default 15)")
    pair.set_defaults(func=run_pair)
    sync = commands.add_parser("sync", help="write this device's changes and merge the other devices' now")
    sync.set_defaults(func=run_sync)
    status = commands.add_parser("status", help="the folder, when this device last synced, devices, conflicts")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=run_status)
    conflicts = commands.add_parser("conflicts", help="versions kept when two devices changed the same thing")
    conflicts.add_argument("--json", action="store_true", help="print JSON")
    which = conflicts.add_mutually_exclusive_group()
    which.add_argument("--use", metavar="ID", help="put this kept version back in place of the current one")
    which.add_argument("--dismiss", metavar="ID", help="remove this kept version (on every device at the next sync)")
    conflicts.set_defaults(func=run_conflicts)
    export = commands.add_parser(
        "export", help="without a shared folder: everything as one encrypted file to open on another device")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.add_argument("--name", help="this device's name, shown on your other devices")
    export.set_defaults(func=run_export)
    imp = commands.add_parser(
        "import", help="merge a file another device exported (on a device not set up yet: join with the recovery code)")
    imp.add_argument("path", metavar="FILE")
    imp.add_argument("--name", help="this device's name, shown on your other devices")
    imp.set_defaults(func=run_import)
    unlink = commands.add_parser("unlink", help="stop syncing on this device (the folder and your data stay)")
    unlink.set_defaults(func=run_unlink)


def _trace():
    if not os.environ.get(TRACE_ENV):
        return None

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return say


def _describe(result) -> str:
    parts = [f"Merged {result.merged_files} change file(s) ({result.applied} change(s) taken)"]
    parts.append("wrote this device's changes" if result.written else "nothing new to write")
    line = "; ".join(parts) + "."
    if result.new_conflicts:
        line += (f" {result.new_conflicts} conflict(s): the same thing was changed on two devices; both versions are "
                 "kept (`kindred devices conflicts`).")
    if result.waiting:
        line += f" {result.waiting} file(s) could not be read yet (still being copied?); they are tried at the next sync."
    return line


def run_link(args) -> int:
    with opened_services(args, (SyncFolderError, VaultError)) as services, unlocked_store(services) as store:
        result = FolderSync(store, services.vault, trace=_trace()).link(Path(args.folder), args.name)
        folder = FolderSync(store).folder
    print(f"This device now syncs through {folder}.")
    print(_describe(result))
    print("On your other device: install Kindred, let your folder tool copy this folder there, then run "
          "`kindred devices join FOLDER` with your recovery code.")
    return 0


def _recovery_code() -> str:
    if os.environ.get(RECOVERY_ENV):
        return os.environ[RECOVERY_ENV]
    if not common.stdin_is_interactive():
        raise UserFacingError(f"Set {RECOVERY_ENV} or run this command in a terminal to type your recovery code.")
    return getpass.getpass("Your recovery code (from your first device): ")


def _passphrase(set_up: bool) -> str:
    if set_up:
        return common.ask_passphrase("This device's Kindred passphrase: ")
    from cli.security import _new_passphrase

    return _new_passphrase()


def _pairing_code() -> str:
    if os.environ.get(PAIRING_ENV):
        return os.environ[PAIRING_ENV]
    if not common.stdin_is_interactive():
        raise UserFacingError(f"Set {PAIRING_ENV} or run this command in a terminal to type the pairing code.")
    return getpass.getpass("The pairing code your first device shows now: ")


def run_pair(args) -> int:
    with opened_services(args, (SyncFolderError,)) as services, unlocked_store(services) as store:
        code, expires = FolderSync(store, services.vault).start_pairing(args.minutes)
    print(f"Pairing code: {code}")
    print(f"It works once, until {expires.astimezone():%H:%M} ({args.minutes} minutes). On the new device, once the "
          "folder is there: `kindred devices join FOLDER --pairing-code`, or in the app: I already use Kindred on "
          "another device → this code and the folder.")
    return 0


def run_join(args) -> int:
    with opened_services(args, (SyncFolderError, JoinError, VaultError)) as services:
        set_up = services.vault.is_set_up()
        code = _pairing_code() if args.pairing_code else _recovery_code()
        store, result = join_folder(services.vault, Path(args.folder), code, _passphrase(set_up), args.name,
                                    pairing=bool(args.pairing_code))
        store.lock()
    print("This device has joined: it has the same data key as your other devices, and its own passphrase."
          if not set_up else "This device now syncs through that folder.")
    print(_describe(result))
    return 0


def run_sync(args) -> int:
    with opened_services(args, (SyncFolderError,)) as services, unlocked_store(services) as store:
        result = FolderSync(store, services.vault, trace=_trace()).sync()
    print(_describe(result))
    return 0


def run_status(args) -> int:
    with opened_services(args) as services, unlocked_store(services) as store:
        status = FolderSync(store).status()
    if args.json:
        print_json(status.to_json())
        return 0
    if not status.folder:
        print("Sync: off on this device (`kindred devices link FOLDER` or `kindred devices join FOLDER`).")
        return 0
    print(f"Sync folder: {status.folder}")
    print("Last synced: " + (f"{status.last_synced.astimezone():%Y-%m-%d %H:%M}" if status.last_synced else "never"))
    for device in status.devices:
        print(f"    {device['name']}" + (" (this device)" if device["this_device"] else ""))
    print(f"Conflicts kept: {status.conflicts}")
    return 0


def run_conflicts(args) -> int:
    if args.use or args.dismiss:
        with opened_services(args) as services, unlocked_store(services) as store:
            sync = FolderSync(store)
            done = sync.use_conflict_version(args.use) if args.use else sync.dismiss_conflict(args.dismiss)
        if not done:
            raise UserFacingError(f"There is no kept version {args.use or args.dismiss}. Nothing was changed.")
        print("The kept version is back in place." if args.use else "The kept version is removed.")
        return 0
    with opened_services(args) as services, unlocked_store(services) as store:
        found = FolderSync(store).conflicts()
    if args.json:
        print_json([{"id": c.id, "kind": c.kind, "record_id": c.record_id, "device": c.device,
                     "updated_at": c.updated_at.isoformat()} for c in found])
        return 0
    if not found:
        print("No conflicts.")
    for conflict in found:
        print(f"{conflict.updated_at.astimezone():%Y-%m-%d %H:%M}  {conflict.kind.replace('_', ' ')} from {conflict.device}  ({conflict.id})")
    return 0


def run_unlink(args) -> int:
    with opened_services(args) as services, unlocked_store(services) as store:
        FolderSync(store).unlink()
    print("This device no longer syncs. The folder and your data are unchanged.")
    return 0


def run_export(args) -> int:
    with opened_services(args, (SyncFolderError,)) as services, unlocked_store(services) as store:
        data = FolderSync(store, services.vault).export_bundle(args.name)
    try:
        write_private_file(Path(args.output), data)
    except OSError as error:
        raise UserFacingError(f"can't write {args.output}: {error.strerror}") from None
    print(f"Wrote {args.output}: everything on this device, encrypted. On the other device: "
          "`kindred devices import FILE` (a device not set up yet asks for your recovery code).")
    return 0


def run_import(args) -> int:
    try:
        data = read_limited(Path(args.path), 512 * 1024 * 1024)
    except OSError as error:
        raise UserFacingError(f"can't read {args.path}: {error.strerror or error}") from None
    with opened_services(args, (SyncFolderError, JoinError, VaultError)) as services:
        if services.vault.is_set_up():
            with unlocked_store(services) as store:
                result = FolderSync(store, services.vault).import_bundle(data)
        else:
            code = _recovery_code()
            store, result = join_bundle(services.vault, data, code, _passphrase(False), args.name)
            store.lock()
            print("This device has joined: it has the same data key as your other devices, and its own passphrase.")
    print(_describe(result))
    return 0
