"""The directory as the rest of Kindred sees it: import, validate, search, details, export,
sources, places and "where else to look". Callers get plain dataclasses back."""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from services.directory import places, repository
from services.directory.bundled import BUNDLED_FILE, BUNDLED_SOURCE, bundled_version, loaded_version
from services.directory.importers import FeedError, read_feed
from services.directory.importers import kindred as kindred_format
from services.directory.importers import meeting_guide
from services.directory.model import GroupDetails, ImportReport, NextMeeting, SearchPage, SourceInfo, WhereToLook
from services.directory.schedule import describe_rule, local_zone_name, next_meetings, valid_zone, zone  # noqa: F401 - local_zone_name re-exported
from services.i18n import N_, Message, reason_of
from services.directory.search import STALE_AFTER_DAYS, SearchQuery, listing_updated, search_stored
from services.models import DirectoryGroup, DirectorySource
from services.paths import ASSETS_DIR
from services.storage import Database, collector_paused

WHERE_TO_LOOK_FILE = ASSETS_DIR / "where_to_look.json"
EXPORT_FORMATS = ("kindred", "meeting-guide")
UPLOAD_SUFFIXES = (".json", ".csv", ".zip")
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


class UploadRefused(ValueError):
    """A picked directory file could not be imported; nothing was changed. The message says why."""


