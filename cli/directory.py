"""``kindred directory``: import, validate, search, export and list directory sources."""

from __future__ import annotations

import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path

from cli.common import UserFacingError, opened_services, print_json

from services.directory.model import FEED_FORMATS, WEEKDAY_NAMES, ImportReport, NextMeeting
from services.directory import places
from services.directory.places import AmbiguousPlace, PlaceNotFound, country_for_zone, km_to_miles
from services.directory.schedule import local_zone_name
from services.directory.search import SORTS, SearchError, SearchQuery
from services.directory.vocabulary import ONLINE_ANYWHERE, Attendance, Cost, Leadership

ATTENDANCE_CHOICES = tuple(a.cli for a in Attendance)  # in-person, online, hybrid, phone, ask
COST_CHOICES = ("free", "donation", "sliding-scale", "fee", "not-stated")
SHOWN_SKIPS = 50
AMBIGUOUS_PLACE_EXIT = 2


def register(subparsers) -> None:
    parser = subparsers.add_parser("directory", help="the support-group directory: import, search, export")
    commands = parser.add_subparsers(dest="directory_command", metavar="COMMAND", required=True)

    imp = commands.add_parser("import", help="import a directory file (replaces that source's groups)")
    imp.add_argument("path", help="a Kindred feed, Meeting Guide JSON, HSDS JSON / datapackage folder or .zip, or a CSV template file")
    imp.add_argument("--format", choices=FEED_FORMATS, default="auto", help="the file's format (default: detect it)")
    imp.add_argument("--source", help="the source's name (default: the file name without its extension)")
    imp.add_argument("--timezone", help="IANA zone for meetings whose feed gives none (e.g. America/New_York)")
    imp.add_argument("--all-services", action="store_true",
                     help="HSDS: keep every service, not only support groups (a 211 lists scouts and marine patrols too)")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.set_defaults(func=run_import)

    val = commands.add_parser("validate", help="check a directory file and report; writes nothing")
    val.add_argument("path")
    val.add_argument("--format", choices=FEED_FORMATS, default="auto")
    val.add_argument("--timezone")
    val.add_argument("--all-services", action="store_true")
    val.add_argument("--json", action="store_true")
    val.set_defaults(func=run_validate)

    search = commands.add_parser("search", help="search the directory")
    search.add_argument("text", nargs="?", help="words to look for (names, descriptions, notes, places); prefixes match")
    search.add_argument("--topic", action="append", default=[], help="a topic, e.g. anxiety or grief_and_loss (repeatable)")
    search.add_argument("--audience", action="append", default=[], help="e.g. women, lgbtq, veterans (repeatable)")
    search.add_argument("--attendance", choices=ATTENDANCE_CHOICES, help="hybrid groups match in-person and online")
    search.add_argument("--led-by", choices=("peer", "professional"), help="co-facilitated groups match both")
    search.add_argument("--cost", choices=COST_CHOICES, action="append", default=[])
    search.add_argument("--day", choices=WEEKDAY_NAMES, action="append", default=[], help="meets on this day (repeatable)")
    search.add_argument("--time-of-day", choices=("morning", "afternoon", "evening"))
    search.add_argument("--language")
    search.add_argument("--accessibility", help="e.g. wheelchair_access")
    search.add_argument("--max-size", type=int, help="typical group size at most N")
    search.add_argument("--within", choices=("24h", "7d"), help="meets within the next 24 hours / 7 days")
    search.add_argument("--near", metavar="PLACE",
                        help="\"City, ST\", \"City, State\", \"City ST\", \"City, Country\" or a US ZIP code; "
                             "a name several places share lists them and exits with status 2")
    search.add_argument("--country", metavar="CC", help="your country (ISO code) to rank places by (default: from this device's zone)")
    search.add_argument("--within-km", type=float, metavar="N")
    search.add_argument("--within-miles", type=float, metavar="N")
    search.add_argument("--hide-closed", action="store_true", help="leave out temporarily closed groups")
    search.add_argument("--sort", choices=SORTS, default="relevance")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--timezone", help="show times in this IANA zone (default: this device's zone)")
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=run_search)

    show = commands.add_parser("show", help="one group in full, with its next three meetings")
    show.add_argument("id")
    show.add_argument("--timezone")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)

    export = commands.add_parser("export", help="write the directory to a file")
    export.add_argument("--format", choices=("kindred", "meeting-guide"), required=True)
    export.add_argument("-o", "--output", required=True, help="the file to write")
    export.add_argument("--source", help="only this source")
    export.set_defaults(func=run_export)

    catalogue = commands.add_parser(
        "catalogue", help="open directories Kindred can suggest (community-run; Kindred does not check them)",
        description="Open directories of groups (Meeting Guide JSON, BMLT, ...) with the evidence each rests on. "
                    "Subscribe to one with `kindred sources add --from-catalogue NAME`.")
    catalogue.add_argument("--near", metavar="PLACE", help="list the directories covering this place first (offline)")
    catalogue.add_argument("--only-covering", action="store_true", help="with --near: leave out the others")
    catalogue.add_argument("--update", metavar="URL", help="download a newer signed catalogue from URL (checked against Kindred's key)")
    where = catalogue.add_mutually_exclusive_group()
    where.add_argument("--source", metavar="URL",
                       help="keep the catalogue's address: `kindred sync` then updates it from there (signed copies only)")
    where.add_argument("--reset-source", action="store_true",
                       help="forget the address set with --source (Kindred publishes none yet: no catalogue updates)")
    catalogue.add_argument("--json", action="store_true")
    catalogue.set_defaults(func=run_catalogue)

    sources = commands.add_parser("sources", help="each source with its group count and last import")
    sources.add_argument("--json", action="store_true")
    sources.set_defaults(func=run_sources)


