"""``kindred sources`` and ``kindred sync``: subscribe to directory feeds and update them.

    kindred sources add URL [--key-file PREFIX.pub] [--timezone ZONE] [--name NAME]
    kindred sources add --from-catalogue NAME
    kindred sources list [--json]
    kindred sources remove NAME
    kindred sources pause NAME / resume NAME
    kindred sync [--source NAME] [--json]

``kindred sync`` (every source) also updates the catalogue of open directories when it has an
address (``kindred directory catalogue --source URL``).
"""

from __future__ import annotations

from pathlib import Path

from cli.common import UserFacingError, opened_services, print_json
from services.sync import signing
from services.sync.service import SourceError, SyncProgress
from services.sync.staleness import ago


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sources",
        help="directory sources: feeds of groups this device keeps up to date",
        description="Feeds of groups (Kindred feed, Meeting Guide JSON, HSDS, CSV) that `kindred sync` keeps up to date.",
    )
    commands = parser.add_subparsers(dest="sources_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), 0)[1])

    add = commands.add_parser("add", help="add a source (then run `kindred sync`)")
    add.add_argument("url", metavar="URL", nargs="?", help="https:// address of the feed (http:// only for 127.0.0.1/localhost)")
    add.add_argument("--from-catalogue", metavar="NAME",
                     help="subscribe to a directory from `kindred directory catalogue` (community-run; Kindred does not check it)")
    add.add_argument("--key-file", metavar="PREFIX.pub", help="the publisher's public key: updates must be signed with it")
    add.add_argument("--timezone", metavar="ZONE", help="IANA zone for groups whose feed gives none, e.g. America/Chicago")
    add.add_argument("--name", help="a short name for the source (default: from the address)")
    add.add_argument("--sync", action="store_true", help="sync it right away")
    add.set_defaults(func=run_add)

    listing = commands.add_parser("list", help="every source with its status")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)

    remove = commands.add_parser("remove", help="remove a source and its groups (saved groups stay, as 'no longer listed')")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=run_remove)

    for action, paused, text in (("pause", True, "stop updating a source (its groups stay)"), ("resume", False, "update a paused source again")):
        sub = commands.add_parser(action, help=text)
        sub.add_argument("name", metavar="NAME")
        sub.set_defaults(func=lambda args, paused=paused: run_pause(args, paused))

    sync = subparsers.add_parser("sync", help="update directory sources (and the catalogue, when it has an address) now; exits 1 if any failed")
    sync.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    sync.add_argument("--json", action="store_true", help="print JSON")
    sync.add_argument("--quiet", action="store_true", help="no progress lines")
    sync.set_defaults(func=run_sync)


def _describe(status) -> list[str]:
    lines = [f"{status.name}  [{status.trust_label}{', paused' if status.paused else ''}]", f"  {status.url}"]
    if status.verified:
        lines.append(f"  publisher key: {status.key_fingerprint}")
    if status.timezone:
        lines.append(f"  default time zone: {status.timezone}")
    if status.last_success_at:
        lines.append(f"  {status.group_count:,} groups; up to date as of {ago(status.last_success_at)}"
                     + (f" (last changed {ago(status.last_updated_at)})" if status.last_updated_at else ""))
    else:
        lines.append("  never synced yet")
    if status.last_error:
        lines.append(f"  last check failed: {status.last_error}")
    return lines


def run_add(args) -> int:
    if bool(args.url) == bool(args.from_catalogue):
        raise UserFacingError("Give either the feed's address or --from-catalogue NAME (see `kindred directory catalogue`).")
    key_text = None
    if args.key_file:
        try:
            key = signing.load_public_key(Path(args.key_file))
        except signing.SigningError as error:
            raise UserFacingError(str(error)) from None
        key_text = signing.public_key_text(key)
    from services.directory.catalogue import COMMUNITY_NOTICE, CatalogueError

    with opened_services(args, (SourceError, CatalogueError)) as services:
        url, name = args.url, args.name
        if args.from_catalogue:
            entry = services.catalogue.entry(args.from_catalogue)
            url, name = entry.url, name or entry.name
            print(f"\u201c{entry.name}\u201d: {entry.region}. {COMMUNITY_NOTICE}")
        status = services.sync.add_source(url, public_key=key_text, timezone=args.timezone, name=name)
        print(f"Added source \u201c{status.name}\u201d ({status.trust_label}).")
        if not status.verified:
            print("  Without a publisher key its updates cannot be checked; it is shown as \u201cunverified\u201d.")
        if args.sync:
            return _print_sync(services.sync.sync([status.name]), json_output=False)
        print("Run `kindred sync` to download its groups.")
    return 0


def run_list(args) -> int:
    with opened_services(args) as services:
        sources = services.sync.list_sources()
    if args.json:
        print_json([s.as_json() for s in sources])
        return 0
    if not sources:
        print("No sources yet. Add one with `kindred sources add URL`.")
        return 0
    for status in sources:
        print("\n".join(_describe(status)))
    return 0


def run_remove(args) -> int:
    with opened_services(args, (SourceError,)) as services:
        removed = services.sync.remove_source(args.name)
    print(f"Removed \u201c{args.name}\u201d and its {removed:,} groups. Saved groups stay saved (shown as no longer listed).")
    return 0


def run_pause(args, paused: bool) -> int:
    with opened_services(args, (SourceError,)) as services:
        services.sync.set_paused(args.name, paused)
    print(f"\u201c{args.name}\u201d is {'paused: it keeps its groups but is not updated' if paused else 'updated again'}.")
    return 0


def run_sync(args) -> int:
    with opened_services(args, (SourceError,)) as services:
        if not services.sync.list_sources() and not services.sync.has_catalogue_source():
            print("No sources to sync. Add one with `kindred sources add URL`.")
            return 0

        def progress(p: SyncProgress) -> None:
            if not args.quiet and not args.json and p.stage == "checking":
                print(f"[{p.index + 1}/{p.total}] {p.name} \u2026", flush=True)

        outcomes = services.sync.sync(args.source, progress=progress)
    return _print_sync(outcomes, json_output=args.json)


def _print_sync(outcomes, json_output: bool) -> int:
    if json_output:
        print_json([
            {"source": o.name, "status": o.status, "message": o.message, "groups": o.groups, "previous": o.previous,
             "skipped": o.skipped, "verified": o.verified}
            for o in outcomes
        ])
    else:
        for outcome in outcomes:
            print(f"{outcome.name}: {outcome.status} \u2014 {outcome.message}")
    return 0 if all(o.ok for o in outcomes) else 1
