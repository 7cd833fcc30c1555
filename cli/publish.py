"""``kindred publish``: for an organisation with no feed of its own — keep the groups it runs,
preview each as its card, and export a signed Kindred feed, Meeting Guide JSON and an
HSDS 3.0 data package, each checked against its schema.

    kindred publish organisation --name NAME [--description TEXT] [--website URL] [--contact TEXT]
    kindred publish add --name NAME --weekly "tue 19:00-20:30" --timezone America/Chicago ... [--json]
    kindred publish edit ID [any of add's options]
    kindred publish remove ID
    kindred publish list [--json]
    kindred publish preview ID [--timezone ZONE] [--json]
    kindred publish export -o FOLDER [--key PREFIX.key] [--json]

See docs/publishing.md for the whole path to a feed on a static host.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

from cli.common import UserFacingError, print_json
from services.directory.importers.kindred import export_group
from services.directory.model import (
    ATTENDANCES,
    COSTS,
    LEADERSHIPS,
    REGISTRATIONS,
    STATUSES,
    Contact,
    GroupRecord,
    Location,
    OnlineAccess,
    ScheduleRule,
)
from services.directory.service import local_zone_name
from services.group_text import ATTENDANCE, COST, LEADERSHIP, label, next_meeting_text
from services.paths import ensure_data_dir, resolve_data_dir
from services.publishing.forms import monthly_rule, weekly_rule
from services.publishing.organisation import DraftError, OrganisationEditor

def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "publish", help="for organisations: list your groups and export a feed Kindred users subscribe to",
        description="Keep the groups your organisation runs, preview them, and export a signed Kindred feed, "
                    "Meeting Guide JSON and an HSDS 3.0 data package. See docs/publishing.md.")
    commands = parser.add_subparsers(dest="publish_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), 0)[1])

    org = commands.add_parser("organisation", help="your organisation's name, description, website and public contact")
    org.add_argument("--name", required=True)
    org.add_argument("--description")
    org.add_argument("--website", metavar="URL")
    org.add_argument("--contact", metavar="TEXT", help="a public e-mail address or phone number")
    org.set_defaults(func=run_organisation)

    add = commands.add_parser("add", help="add a group")
    _group_options(add, adding=True)
    add.set_defaults(func=run_add)

    edit = commands.add_parser("edit", help="change a group (only the options given change)")
    edit.add_argument("id", metavar="ID")
    _group_options(edit, adding=False)
    edit.set_defaults(func=run_edit)

    remove = commands.add_parser("remove", help="remove a group")
    remove.add_argument("id", metavar="ID")
    remove.set_defaults(func=run_remove)

    listing = commands.add_parser("list", help="your groups")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)

    preview = commands.add_parser("preview", help="a group as its card will look in Kindred")
    preview.add_argument("id", metavar="ID")
    preview.add_argument("--timezone", metavar="ZONE", help="show times as someone in this zone sees them")
    preview.add_argument("--json", action="store_true")
    preview.set_defaults(func=run_preview)

    export = commands.add_parser("export", help="write groups.json (+ .sig), meetings.json and hsds/ into a folder")
    export.add_argument("-o", "--output", required=True, metavar="FOLDER")
    export.add_argument("--key", action="append", metavar="PREFIX.key", help="sign groups.json with this private key")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=run_export)


def _group_options(parser, adding: bool) -> None:
    parser.add_argument("--name", required=adding)
    parser.add_argument("--description")
    parser.add_argument("--notes")
    parser.add_argument("--topic", action="append", metavar="TOPIC", help="e.g. anxiety, grief_and_loss (repeatable)")
    parser.add_argument("--audience", action="append", metavar="WHO", help="who it is for, e.g. parents, veterans (repeatable)")
    parser.add_argument("--led-by", choices=LEADERSHIPS, help="peer, professional or co_facilitated")
    parser.add_argument("--credentials", help="what qualifies a professional facilitator")
    parser.add_argument("--attendance", choices=ATTENDANCES)
    parser.add_argument("--weekly", action="append", metavar="\"DAY HH:MM[-HH:MM]\"", help="meets every week (repeatable)")
    parser.add_argument("--every-weeks", type=int, metavar="N", help="with --weekly: every N weeks")
    parser.add_argument("--met-on", metavar="YYYY-MM-DD", help="with --every-weeks: a date it met on")
    parser.add_argument("--monthly", action="append", metavar="\"ORD DAY HH:MM[-HH:MM]\"",
                        help="e.g. \"2nd tue 19:00-20:30\" or \"last fri 18:00\" (repeatable)")
    parser.add_argument("--by-appointment", action="store_true")
    parser.add_argument("--times-vary", metavar="NOTE", help="times are not fixed; say where to find them")
    parser.add_argument("--timezone", metavar="ZONE", help="the zone the times are in (default: this device's)")
    parser.add_argument("--venue")
    parser.add_argument("--address")
    parser.add_argument("--city")
    parser.add_argument("--region", help="state or province")
    parser.add_argument("--postal-code")
    parser.add_argument("--country", metavar="CC")
    parser.add_argument("--lat", type=float)
    parser.add_argument("--lon", type=float)
    parser.add_argument("--online-url", metavar="URL")
    parser.add_argument("--online-phone")
    parser.add_argument("--online-notes")
    parser.add_argument("--cost", choices=COSTS)
    parser.add_argument("--cost-note")
    parser.add_argument("--size", type=int, help="typical number of people")
    parser.add_argument("--join", choices=REGISTRATIONS, help="how to join: drop_in, register or intake_call")
    parser.add_argument("--confidentiality")
    parser.add_argument("--language", action="append")
    parser.add_argument("--accessibility", action="append", help="e.g. wheelchair_access (repeatable)")
    parser.add_argument("--contact-name")
    parser.add_argument("--contact-email")
    parser.add_argument("--contact-phone")
    parser.add_argument("--website", metavar="URL")
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument("--last-verified", metavar="YYYY-MM-DD")
    parser.add_argument("--json", action="store_true")


def _editor(args) -> OrganisationEditor:
    return OrganisationEditor(ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None))))


def _schedule(args, zone: str | None) -> tuple[ScheduleRule, ...] | None:
    rules = [weekly_rule(value, zone, args.every_weeks or 1, args.met_on) for value in args.weekly or []]
    rules += [monthly_rule(value, zone) for value in args.monthly or []]
    if args.by_appointment:
        rules.append(ScheduleRule("by_appointment"))
    if args.times_vary:
        rules.append(ScheduleRule("varies", note=args.times_vary))
    return tuple(rules) if rules else None


def _apply(record: GroupRecord, args) -> GroupRecord:
    def given(name):
        return getattr(args, name) is not None

    try:
        last_verified = date.fromisoformat(args.last_verified) if args.last_verified else record.last_verified
        if args.met_on:
            date.fromisoformat(args.met_on)
    except ValueError as error:
        raise UserFacingError(f"a date should look like 2026-12-02 ({error})") from None
    existing_zone = next((r.timezone for r in record.schedule if r.timezone), None)
    zone = args.timezone or existing_zone or local_zone_name()
    try:
        schedule = _schedule(args, zone)
    except DraftError as error:
        raise UserFacingError("; ".join(error.problems)) from None
    if schedule is None and args.timezone and record.schedule:
        schedule = tuple(dataclasses.replace(r, timezone=args.timezone) if r.kind in ("weekly", "monthly") else r
                         for r in record.schedule)
    loc, online, contact = record.location, record.online, record.contact
    location = Location(
        venue=args.venue if given("venue") else loc.venue, address=args.address if given("address") else loc.address,
        city=args.city if given("city") else loc.city, region=args.region if given("region") else loc.region,
        postal_code=args.postal_code if given("postal_code") else loc.postal_code,
        country=args.country if given("country") else loc.country,
        latitude=args.lat if given("lat") else loc.latitude, longitude=args.lon if given("lon") else loc.longitude)
    return dataclasses.replace(
        record,
        name=args.name if given("name") else record.name,
        description=args.description if given("description") else record.description,
        notes=args.notes if given("notes") else record.notes,
        topics=tuple(args.topic) if args.topic else record.topics,
        audience=tuple(args.audience) if args.audience else record.audience,
        leadership=args.led_by or record.leadership,
        facilitator_credentials=args.credentials if given("credentials") else record.facilitator_credentials,
        attendance=args.attendance or record.attendance,
        schedule=schedule if schedule is not None else record.schedule,
        location=location,
        online=OnlineAccess(url=args.online_url if given("online_url") else online.url,
                            phone=args.online_phone if given("online_phone") else online.phone,
                            notes=args.online_notes if given("online_notes") else online.notes),
        cost=args.cost or record.cost, cost_note=args.cost_note if given("cost_note") else record.cost_note,
        typical_size=args.size if given("size") else record.typical_size,
        registration=args.join or record.registration,
        confidentiality=args.confidentiality if given("confidentiality") else record.confidentiality,
        languages=tuple(args.language) if args.language else record.languages,
        accessibility=tuple(args.accessibility) if args.accessibility else record.accessibility,
        contact=Contact(name=args.contact_name if given("contact_name") else contact.name,
                        email=args.contact_email if given("contact_email") else contact.email,
                        phone=args.contact_phone if given("contact_phone") else contact.phone,
                        website=args.website if given("website") else contact.website),
        status=args.status or record.status,
        last_verified=last_verified,
    )


def _save(args, record: GroupRecord, verb: str) -> int:
    try:
        saved = _editor(args).save_group(record)
    except DraftError as error:
        raise UserFacingError("the group was not saved:\n  - " + "\n  - ".join(error.problems)) from None
    if args.json:
        print_json(export_group(saved.external_id, saved))
    else:
        print(f"{verb} \u201c{saved.name}\u201d (id {saved.external_id}). Preview it: kindred publish preview {saved.external_id}")
    return 0


def run_organisation(args) -> int:
    try:
        organisation = _editor(args).set_organisation(args.name, args.description, args.website, args.contact)
    except DraftError as error:
        raise UserFacingError("; ".join(error.problems)) from None
    print(f"Publishing as \u201c{organisation.name}\u201d.")
    return 0


def run_add(args) -> int:
    blank = GroupRecord(external_id="", name="", attendance="in_person")
    return _save(args, _apply(blank, args), "Added")


def run_edit(args) -> int:
    try:
        record = _editor(args).group(args.id)
    except DraftError as error:
        raise UserFacingError(error.problems[0]) from None
    return _save(args, _apply(record, args), "Saved")


def run_remove(args) -> int:
    try:
        _editor(args).remove_group(args.id)
    except DraftError as error:
        raise UserFacingError(error.problems[0]) from None
    print(f"Removed {args.id}. Export again to publish the change.")
    return 0


def run_list(args) -> int:
    editor = _editor(args)
    groups = editor.groups()
    if args.json:
        print_json({"organisation": dataclasses.asdict(editor.organisation()),
                    "groups": [export_group(g.external_id, g) for g in groups]})
        return 0
    print(f"{editor.organisation().name}: {len(groups)} group(s)")
    for group in groups:
        print(f"  {group.external_id}  {group.name}  ({ATTENDANCE.get(group.attendance, group.attendance)})")
    return 0


def card_lines(summary, now: datetime, hour24: bool = False) -> list[str]:
    """The card's content in the order the Find card shows it."""
    lines = [summary.name]
    if summary.topics:
        lines.append(" \u00b7 ".join(label(t) for t in summary.topics))
    lines.append(" \u00b7 ".join((LEADERSHIP.get(summary.leadership, summary.leadership),
                                  ATTENDANCE.get(summary.attendance, summary.attendance))))
    if summary.next_meeting:
        lines.append(f"{next_meeting_text(summary.next_meeting, now, hour24)} ({summary.next_meeting.local_timezone})")
    else:
        lines.append(summary.schedule_note)
    lines.append(COST.get(summary.cost, summary.cost) + (f" \u00b7 {summary.city}" if summary.city else ""))
    if summary.status == "temporarily_closed":
        lines.append("Temporarily closed")
    return lines