def skipped_by_reason(report: ImportReport) -> dict[str, int]:
    """Skips counted by the kind of reason (the values that differ per record left out)."""
    counts = Counter(re.sub(r"'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?", "…", skip.reason) for skip in report.skipped)
    return dict(counts.most_common())


def _report_json(report: ImportReport) -> dict:
    return {
        "source": report.source, "format": report.format, "imported": report.imported,
        "groups": report.imported, "meetings": report.meetings, "zones": dict(report.zones),
        "skipped_by_reason": skipped_by_reason(report),
        "skipped": [{"record": s.where, "reason": s.reason} for s in report.skipped],
        "skipped_more": report.skipped_more,
        "doubtful": list(report.doubtful),
        "repairs": list(report.repairs), "replaced": report.replaced, "written": report.written,
    }


def _print_report(report: ImportReport, verb: str) -> None:
    print(f"{verb} {report.imported} group(s) from {report.format} into source {report.source!r}"
          + (f" (replacing {report.replaced})" if report.written and report.replaced else ""))
    if report.repairs:
        print("Notes and repairs:")
        for repair in report.repairs:
            print(f"  - {repair}")
    if report.skipped:
        total = len(report.skipped) + report.skipped_more
        print(f"Skipped {total} record(s):")
        for skip in report.skipped[:SHOWN_SKIPS]:
            print(f"  - {skip.where}: {skip.reason}")
        if total > SHOWN_SKIPS:
            print(f"  … and {total - SHOWN_SKIPS} more" + (" (use --json for more)" if len(report.skipped) > SHOWN_SKIPS else ""))
    if report.doubtful:
        print(f"Doubtful ({len(report.doubtful)}; worth checking with the source):")
        for line in report.doubtful[:SHOWN_SKIPS]:
            print(f"  - {line}")
        if len(report.doubtful) > SHOWN_SKIPS:
            print(f"  … and {len(report.doubtful) - SHOWN_SKIPS} more (use --json for all)")
    print("Summary:")
    print(f"  groups: {report.imported}")
    print(f"  meetings: {report.meetings}")
    from services.directory.importers.common import ZONE_ORIGIN_WORDS

    print("  zones decided: " + ", ".join(f"{count} {ZONE_ORIGIN_WORDS[origin]}" for origin, count in report.zones))
    reasons = skipped_by_reason(report)
    if report.skipped_more:
        reasons["more, not itemised"] = report.skipped_more
    print("  skipped: " + (", ".join(f"{count} {reason}" for reason, count in reasons.items()) if reasons else "none"))


def run_import(args) -> int:
    from services.directory.importers import FeedError  # the importers load only for the commands that use them

    with opened_services(args, (FeedError,), "nothing was imported: ") as services:
        report = services.directory.import_file(Path(args.path), args.format, args.source, args.timezone,
                                                all_services=args.all_services)
    if args.json:
        print_json(_report_json(report))
    else:
        _print_report(report, "Imported")
    return 0


def run_validate(args) -> int:
    from services.directory.importers import FeedError  # the importers load only for the commands that use them

    with opened_services(args, (FeedError,), "not importable: ") as services:
        report = services.directory.validate(Path(args.path), args.format, args.timezone, all_services=args.all_services)
    if args.json:
        print_json(_report_json(report))
    else:
        _print_report(report, "Would import")
        print("Nothing was written.")
    return 0


def _meeting_json(meeting: NextMeeting | None) -> dict | None:
    if meeting is None:
        return None
    return {
        "start": meeting.start.isoformat(), "timezone": meeting.timezone,
        "end": meeting.end.isoformat() if meeting.end else None,
        "local_start": meeting.local_start.isoformat(), "local_timezone": meeting.local_timezone,
    }


