"""``kindred journal``: add, list, insights, export and import, over the encrypted store.

The CLI unlocks like every private command: ``KINDRED_PASSPHRASE`` (for scripts), the
system keyring, or a passphrase prompt on a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from cli.common import UserFacingError, opened_services, print_json, report_left_out, unlocked_store
from services.journal import HELPED_LEVELS, Journal, JournalError, StrategyUse, exchange
from services.private_files import read_limited, write_private_file
from services.journal.reminder import guess_time_zone

HELPED_WORDS = {"helped": "a lot", "a lot": "a lot", "a little": "a little", "not really": "not really", "no": "not really"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "journal",
        help="your private journal",
        description="Your private journal. Unlocks with $KINDRED_PASSPHRASE, the system keyring, or a prompt.",
    )
    commands = parser.add_subparsers(dest="journal_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="add a check-in")
    add.add_argument("--mood", type=int, required=True, choices=range(1, 6), metavar="N", help="mood from 1 (very low) to 5 (great)")
    add.add_argument("--note", default="", help="a note")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeat for more)")
    add.add_argument(
        "--strategy", action="append", default=[], metavar="NAME[:helped|a little|not really]",
        help="a coping strategy you tried, and whether it helped (repeat for more)",
    )
    add.set_defaults(func=run_add)

    listing = commands.add_parser("list", help="list check-ins, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--limit", type=int, default=None, help="at most this many")
    listing.set_defaults(func=run_list)

    insight = commands.add_parser("insights", help="what your check-ins say (plain numbers, no diagnosis)")
    insight.add_argument("--json", action="store_true", help="print JSON")
    insight.set_defaults(func=run_insights)

    export = commands.add_parser("export", help="export the journal")
    export.add_argument("--format", choices=("json", "csv"), required=True, help="json (complete, re-importable) or csv (one row per check-in)")
    export.add_argument("-o", "--output", required=True, metavar="PATH", help="file to write")
    export.set_defaults(func=run_export)

    imp = commands.add_parser("import", help="import a Kindred JSON export or a Daylio CSV export")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--mood-map", default="", metavar="NAME=N,...", help="Daylio mood names to 1-5 (default rad=5,good=4,meh=3,bad=2,awful=1)")
    imp.add_argument("--time-zone", default=None, help="time zone of a Daylio export's times (default: this device's)")
    imp.set_defaults(func=run_import)

    report = commands.add_parser(
        "report", help="a summary for a clinician or a trusted person (PDF or plain text)",
        description="Mood over time, PHQ-9/GAD-7 scores with dates and bands, strategies that helped and meetings "
        "attended, for a date range; notes only with --with-notes. A .txt (or .text) file name, or --text, gives "
        "plain text; anything else a PDF. Made on this device; the file is not encrypted.")
    report.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day")
    report.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day (included)")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write (.pdf or .txt)")
    report.add_argument("--with-notes", action="store_true", help="include the notes of your check-ins")
    report.add_argument("--text", action="store_true", help="plain text whatever the file name")
    report.set_defaults(func=run_report)
    plan = commands.add_parser("safety-plan", help="your safety plan as a one-page PDF (or plain text with .txt)")
    plan.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write (.pdf or .txt)")
    plan.add_argument("--text", action="store_true", help="plain text whatever the file name")
    plan.set_defaults(func=run_safety_plan)


@contextmanager
def open_journal(args) -> Iterator[Journal]:
    # Unlocks with $KINDRED_PASSPHRASE, the keyring, or a prompt.
    with opened_services(args, (JournalError,)) as services, unlocked_store(services) as store:
        yield Journal(store)


def parse_strategy(text: str) -> StrategyUse:
    name, sep, helped = text.rpartition(":")
    if not sep:
        return StrategyUse(text.strip())
    word = helped.strip().lower()
    if word not in HELPED_WORDS:
        raise UserFacingError(
            f"in --strategy {text!r}, say after the colon whether it helped: helped, {', '.join(HELPED_LEVELS[1::-1])}"
        )
    return StrategyUse(name.strip(), HELPED_WORDS[word])


def run_add(args) -> int:
    uses = [parse_strategy(text) for text in args.strategy]
    with open_journal(args) as journal:
        entry = journal.add(mood=args.mood, note=args.note, tags=args.tag, strategies=uses)
        label = journal.settings().label(entry.mood)
    print(f"Saved: {label} ({entry.mood}) at {entry.at:%Y-%m-%d %H:%M}.")
    return 0


def entry_dict(entry) -> dict:
    data = asdict(entry)
    data.pop("search_text", None)
    data["at"] = entry.at.isoformat()
    return data


def run_list(args) -> int:
    with open_journal(args) as journal:
        page = journal.page(limit=args.limit or max(journal.count(), 1))
        entries = page.entries
        labels = journal.settings()
    report_left_out(page.left_out, "journal_entry")
    if args.json:
        print_json([entry_dict(e) for e in entries])
        return 0
    if not entries and not page.left_out:
        print("No entries yet. Add one with: kindred journal add --mood N")
    for e in entries:
        extras = []
        if e.tags:
            extras.append("tags: " + ", ".join(e.tags))
        if e.strategies:
            extras.append("tried: " + ", ".join(f"{s.name} ({s.helped})" if s.helped else s.name for s in e.strategies))
        print(f"{e.at:%Y-%m-%d %H:%M}  {e.mood} {labels.label(e.mood)}" + (f"  [{'; '.join(extras)}]" if extras else ""))
        if e.note:
            print("    " + e.note.replace("\n", "\n    "))
    return 0


def run_insights(args) -> int:
    with open_journal(args) as journal:
        result = journal.insights()
    report_left_out(result.left_out, "journal_entry")
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{result.total_entries} check-ins in all.")
    for caption in result.captions.values():
        print(f"- {caption}")
    for days, bucket in result.period_average.items():
        if bucket.count:
            print(f"Last {days} days: average mood {bucket.average:.1f} over {bucket.count} check-ins")
    if result.strategies_by_help:
        print("Strategies, by how often they helped:")
        for s in result.strategies_by_help[:10]:
            print(f"  {s.name}: helped {s.helped} of {s.rated} times")
    return 0


def run_export(args) -> int:
    path = Path(args.output)
    with open_journal(args) as journal:
        data = exchange.export_json(journal) if args.format == "json" else exchange.export_csv(journal)
        count = len(journal.all_entries())
        left_out = journal.left_out
    try:
        write_private_file(path, data)  # 0600: it is plain text
    except OSError as error:
        raise UserFacingError(f"can't write {path}: {error.strerror}") from None
    print(f"Exported {count} check-ins to {path} ({args.format.upper()}). Keep it safe: it is not encrypted.")
    report_left_out(left_out, "journal_entry")
    return 0


def run_import(args) -> int:
    path = Path(args.path)
    try:
        data = read_limited(path, 512 * 1024 * 1024)
    except OSError as error:
        raise UserFacingError(f"can't read {path}: {error.strerror}") from None
    try:
        mood_map = exchange.parse_mood_map(args.mood_map)
        source = exchange.detect(data)
    except JournalError as error:
        raise UserFacingError(str(error)) from None
    with open_journal(args) as journal:
        plan = exchange.plan_import(data, mood_map=mood_map, time_zone=args.time_zone or journal.settings().time_zone or guess_time_zone())
        if source == "daylio":
            print("Daylio moods mapped as: " + ", ".join(f"{name}={value}" for name, value in plan.mood_map.items()))
        exchange.apply(journal, plan)
    print(f"Imported {plan.summary()} from {path.name}.")
    return 0


def _day(text: str, what: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"{what} {text!r} is not a date: write it as YYYY-MM-DD.") from None


def _wants_text(args) -> bool:
    return args.text or Path(args.output).suffix.lower() in (".txt", ".text")


def _write(path: Path, data: bytes) -> None:
    try:
        write_private_file(path, data)  # 0600: it is not encrypted
    except OSError as error:
        raise UserFacingError(f"can't write {path}: {error.strerror}") from None


def run_report(args) -> int:
    from services.journal import report as reports
    from services.saved import SavedGroups

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    with opened_services(args, (JournalError,)) as services, unlocked_store(services) as store:
        try:
            built = reports.build(Journal(store), start, end, with_notes=args.with_notes,
                                  saved_groups=SavedGroups(store).list())
        except reports.ReportError as error:
            raise UserFacingError(str(error)) from None
    data = reports.to_text(built).encode("utf-8") if _wants_text(args) else reports.to_pdf(built)
    _write(Path(args.output), data)
    print(f"Wrote a summary of {built.check_ins} check-in(s) from {start} to {end} to {args.output}"
          + (" (with notes)" if args.with_notes else " (notes left out)") + ". It is not encrypted: share it only "
          "with people you choose.")
    return 0


def run_safety_plan(args) -> int:
    from services.journal import report as reports

    with open_journal(args) as journal:
        try:
            data = reports.safety_plan_text(journal).encode("utf-8") if _wants_text(args) else reports.safety_plan_pdf(journal)
        except reports.ReportError as error:
            raise UserFacingError(str(error)) from None
    _write(Path(args.output), data)
    print(f"Wrote your safety plan to {args.output}.")
    return 0
