"""An organisation's own groups, kept in the data folder as a Kindred feed
(``publishing/groups.json``: public data, the same format the export writes), edited one
group at a time, previewed as search cards, and exported.

Nothing here is private: these are the listings an organisation publishes. Every write is
atomic (a temporary file, then a rename), and a group with problems is refused with the
problems named, so the saved list is always one that exports.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from services.directory.exporters import hsds_datapackage
from services.directory.exporters import validate as schema_checks
from services.directory.importers import FeedError, read_feed
from services.directory.importers import kindred as kindred_format
from services.directory.importers import meeting_guide
from services.directory.model import (
    ATTENDANCES,
    COSTS,
    LEADERSHIPS,
    REGISTRATIONS,
    STATUSES,
    GroupRecord,
    GroupSummary,
    NextMeeting,
)
from services.directory.schedule import describe_rule, next_meetings, valid_zone, zone
from services.directory.vocabulary import AUDIENCES, TOPICS
from services.sync import signing
from services.i18n import _

FOLDER = "publishing"
FEED_NAME = "groups.json"
MEETING_GUIDE_NAME = "meetings.json"
HSDS_FOLDER = "hsds"
MAX_GROUPS = 2000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DraftError(ValueError):
    """A group (or organisation) that cannot be saved; ``problems`` name each field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Organisation:
    name: str
    description: str | None = None
    website: str | None = None
    contact: str | None = None  # a public e-mail address or phone number


@dataclass(frozen=True)
class _Item:  # what the exporters read
    id: str
    record: GroupRecord


@dataclass
class ExportReport:
    folder: Path
    groups: int
    files: dict[str, list[Path]] = field(default_factory=dict)  # format -> files written
    errors: dict[str, list[str]] = field(default_factory=dict)  # format -> schema errors (that format not written)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    signed_by: str | None = None  # the key's fingerprint

    @property
    def ok(self) -> bool:
        return not any(self.errors.values())


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:48] or "group"


def check_group(record: GroupRecord) -> list[str]:
    """What would make the listing wrong or useless, in words for the person editing it."""
    problems = []
    if not record.name.strip():
        problems.append(_("name: give the group a name"))
    elif len(record.name) > 120:
        problems.append(_("name: keep it under 120 characters (it is the card's title)"))
    if record.attendance not in ATTENDANCES:
        problems.append(_("attendance: choose one of {detail}").format(detail=', '.join(ATTENDANCES)))
    if record.leadership not in LEADERSHIPS:
        problems.append(_("leadership: choose one of {detail}").format(detail=', '.join(LEADERSHIPS)))
    if record.cost not in COSTS:
        problems.append(_("cost: choose one of {detail}").format(detail=', '.join(COSTS)))
    if record.registration not in REGISTRATIONS:
        problems.append(_("how to join: choose one of {detail}").format(detail=', '.join(REGISTRATIONS)))
    if record.status not in STATUSES:
        problems.append(_("status: choose one of {detail}").format(detail=', '.join(STATUSES)))
    for topic in record.topics:
        if topic not in TOPICS:
            problems.append(_("topics: {topic} is not one of Kindred's topics ({detail})").format(topic=repr(topic), detail=', '.join(TOPICS)))
    for audience in record.audience:
        if audience not in AUDIENCES:
            problems.append(_("who it is for: {audience} is not one of {detail}").format(audience=repr(audience), detail=', '.join(AUDIENCES)))
    if not record.schedule:
        problems.append(_("when: add when the group meets (a weekly or monthly time, by appointment, or 'times vary')"))
    for n, rule in enumerate(record.schedule, start=1):
        where = _("when (rule {n})").format(n=n)
        if rule.kind in ("weekly", "monthly"):
            if rule.weekday is None or rule.start is None:
                problems.append((_("{where}: a weekly meeting needs a day and a start time") if rule.kind == "weekly" else
                                 _("{where}: a monthly meeting needs a day and a start time")).format(where=where))
            if rule.timezone is None:
                problems.append(_("{where}: give the time zone the times are in (for example America/Chicago)").format(where=where))
            elif valid_zone(rule.timezone) is None:
                problems.append(_("{where}: {timezone} is not a time zone name (for example America/Chicago)").format(where=where, timezone=repr(rule.timezone)))
            if rule.kind == "weekly" and rule.interval_weeks > 1 and rule.anchor_date is None and rule.starts_on is None:
                problems.append(_("{where}: every {n} weeks needs one date it met on").format(where=where, n=rule.interval_weeks))
            if rule.kind == "monthly" and rule.ordinal not in (1, 2, 3, 4, 5, -1):
                problems.append(_("{where}: say which week of the month (1st–5th, or last)").format(where=where))
    loc = record.location
    if record.attendance in ("in_person", "hybrid") and not (loc.address or (loc.venue and loc.city)):
        problems.append(_("where: an in-person group needs an address (or a venue and a town)"))
    if record.attendance in ("online", "hybrid") and not (record.online.url or record.online.phone):
        problems.append(_("online: give the link or the phone number people join with"))
    for label, link in ((_("online link"), record.online.url), (_("website"), record.contact.website)):
        if link and not re.match(r"^https?://\S+$", link):
            problems.append(_("{label}: {link} should start with https://").format(label=label, link=repr(link)))
    if record.contact.email and not _EMAIL.match(record.contact.email):
        problems.append(_("contact e-mail: {email} is not an e-mail address").format(email=repr(record.contact.email)))
    if record.typical_size is not None and not 1 <= record.typical_size <= 1000:
        problems.append(_("typical size: give the usual number of people, 1–1000"))
    if record.leadership in ("professional", "co_facilitated") and not record.facilitator_credentials:
        problems.append(_("credentials: say what qualifies the professional who leads it (for example 'licensed "
                          "clinical social worker')"))
    if (loc.latitude is None) != (loc.longitude is None):
        problems.append(_("where: give both latitude and longitude, or neither"))
    return problems