def _time_json(rule) -> dict:
    return {
        "kind": rule.kind, "weekday": WEEKDAY_NAMES[rule.weekday] if rule.weekday is not None else None,
        "start": f"{rule.start:%H:%M}" if rule.start else None, "end": f"{rule.end:%H:%M}" if rule.end else None,
        "timezone": rule.timezone,
    }


def _near(args, country: str | None):
    """The --near place (offline, no database needed); AmbiguousPlace lists candidates."""
    if not args.near:
        return None
    try:
        return places.geocode(args.near, country)
    except AmbiguousPlace:
        raise
    except PlaceNotFound as error:
        raise UserFacingError(str(error)) from error


def _search(args, query: SearchQuery):
    """A directory that is ready is searched without SQLAlchemy (its import is most of a
    search's time); otherwise Kindred opens the full way, which sets up, migrates or explains."""
    from services.directory.plain_search import open_ready_directory, search_ready_directory
    from services.paths import resolve_data_dir

    connection = open_ready_directory(resolve_data_dir(getattr(args, "data_dir", None)))
    if connection is not None:
        try:
            return search_ready_directory(connection, query)
        except SearchError as error:
            raise UserFacingError(str(error)) from error
        except sqlite3.Error:
            pass  # e.g. locked for longer than the wait: the full way below says what is wrong
    with opened_services(args, (SearchError, PlaceNotFound)) as services:
        return services.directory.search(query)


def run_search(args) -> int:
    country = (args.country or country_for_zone(args.timezone or local_zone_name()) or "").upper() or None
    try:
        near = _near(args, country)
    except AmbiguousPlace as ambiguous:
        # One a line on stdout, for a person to pick from and for scripts to read.
        print(f"kindred: {args.near!r} could be several places; name one with its state or country:", file=sys.stderr)
        for candidate in ambiguous.candidates:
            print(candidate.name)
        return AMBIGUOUS_PLACE_EXIT
    within_km = args.within_km
    if args.within_miles is not None:
        within_km = args.within_miles * 1.609344
    query = SearchQuery(
        text=args.text, topics=tuple(args.topic), audience=tuple(args.audience),
        leadership=args.led_by, attendance=args.attendance.replace("-", "_") if args.attendance else None,
        cost=tuple("unknown" if c == "not-stated" else c.replace("-", "_") for c in args.cost),
        days=tuple(WEEKDAY_NAMES.index(d) for d in args.day), time_of_day=args.time_of_day,
        language=args.language, accessibility=args.accessibility, max_size=args.max_size,
        meets_within=args.within, near=near, within_km=within_km, show_closed=not args.hide_closed,
        sort=args.sort, limit=args.limit, offset=args.offset, timezone=args.timezone,
    )
    page = _search(args, query)
    if args.json:
        print_json({
            "total": page.total,
            "near": {"place": near.name, "latitude": near.latitude, "longitude": near.longitude} if near else None,
            "results": [
                {
                    "id": r.id, "name": r.name, "source": r.source, "attendance": Attendance(r.attendance).cli,
                    "topics": list(r.topics), "audience": list(r.audience), "languages": list(r.languages),
                    "leadership": r.leadership, "cost": r.cost, "status": r.status,
                    "city": r.city, "region": r.region, "country": r.country,
                    "distance_km": r.distance_km if Attendance(r.attendance).in_person else None,
                    "next_meeting": _meeting_json(r.next_meeting),
                    "times": [_time_json(rule) for rule in r.times],
                    "updated": r.updated.isoformat() if r.updated else None, "stale": r.stale,
                    "schedule": r.schedule_note,
                }
                for r in page.results
            ],
        })
        return 0
    if near:
        print(f"Near {near.name}")
    shown_to = page.offset + len(page.results)
    print(f"{page.total} group(s) found" + (f"; showing {page.offset + 1}–{shown_to}" if page.results else ""))
    for r in page.results:
        extra = []
        attendance = Attendance(r.attendance)
        if r.status != "active":
            extra.append(r.status.replace("_", " ").upper())
        if not attendance.in_person:
            extra.append(ONLINE_ANYWHERE)
        elif r.distance_km is not None:
            extra.append(f"{r.distance_km:.1f} km / {km_to_miles(r.distance_km):.1f} mi")
        print(f"\n{r.name}  [{r.id}]" + (f"  ({', '.join(extra)})" if extra else ""))
        print(f"  {attendance.label}, {Leadership(r.leadership).label}, {Cost(r.cost).label}"
              + (f", topics: {', '.join(r.topics)}" if r.topics else ""))
        if r.updated:
            print(f"  Updated {r.updated.isoformat()}" + (" — may be out of date; check with the group" if r.stale else ""))
        if r.next_meeting:
            print(f"  Next: {r.next_meeting.describe()}")
        else:
            print(f"  {r.schedule_note}")
    return 0


