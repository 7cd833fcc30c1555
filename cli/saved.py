"""``kindred saved ...``: saved groups with private notes and attendance (all encrypted)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from cli.common import UserFacingError, ask_passphrase, opened_services, print_json, report_left_out, unlocked_store
from services.privacy.backup import write_file_atomically
from services.saved import SavedGroupError, SavedGroups, export_csv, export_json, group_snapshot, listing_checker


def register(subparsers) -> None:
    saved = subparsers.add_parser("saved", help="your saved groups, notes and attendance (private)")
    commands = saved.add_subparsers(dest="saved_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="save a directory group")
    add.add_argument("group_id", metavar="GROUP_ID", help="the group's id as `kindred directory search` shows it, like bundled/dbsa-support-groups")
    add.add_argument("--note", help="a private note")
    add.set_defaults(func=run_add)

    note = commands.add_parser("note", help="set the private note of a saved group")
    note.add_argument("group_id", metavar="GROUP_ID")
    note.add_argument("text", metavar="TEXT")
    note.set_defaults(func=run_note)

    attended = commands.add_parser("attended", help='log "I went" for a saved group')
    attended.add_argument("group_id", metavar="GROUP_ID")
    attended.add_argument("--date", help="the day, YYYY-MM-DD (default: today)")
    attended.set_defaults(func=run_attended)

    remove = commands.add_parser("remove", help="unsave a group (its note and attendance go too)")
    remove.add_argument("group_id", metavar="GROUP_ID")
    remove.set_defaults(func=run_remove)

    listing = commands.add_parser("list", help="list saved groups with notes")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)

    export = commands.add_parser("export", help="write a plain (unencrypted) JSON or CSV copy; asks for the passphrase")
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.add_argument("--format", choices=["json", "csv"], help="default: from the file name, else json")
    export.set_defaults(func=run_export)


@contextmanager
def saved_groups(args) -> Iterator[tuple[object, SavedGroups]]:
    """The services and the saved groups of the unlocked store, for one command."""
    with opened_services(args, (SavedGroupError,)) as services, unlocked_store(services) as store:
        yield services, SavedGroups(store)


def run_add(args) -> int:
    with saved_groups(args) as (services, saved):
        checker = listing_checker(services)
        if checker is not None and not checker(args.group_id):
            raise UserFacingError(f"There is no group {args.group_id} in the directory.")
        group = saved.save(args.group_id, group_snapshot(services, args.group_id), note=args.note)
    print(f"Saved {group.name}.")
    return 0


def run_note(args) -> int:
    with saved_groups(args) as (_services, saved):
        group = saved.set_note(args.group_id, args.text)
    print(f"Note kept for {group.name}.")
    return 0


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2026-03-14.") from None


def run_attended(args) -> int:
    day = _parse_day(args.date)
    with saved_groups(args) as (_services, saved):
        group = saved.mark_attended(args.group_id, day)
    print(f"Logged: you went to {group.name} on {(day or date.today()).isoformat()}.")
    return 0


def run_remove(args) -> int:
    with saved_groups(args) as (_services, saved):
        removed = saved.unsave(args.group_id)
    if not removed:
        raise UserFacingError(f"{args.group_id} is not one of your saved groups.")
    print(f"Removed {args.group_id} from your saved groups.")
    return 0


def run_list(args) -> int:
    with saved_groups(args) as (services, saved):
        groups = saved.list(listing_checker(services))
    report_left_out(groups.left_out, "saved_group")
    if args.json:
        print_json([g.as_json() for g in groups])
        return 0
    if not groups:
        print("No saved groups yet." if not groups.left_out else "No saved groups that can be read.")
        return 0
    for group in groups:
        status = {"listed": "", "no longer listed": "  (no longer listed)", "unknown": ""}[group.status]
        print(f"{group.name}  [{group.group_id}]{status}")
        if group.note:
            for line in group.note.splitlines():
                print(f"    note: {line}")
        if group.attended:
            print(f"    went: {', '.join(group.attended)}")
    return 0


def run_export(args) -> int:
    path = Path(args.output)
    fmt = args.format or ("csv" if path.suffix.lower() == ".csv" else "json")
    with opened_services(args) as services:
        if not services.vault.is_set_up():
            raise UserFacingError("Kindred is not set up on this device yet. Run `kindred setup` first.")
        # A plain export leaves the encryption behind, so the passphrase is asked again,
        # even where the keyring could unlock.
        passphrase = ask_passphrase("Kindred passphrase (for a plain export): ")
        if not services.vault.verify_passphrase(passphrase):
            raise UserFacingError("That passphrase does not unlock Kindred. Nothing was written.")
        store = services.vault.unlock(passphrase)
        try:
            groups = SavedGroups(store).list(listing_checker(services))
        finally:
            store.lock()
    report_left_out(groups.left_out, "saved_group")
    text = export_csv(groups) if fmt == "csv" else export_json(groups)
    write_file_atomically(path, text.encode("utf-8"))
    print(f"Wrote {len(groups)} saved group(s) to {path} as plain {fmt.upper()}. This copy is NOT encrypted.")
    return 0