def run_preview(args) -> int:
    editor = _editor(args)
    try:
        record = editor.group(args.id)
    except DraftError as error:
        raise UserFacingError(error.problems[0]) from None
    now = datetime.now(UTC)
    summary = editor.preview(record, now, args.timezone or local_zone_name())
    lines = card_lines(summary, now)
    if args.json:
        print_json({"card": lines, "group": export_group(record.external_id, record)})
        return 0
    width = max(len(line) for line in lines) + 2
    print("\u250c" + "\u2500" * width + "\u2510")
    for line in lines:
        print(f"\u2502 {line.ljust(width - 1)}\u2502")
    print("\u2514" + "\u2500" * width + "\u2518")
    return 0


def run_export(args) -> int:
    try:
        report = _editor(args).export(Path(args.output), [Path(k) for k in args.key] if args.key else None)
    except DraftError as error:
        raise UserFacingError(error.problems[0]) from None
    if args.json:
        print_json({"folder": str(report.folder), "groups": report.groups, "ok": report.ok, "signed_by": report.signed_by,
                    "files": {k: [str(p) for p in v] for k, v in report.files.items()},
                    "errors": report.errors, "warnings": report.warnings})
    else:
        for fmt, paths in report.files.items():
            print(f"{fmt}: " + ", ".join(p.name for p in paths) + " \u2014 checked against its schema")
        if report.signed_by:
            print(f"Signed with the key {report.signed_by}.")
        elif "kindred" in report.files:
            print("Not signed: give --key PREFIX.key so subscribers can check your updates.")
        for fmt, problems in report.errors.items():
            print(f"{fmt}: NOT written \u2014 {len(problems)} problem(s):")
            for problem in problems[:20]:
                print(f"  - {problem}")
        for fmt, notes in report.warnings.items():
            for note in notes[:5]:
                print(f"{fmt}: note: {note}")
    return 0 if report.ok else 1