def run_show(args) -> int:
    with opened_services(args) as services:
        details = services.directory.get_group(args.id, args.timezone)
    if details is None:
        raise UserFacingError(f"no group with id {args.id!r} (ids look like source/id; see 'kindred directory search')")
    record = details.record
    if args.json:
        from services.directory.importers.kindred import export_group

        print_json({"id": details.id, "source": details.source, **export_group(details.id, record),
                    "schedule_text": list(details.schedule_text), "timezone_note": details.timezone_note,
                    "next_meetings": [_meeting_json(m) for m in details.next_meetings]})
        return 0
    print(f"{record.name}  [{details.id}]")
    for line in (record.description, record.notes):
        if line:
            print(f"\n{line}")
    print("\nSchedule: " + "; ".join(details.schedule_text))
    if details.timezone_note:
        print(details.timezone_note)
    for meeting in details.next_meetings:
        print(f"  {meeting.describe()}")
    return 0


def run_export(args) -> int:
    from services.directory.importers import FeedError  # the importers load only for the commands that use them

    with opened_services(args, (FeedError, OSError), "export failed: ") as services:
        count = services.directory.export(args.format, Path(args.output), args.source)
    print(f"Wrote {count} group(s) as {args.format} to {args.output}")
    return 0


def _covers_text(entry) -> str:
    return entry.covers.get("description") or entry.region


def run_catalogue(args) -> int:
    from services.directory.catalogue import COMMUNITY_NOTICE, CatalogueError

    with opened_services(args, (CatalogueError, PlaceNotFound)) as services:
        catalogue = services.catalogue
        if args.source or args.reset_source:
            where = catalogue.set_source(None if args.reset_source else args.source)
            if not args.json:
                print(f"`kindred sync` now updates the catalogue from {where.url}." if where.url else
                      "No catalogue address: Kindred publishes none yet, so the catalogue is not updated by a sync.")
            if not (args.update or args.near or args.json):
                return 0
        if args.update:
            updated = catalogue.update_from(args.update)
            if not args.json:
                print(f"Catalogue updated: {len(updated.entries)} directories, generated {updated.generated_at}.")
        near = services.directory.geocode(args.near) if args.near else None
        found = catalogue.suggestions(near, include_elsewhere=not args.only_covering)
        current = catalogue.load()
        where = catalogue.source()
    if args.json:
        print_json({
            "notice": COMMUNITY_NOTICE, "generated_at": current.generated_at, "catalogue": current.origin,
            "source": where.as_json(),
            "near": {"place": near.name, "latitude": near.latitude, "longitude": near.longitude} if near else None,
            "results": [
                {"name": s.entry.name, "url": s.entry.url, "format": s.entry.format, "region": s.entry.region,
                 "covers": s.entry.covers, "last_checked": s.entry.last_checked, "evidence": s.entry.evidence,
                 "evidence_url": s.entry.evidence_url, "programme": s.entry.programme, "terms": s.entry.terms,
                 "match": s.match, "distance_km": round(s.distance_km, 1) if s.distance_km is not None else None}
                for s in found
            ],
        })
        return 0
    print(f"{COMMUNITY_NOTICE} (catalogue of {current.generated_at})")
    if where.url:
        print(f"Updated by `kindred sync` from {where.url}" + (f"; last problem: {where.last_error}" if where.last_error else "."))
    if near:
        covering = sum(1 for s in found if s.match != "elsewhere")
        print(f"Near {near.name}: {covering} director{'y covers' if covering == 1 else 'ies cover'} this place.")
    labels = {"nearby": "covers this area", "country": "covers the country", "online": "online, anywhere", "elsewhere": ""}
    for s in found:
        tag = labels[s.match]
        print(f"\n{s.entry.name}" + (f"  ({tag})" if tag else ""))
        print(f"  {s.entry.programme or 'groups'} · {s.entry.format} · {s.entry.region}")
        print(f"  covers: {_covers_text(s.entry)}")
        print(f"  {s.entry.url}")
        print(f"  {s.entry.evidence}")
        if s.entry.terms:
            print(f"  terms: {s.entry.terms}")
    print("\nSubscribe: kindred sources add --from-catalogue \"NAME\"")
    return 0


def run_sources(args) -> int:
    with opened_services(args) as services:
        found = services.directory.sources()
    if args.json:
        print_json([{"name": s.name, "kind": s.kind, "format": s.format, "location": s.location,
                     "publisher": s.publisher, "groups": s.group_count,
                     "last_imported_at": s.last_imported_at.isoformat() if s.last_imported_at else None} for s in found])
        return 0
    for s in found:
        when = s.last_imported_at.strftime("%Y-%m-%d %H:%M UTC") if s.last_imported_at else "never"
        print(f"{s.name}: {s.group_count} group(s), {s.format or '?'}, last imported {when} ({s.location or s.kind})")
    return 0