class OrganisationEditor:
    """The groups one organisation publishes, in ``DATA_DIR/publishing/``."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / FOLDER
        self.path = self.folder / FEED_NAME

    # --- reading --------------------------------------------------------------------
    def _document(self) -> dict:
        if not self.path.exists():
            return {"format": kindred_format.FORMAT_NAME, "version": kindred_format.VERSION,
                    "publisher": {"name": "My organisation"}, "groups": []}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def organisation(self) -> Organisation:
        publisher = self._document().get("publisher", {})
        return Organisation(name=publisher.get("name", "My organisation"), description=publisher.get("note"),
                            website=publisher.get("url"), contact=publisher.get("contact"))

    def groups(self) -> list[GroupRecord]:
        if not self.path.exists():
            return []
        try:
            feed = read_feed(self.path, "kindred")
        except FeedError as error:
            raise DraftError([_("the saved groups cannot be read ({error}); nothing was changed").format(error=error)]) from None
        return feed.groups

    def group(self, group_id: str) -> GroupRecord:
        for record in self.groups():
            if record.external_id == group_id:
                return record
        raise DraftError([_("there is no group with id {group_id} (see the list of your groups)").format(group_id=repr(group_id))])

    # --- writing --------------------------------------------------------------------
    def _write(self, organisation: Organisation, groups: list[GroupRecord]) -> None:
        document = kindred_format.export([_Item(g.external_id, g) for g in groups], publisher=organisation.name)
        document["publisher"] = {k: v for k, v in {"name": organisation.name, "note": organisation.description,
                                                   "url": organisation.website, "contact": organisation.contact}.items() if v}
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.path.with_name(self.path.name + ".part")
        part.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(part, self.path)

    def set_organisation(self, name: str, description: str | None = None, website: str | None = None,
                         contact: str | None = None) -> Organisation:
        name = " ".join((name or "").split())
        problems = []
        if not name:
            problems.append(_("organisation name: give the name people know you by"))
        if website and not re.match(r"^https?://\S+$", website):
            problems.append(_("website: {website} should start with https://").format(website=repr(website)))
        if problems:
            raise DraftError(problems)
        organisation = Organisation(name=name, description=(description or "").strip() or None,
                                    website=website or None, contact=(contact or "").strip() or None)
        self._write(organisation, self.groups())
        return organisation

    def save_group(self, record: GroupRecord) -> GroupRecord:
        """Add (no ``external_id``, or a new one) or replace a group. Raises DraftError."""
        problems = check_group(record)
        if problems:
            raise DraftError(problems)
        groups = self.groups()
        if not record.external_id:
            taken = {g.external_id for g in groups}
            base = slug(record.name)
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            record = dataclasses.replace(record, external_id=candidate)
        record = dataclasses.replace(record, timezone_origin="feed" if any(r.timezone for r in record.schedule) else "unknown")
        replaced = [record if g.external_id == record.external_id else g for g in groups]
        if record not in replaced:
            if len(groups) >= MAX_GROUPS:
                raise DraftError([_("an organisation can list at most {n} groups here").format(n=MAX_GROUPS)])
            replaced.append(record)
        self._write(self.organisation(), replaced)
        return record

    def remove_group(self, group_id: str) -> None:
        groups = self.groups()
        kept = [g for g in groups if g.external_id != group_id]
        if len(kept) == len(groups):
            raise DraftError([_("there is no group with id {group_id}").format(group_id=repr(group_id))])
        self._write(self.organisation(), kept)

    # --- signing key ----------------------------------------------------------------
    @property
    def key_prefix(self) -> Path:
        return self.folder / "keys" / "publisher"

    def signing_key(self, create: bool = True) -> tuple[str, str, Path] | None:
        """(public key text, fingerprint, private key path) of this organisation's signing key,
        made on first use (``keys/publisher.key``, readable only by its owner). Publish the
        public key text next to the feed; keep the private key off the web."""
        private = self.key_prefix.with_name("publisher.key")
        if not private.exists():
            if not create:
                return None
            self.key_prefix.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            pair = signing.generate_keypair(self.key_prefix)
            return pair.public_key, pair.fingerprint, pair.private_path
        public = signing.public_key_text(signing.load_private_key(private).public_key())
        return public, signing.fingerprint(public), private

    def default_export_folder(self) -> Path:
        return self.folder / "site"

    def export_signed(self, folder: Path | None = None) -> tuple[ExportReport, str]:
        """Export into ``folder`` (default ``publishing/site``) signed with this organisation's
        key; returns the report and the public key text to publish."""
        public, _fingerprint, private = self.signing_key()
        return self.export(Path(folder) if folder else self.default_export_folder(), [private]), public

    # --- preview --------------------------------------------------------------------
    def preview(self, record: GroupRecord, now: datetime | None = None, person_zone: str | None = None) -> GroupSummary:
        """The group as a search result: what its card will show to someone in ``person_zone``."""
        return preview_summary(record, self.organisation().name, now, person_zone)

    # --- export ---------------------------------------------------------------------
    def export(self, folder: Path, key_paths: list[Path] | None = None, now: datetime | None = None) -> ExportReport:
        """Write ``groups.json`` (+ ``.sig`` with a key), ``meetings.json`` and ``hsds/`` into
        ``folder``. Each is checked against its schema; one that fails is not written and its
        problems are in the report."""
        groups = self.groups()
        if not groups:
            raise DraftError([_("there are no groups to export yet: add one first")])
        organisation = self.organisation()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        items = [_Item(g.external_id, g) for g in groups]
        report = ExportReport(folder=folder, groups=len(groups))

        # Kindred feed: read back exactly as a subscriber's app will, then signed.
        document = kindred_format.export(items, publisher=organisation.name)
        document["publisher"] = {k: v for k, v in {"name": organisation.name, "note": organisation.description,
                                                   "url": organisation.website, "contact": organisation.contact}.items() if v}
        if now is not None:
            document["generated_at"] = now.astimezone(UTC).replace(microsecond=0).isoformat()
        feed_path = folder / FEED_NAME
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        part = feed_path.with_name(feed_path.name + ".part")
        part.write_bytes(data)
        try:
            again = read_feed(part, "kindred")
            if len(again.groups) != len(groups) or again.skipped:
                raise FeedError(f"reads back as {len(again.groups)} groups, not {len(groups)}")
        except FeedError as error:
            part.unlink()
            report.errors["kindred"] = [f"the feed does not pass Kindred's schema: {error}"]
        else:
            os.replace(part, feed_path)
            report.files["kindred"] = [feed_path]
            if key_paths:
                try:
                    sig = signing.sign_file(feed_path, key_paths)
                    key = signing.load_private_key(key_paths[-1])
                    public = signing.public_key_text(key.public_key())
                    signing.verify_bytes(public, feed_path.read_bytes(), sig.read_bytes())
                except signing.SigningError as error:
                    report.errors["signature"] = [str(error)]
                else:
                    report.files["kindred"].append(sig)
                    report.signed_by = signing.fingerprint(public)

        # Meeting Guide JSON, from the shared exporter, checked against code4recovery's schema.
        meetings = meeting_guide.export(items)
        errors, warnings = schema_checks.meeting_guide(meetings)
        report.warnings["meeting-guide"] = warnings
        mg_path = folder / MEETING_GUIDE_NAME
        if errors:
            report.errors["meeting-guide"] = errors
            mg_path.unlink(missing_ok=True)
        else:
            part = mg_path.with_name(mg_path.name + ".part")
            part.write_text(json.dumps(meetings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.replace(part, mg_path)
            report.files["meeting-guide"] = [mg_path]

        # HSDS 3.0 data package, written aside, checked, then moved into place.
        hsds_dir = folder / HSDS_FOLDER
        staging = folder / (HSDS_FOLDER + ".part")
        _remove_tree(staging)
        hsds_datapackage.write(items, staging, organisation.name, organisation.description, organisation.website)
        errors, warnings = schema_checks.hsds_datapackage(staging)
        report.warnings["hsds"] = warnings
        if errors:
            report.errors["hsds"] = errors
            _remove_tree(staging)
        else:
            _remove_tree(hsds_dir)
            os.replace(staging, hsds_dir)
            report.files["hsds"] = sorted(hsds_dir.iterdir())
        return report


def _remove_tree(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            child.unlink()
        path.rmdir()


def preview_summary(record: GroupRecord, source: str, now: datetime | None = None,
                    person_zone: str | None = None) -> GroupSummary:
    now = now or datetime.now(UTC)
    upcoming = next_meetings(record.schedule, now, 1)
    meeting = None
    if upcoming:
        start, end, zone_name = upcoming[0]
        shown = person_zone or zone_name
        meeting = NextMeeting(start=start, end=end, timezone=zone_name, local_start=start.astimezone(zone(shown)),
                              local_timezone=shown)
    return GroupSummary(
        id=f"preview/{record.external_id or slug(record.name)}", name=record.name, source=source,
        attendance=record.attendance, topics=record.topics, leadership=record.leadership, cost=record.cost,
        status=record.status, city=record.location.city, distance_km=None, next_meeting=meeting,
        schedule_note=describe_rule(record.schedule[0]) if record.schedule else "times not given",
    )