class DirectoryService:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ import
    def validate(self, path: Path, format: str = "auto", timezone: str | None = None, source: str | None = None,
                 all_services: bool = False) -> ImportReport:
        """Read and check a file; write nothing. Raises FeedError when it is unusable."""
        feed = read_feed(Path(path), format, timezone, all_services)
        _require_groups(feed, Path(path))  # validate says what import would do, refusals included
        return _report(feed, source or Path(path).stem, 0, written=False)

    def import_file(self, path: Path, format: str = "auto", source: str | None = None, timezone: str | None = None,
                    now: datetime | None = None, kind: str = "file", publisher: str | None = None,
                    all_services: bool = False, location: str | None = None) -> ImportReport:
        """Replace one source's groups with the file's, in one transaction: a fatal error
        (FeedError) changes nothing; bad records are skipped and reported."""
        path = Path(path)
        name = check_source_name(source or path.stem)
        if name == BUNDLED_SOURCE and kind != "bundled":
            raise FeedError(f"the source name {BUNDLED_SOURCE!r} is kept for the directory that comes with Kindred; choose another")
        self._refuse_subscription(name, kind)
        # One pause for reading and writing, and the read feed let go before the collector is
        # back: re-enabling it while the feed's millions of objects were alive set off a
        # collection over all of them, between reading and writing and again at the end
        # (~4 % of an import of 100,000 meetings; issue #14).
        with collector_paused():
            feed = read_feed(path, format, timezone, all_services)
            _require_groups(feed, path)
            now = now or datetime.now(UTC)
            with self.db.transaction() as session:
                source_row = repository.get_or_create_source(session, name, kind, now)
                if source_row.kind == "feed" and kind != "feed":
                    raise SubscribedFeedName(name)  # subscribed meanwhile: rolled back
                replaced = repository.replace_source_groups(session, source_row, feed.groups, now)
                repository.mark_imported(session, source_row, last_imported_at=now, format=feed.format,
                                         publisher=publisher or feed.publisher, kind=kind,
                                         location=location or (f"assets/{path.name}" if kind == "bundled" else str(path)))
            report = _report(feed, name, replaced, written=True)
            del feed
        return report

    def import_upload(self, file_name: str, data: bytes, timezone: str | None = None,
                      now: datetime | None = None) -> ImportReport:
        """A directory file picked on the device (the Directory sources screen, in the app and in
        the browser, where a picked file is bytes with a name and no path): imported as the
        source named after the file, exactly as ``kindred directory import`` would. Importing a
        file of the same name again replaces that source's groups. Raises UploadRefused (a
        ValueError, so the UI's action runner shows its message) and changes nothing then."""
        try:
            return self._import_upload(file_name, data, timezone, now)
        except SubscribedFeedName:
            raise UploadRefused(Message(N_("a source called \u201c{name}\u201d is a feed you subscribed to; rename the "
                                           "file to import it beside that feed"), name=Path(Path(file_name).stem).name)) from None
        except FeedError as error:
            # The message without its command-line hint: a person picking a file has no options.
            raise UploadRefused(reason_of(error)) from None

    def _import_upload(self, file_name: str, data: bytes, timezone: str | None, now: datetime | None) -> ImportReport:
        base = Path(file_name or "").name
        suffix = Path(base).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            what = (Message(N_("{file} is not a directory file Kindred can read"), file=base) if base
                    else Message(N_("That file is not a directory file Kindred can read")))
            raise FeedError(Message(N_("{problem}: choose a .json, .csv or .zip file (a Kindred feed, Meeting Guide "
                                       "JSON, Open Referral HSDS or the CSV template)"), problem=what))
        if len(data) > MAX_UPLOAD_BYTES:
            raise FeedError(Message(N_("{file} is larger than {n} MB, so it was not imported"), file=base,
                                    n=MAX_UPLOAD_BYTES // (1024 * 1024)))
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(base).stem).strip("-.") or "imported"
        folder = self.db.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="import-", dir=folder) as tmp:
            path = Path(tmp) / f"{stem[:60]}{suffix}"
            path.write_bytes(data)
            return self.import_file(path, "auto", source=stem[:60], timezone=timezone, now=now,
                                    location=f"a file from this device ({base})")

    def _refuse_subscription(self, name: str, kind: str) -> None:
        """A file never silently replaces a subscribed feed (its address, its pinned key and
        its verified groups would all be gone)."""
        if kind == "feed":
            return
        with self.db.transaction() as session:
            existing = session.scalar(select(DirectorySource.kind).where(DirectorySource.name == name))
        if existing == "feed":
            raise SubscribedFeedName(name)

    def ensure_bundled(self, path: Path = BUNDLED_FILE, now: datetime | None = None) -> bool:
        """Load the bundled directory as source "bundled" unless this version is there already.
        Returns True when it was (re)loaded. One indexed lookup on every other start."""
        version = bundled_version(path)
        with self.db.transaction() as session:
            current = loaded_version(repository.raw_connection(session))
        if current == version:
            return False
        # The version goes in the source's publisher field, so the next start can tell.
        report = self.import_file(path, "kindred", BUNDLED_SOURCE, now=now, kind="bundled", publisher=version)
        return report.imported > 0

    # ------------------------------------------------------------------ search and details
    def search(self, query: SearchQuery, now: datetime | None = None) -> SearchPage:
        with self.db.transaction() as session:
            return search_stored(repository.raw_connection(session), query, now)

    def get_group(self, group_id: str, timezone: str | None = None, now: datetime | None = None) -> GroupDetails | None:
        now = now or datetime.now(UTC)
        person_zone = timezone or local_zone_name()
        with self.db.transaction() as session:
            row = session.scalar(select(DirectoryGroup).where(DirectoryGroup.uid == group_id))
            if row is None:
                return None
            source_name, imported_at = session.execute(
                select(DirectorySource.name, DirectorySource.last_imported_at).where(DirectorySource.id == row.source_id)).one()
            rules = repository.rules_for(session, [row.id]).get(row.id, [])
            tags = repository.tags_for(session, [row.id]).get(row.id, {})
            record = repository.record_from_row(row, rules, tags)
        upcoming = tuple(
            NextMeeting(start=start, end=end, timezone=zone_name, local_start=start.astimezone(zone(person_zone or zone_name)),
                        local_timezone=person_zone or zone_name)
            for start, end, zone_name in next_meetings(rules, now, 3)
        )
        timed = [r for r in rules if r.has_times]
        note = None
        if timed and any(r.timezone is None for r in timed):
            note = "Time zone unknown: the times are the group's local times, and no next meeting is claimed."
        updated = listing_updated(record.last_verified, imported_at)
        return GroupDetails(id=group_id, source=source_name, record=record, next_meetings=upcoming,
                            schedule_text=tuple(describe_rule(r) for r in rules), timezone_note=note, updated=updated,
                            stale=updated is not None and (now.date() - updated).days >= STALE_AFTER_DAYS)

    def all_groups(self, source: str | None = None) -> list[GroupDetails]:
        """Every stored group (of one source, if named) with its full record, for export."""
        with self.db.transaction() as session:
            statement = select(DirectoryGroup, DirectorySource.name).join(DirectorySource, DirectorySource.id == DirectoryGroup.source_id)
            if source:
                statement = statement.where(DirectorySource.name == source)
            rows = session.execute(statement.order_by(DirectoryGroup.id)).all()
            ids = [row.id for row, _ in rows]
            rules = repository.rules_for(session, ids)
            tags = repository.tags_for(session, ids)
            return [
                GroupDetails(id=row.uid, source=name, record=repository.record_from_row(row, rules.get(row.id, []), tags.get(row.id, {})),
                             next_meetings=(), schedule_text=(), timezone_note=None)
                for row, name in rows
            ]

    def export(self, format: str, path: Path, source: str | None = None) -> int:
        if format not in EXPORT_FORMATS:
            raise FeedError(f"cannot export as {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
        groups = self.all_groups(source)
        if format == "kindred":
            document = kindred_format.export(groups, publisher="Kindred export")
        else:
            document = meeting_guide.export(groups)
        path = Path(path)
        temporary = path.with_name(path.name + ".part")
        temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(path)  # never leave a half-written export under the real name
        return len(groups)

    def sources(self) -> list[SourceInfo]:
        with self.db.transaction() as session:
            return repository.sources(session)

    # ------------------------------------------------------------------ places and other help
    def geocode(self, place_text: str, country: str | None = None) -> places.Place:
        """Raises places.AmbiguousPlace (with candidates) when several places fit."""
        return places.geocode(place_text, country)

    def place_candidates(self, place_text: str, country: str | None = None) -> list[places.Place]:
        return places.candidates(place_text, country)

    def where_else_to_look(self, country: str | None = None) -> list[WhereToLook]:
        return where_else_to_look(country)


MAX_SOURCE_NAME = 100


def check_source_name(text: str) -> str:
    """A source name as given, trimmed; refused when it could not name a source (group ids
    are ``source/id``, so a ``/`` would make them ambiguous)."""
    name = (text or "").strip()
    if not name:
        raise FeedError("the source needs a name (--source NAME)")
    if "/" in name or "\\" in name:
        raise FeedError(f"the source name {name!r} contains a slash; group ids are source/id, so use letters, digits, - or _")
    if any(not ch.isprintable() for ch in name):
        raise FeedError("the source name contains control characters; use letters, digits, - or _")
    if len(name) > MAX_SOURCE_NAME:
        raise FeedError(f"the source name is {len(name)} characters long (at most {MAX_SOURCE_NAME})")
    return name


class SubscribedFeedName(FeedError):
    """A file imported under the name of a subscribed feed (worded for the command line)."""

    def __init__(self, name: str):
        super().__init__(
            f"{name!r} is a subscribed feed (kindred sources list): importing a file under that name would drop its "
            "address, its pinned publisher key and its verified groups. Import under another --source name, or "
            f"remove the subscription first (kindred sources remove {name}).")
        self.name = name


def _require_groups(feed, path: Path) -> None:
    if not feed.groups:
        reasons = "; ".join(f"{s.where}: {s.reason}" for s in feed.skipped[:3])
        if reasons:  # the readers' own reasons stay as they were written (technical, English)
            raise FeedError(Message(N_("{file}: no usable groups, so nothing was changed ({reasons})"), file=path.name,
                                    reasons=reasons))
        raise FeedError(Message(N_("{file}: no usable groups, so nothing was changed"), file=path.name))


def _report(feed, name: str, replaced: int, written: bool) -> ImportReport:
    from services.directory.importers.common import ZONE_ORIGINS

    zones = tuple((origin, feed.zone_counts.get(origin, 0)) for origin in ZONE_ORIGINS)
    return ImportReport(name, feed.format, len(feed.groups), tuple(feed.skipped), tuple(feed.repairs), replaced, written,
                        meetings=feed.meetings or sum(len(g.schedule) for g in feed.groups), zones=zones,
                        doubtful=tuple(feed.doubtful), skipped_more=feed.skipped.more)


@lru_cache(maxsize=2)
def _where_to_look(path: Path) -> tuple[WhereToLook, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(WhereToLook(e["name"], e["description"], e.get("url"), e.get("phone"), tuple(e.get("countries", [])),
                             tuple((s["url"], s["how"]) for s in e.get("sources", ())))
                 for e in data["places"])


def where_else_to_look(country: str | None = None, path: Path = WHERE_TO_LOOK_FILE) -> list[WhereToLook]:
    """Other places to find a group, for when a search finds little: those for the
    person's country first, then those that apply everywhere."""
    code = country.upper() if country else None
    from services.crisis import _local  # noqa: PLC0415 - the same Spanish and French texts file

    entries = tuple(dataclasses.replace(e, description=_local(e.description)) for e in _where_to_look(path))
    own = [e for e in entries if code and code in e.countries]
    everywhere = [e for e in entries if not e.countries]
    return own + everywhere if code else list(entries)
