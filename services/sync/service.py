"""Directory sources and syncing them.

A source is a URL (our own feed, a Meeting Guide JSON feed, an HSDS API response, a CSV or
an HSDS datapackage .zip) with an optional pinned publisher key and a default time zone. It
lives in ``directory_source`` (kind ``feed``); its groups are the directory rows with its
``source_id``.

Syncing one source:

1. a conditional GET (``If-None-Match`` / ``If-Modified-Since``): an unchanged feed is one
   304 and nothing in the directory is written (only the source's "last checked" time);
2. with a pinned key, ``URL.sig`` is fetched and must verify over the exact bytes;
3. the directory engine's importer reads the bytes (format detected, the source's zone for
   groups without one) — outside any transaction;
4. the source's groups are replaced and its validators and status recorded in **one**
   transaction. Any failure before the commit (network, signature, a bad feed, a crash,
   ``kill -9``, power loss) leaves the previous groups exactly as they were, and the
   validators with them, so the next sync downloads the feed again.

Nothing here touches the private database: a removed source's groups disappear from the
directory, and a saved group that pointed at one is shown as "no longer listed" by the
saved-groups service, which asks the directory whether the id is still there.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update

from services.i18n import N_, Message, _, reason_of
from services.directory import repository
from services.directory.importers import FeedError, read_feed
from services.storage import collector_paused
from services.models import DirectoryGroup, DirectorySource
from services.storage import Database
from services.sync import signing

if TYPE_CHECKING:
    from services.directory.catalogue import CatalogueService
    from services.sync.fetch import Fetcher, FetchLimits


def _fetch():
    """services.sync.fetch, imported on first use: it brings httpx, which the app's first
    screen (it imports this module for SourceError) should not wait for (issue #14)."""
    from services.sync import fetch

    return fetch

FEED_KIND = "feed"
CATALOGUE_NAME = "Catalogue of open directories"  # = services.directory.catalogue.SYNC_NAME
RESERVED_NAMES = {"bundled", CATALOGUE_NAME.lower()}
AUTO_SYNC_INTERVAL = timedelta(hours=1)  # at start, a source checked more recently is left alone
MAX_NAME = 120

# Stages reported to a progress callback, in order.
STAGES = ("checking", "verifying", "reading", "saving", "done")


class SourceError(Exception):
    """A source could not be added, found or changed. The message is for people."""


@dataclass(frozen=True)
class SourceStatus:
    name: str
    url: str
    format: str | None  # as detected at the last successful sync
    publisher: str | None
    public_key: str | None  # pinned key (base64 text), None when unverified
    key_fingerprint: str | None
    timezone: str | None
    paused: bool
    group_count: int
    created_at: datetime
    last_checked_at: datetime | None
    last_success_at: datetime | None  # when the groups were last replaced or confirmed unchanged
    last_updated_at: datetime | None  # when the groups were last replaced
    last_error: str | None  # the last check's failure, in plain words; None when it went well
    etag: str | None
    last_modified: str | None
    feed_generated_at: datetime | None = None  # the held copy's own date (Kindred feeds)

    @property
    def verified(self) -> bool:
        return self.public_key is not None

    @property
    def trust_label(self) -> str:
        return "verified" if self.verified else "unverified"

    def as_json(self) -> dict:
        def iso(moment):
            return moment.isoformat() if moment else None

        return {
            "name": self.name,
            "url": self.url,
            "format": self.format,
            "publisher": self.publisher,
            "verified": self.verified,
            "key_fingerprint": self.key_fingerprint,
            "timezone": self.timezone,
            "paused": self.paused,
            "group_count": self.group_count,
            "created_at": iso(self.created_at),
            "last_checked_at": iso(self.last_checked_at),
            "last_success_at": iso(self.last_success_at),
            "last_updated_at": iso(self.last_updated_at),
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class SyncOutcome:
    name: str
    status: str  # updated | unchanged | failed | paused
    message: str  # one plain sentence
    groups: int = 0  # groups of the source after the sync
    previous: int = 0  # groups before an update
    skipped: int = 0  # records the importer skipped (reported, not fatal)
    verified: bool = False

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass(frozen=True)
class SyncProgress:
    index: int  # 0-based position of this source in the run
    total: int
    name: str
    stage: str  # one of STAGES


class _Failed(Exception):
    def __init__(self, message: Message | str):
        super().__init__(message)
        self.message = message


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps no offset; we write UTC


def _fingerprint(public_key: str | None) -> str | None:
    if not public_key:
        return None
    try:
        return signing.fingerprint(public_key)
    except signing.SigningError:  # a stored key this build cannot read
        return "(cannot be shown here)"


def check_zone(name: str | None) -> str | None:
    name = (name or "").strip() or None
    if name is None:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SourceError(
            _("“{name}” is not a time zone Kindred knows. Use an IANA name such as America/Chicago or "
              "Europe/London.").format(name=name)
        ) from None
    return name


def default_name(url: str) -> str:
    parsed = urlsplit(url)
    host = (parsed.hostname or "feed").removeprefix("www.")
    stem = PurePosixPath(parsed.path).stem
    return f"{host} {stem}".strip() if stem and stem not in ("index", "feed", "groups", "meetings") else host


def _feed_suffix(url: str, content_type: str | None) -> str:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    if suffix in (".json", ".csv", ".zip"):
        return suffix
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        return ".csv"
    if kind in ("application/zip", "application/x-zip-compressed"):
        return ".zip"
    return ".json"


class SyncService:
    """Sources and sync over the directory database. One per process; thread-safe."""

    def __init__(
        self,
        db: Database,
        limits: FetchLimits | None = None,  # None: services.sync.fetch.DEFAULT_LIMITS
        *,
        fetcher_factory: Callable[[FetchLimits], Fetcher] | None = None,
        work_dir: Path | None = None,
        catalogue: CatalogueService | None = None,
    ):
        """``catalogue``: when given, a sync of every source also updates the catalogue of open
        directories from its address (when one is set), through the same fetcher."""
        self.db = db
        self.catalogue = catalogue
        self.limits = limits if limits is not None else _fetch().DEFAULT_LIMITS
        self._fetcher_factory = fetcher_factory or (lambda lim: _fetch().Fetcher(lim))
        self._work_dir = work_dir or db.path.parent
        self._lock = threading.Lock()  # one sync at a time in this process
        # Called inside the apply transaction after the groups were written and before the
        # commit; tests use it to kill the process at the worst moment.
        self.before_commit: Callable[[], None] | None = None

    # --- sources -------------------------------------------------------------------

    @staticmethod
    def can_verify_signatures() -> bool:
        """Whether a publisher's key can be checked here (natively and, with @noble/curves, in the browser)."""
        return signing.available()

    def list_sources(self) -> list[SourceStatus]:
        with self.db.transaction() as session:
            rows = session.scalars(
                select(DirectorySource).where(DirectorySource.kind == FEED_KIND).order_by(DirectorySource.name)
            ).all()
            return [self._status(row) for row in rows]

    def get_source(self, name: str) -> SourceStatus:
        with self.db.transaction() as session:
            row = session.scalar(
                select(DirectorySource).where(DirectorySource.name == name, DirectorySource.kind == FEED_KIND)
            )
            if row is not None:
                return self._status(row)
        names = [s.name for s in self.list_sources()]
        hint = f" The sources are: {', '.join(names)}." if names else " There are no sources yet."
        raise SourceError(_("There is no source called “{name}”.{hint}").format(name=name, hint=hint))

    def add_source(
        self,
        url: str,
        *,
        public_key: str | None = None,
        timezone: str | None = None,
        name: str | None = None,
        now: datetime | None = None,
    ) -> SourceStatus:
        """Add a source (nothing is downloaded yet; sync it next)."""
        try:
            url = _fetch().normalise_url(url)
        except _fetch().FetchError as error:
            raise SourceError(error.message) from None
        key_text = None
        if public_key and public_key.strip():
            try:
                key_text = signing.public_key_text(signing.parse_public_key(public_key))
            except signing.SigningError as error:
                raise SourceError(_("The publisher key is not usable: {error}").format(error=error)) from None
        zone = check_zone(timezone)
        name = re.sub(r"\s+", " ", (name or default_name(url))).strip()
        if not name:
            raise SourceError(N_("Give the source a name."))
        if len(name) > MAX_NAME:
            raise SourceError(_("A source name can be at most {n} characters.").format(n=MAX_NAME))
        if "/" in name:
            raise SourceError(N_("A source name cannot contain \u201c/\u201d."))
        if name.lower() in RESERVED_NAMES:
            raise SourceError(_("The name “{name}” is kept for the directory that comes with Kindred; choose another.").format(name=name))
        now = now or datetime.now(UTC)
        with self.db.transaction() as session:
            if session.scalar(select(DirectorySource.id).where(DirectorySource.name == name)) is not None:
                raise SourceError(_("There is already a source called “{name}”. Choose another name with --name.").format(name=name))
            same_url = session.scalar(
                select(DirectorySource.name).where(DirectorySource.kind == FEED_KIND, DirectorySource.location == url)
            )
            if same_url is not None:
                raise SourceError(_("This address is already a source, called “{same_url}”.").format(same_url=same_url))
            session.add(
                DirectorySource(
                    name=name, kind=FEED_KIND, location=url, created_at=now, public_key=key_text, timezone=zone, paused=False
                )
            )
        return self.get_source(name)

    def remove_source(self, name: str) -> int:
        """Remove a source and its groups (one transaction). Returns how many groups went.

        Only the public directory is touched; saved groups are private and stay, shown as
        "no longer listed"."""
        with self._lock, self.db.transaction() as session:
            source = self._feed_row(session, name)
            removed = session.scalar(
                select(func.count()).select_from(DirectoryGroup).where(DirectoryGroup.source_id == source.id)
            ) or 0
            session.execute(delete(DirectoryGroup).where(DirectoryGroup.source_id == source.id))
            session.execute(delete(DirectorySource).where(DirectorySource.id == source.id))
        return removed

    def set_paused(self, name: str, paused: bool) -> SourceStatus:
        with self.db.transaction() as session:
            source = self._feed_row(session, name)
            source.paused = paused
        return self.get_source(name)

    # --- sync ----------------------------------------------------------------------

    def sources_due(self, now: datetime | None = None, interval: timedelta = AUTO_SYNC_INTERVAL) -> list[str]:
        """Sources worth checking at start: not paused, not checked within ``interval``; and the
        catalogue (named ``CATALOGUE_NAME``) when it has an address and was not checked within it."""
        now = now or datetime.now(UTC)
        due = [
            s.name
            for s in self.list_sources()
            if not s.paused and (s.last_checked_at is None or now - s.last_checked_at >= interval)
        ]
        if self._catalogue_due(now, interval):
            due.append(CATALOGUE_NAME)
        return due

    def _catalogue_due(self, now: datetime, interval: timedelta = AUTO_SYNC_INTERVAL) -> bool:
        try:
            return self.catalogue is not None and self.catalogue.sync_due(now, interval)
        except Exception:  # noqa: BLE001 - the catalogue's address unreadable: the sources still sync
            return False

    def has_catalogue_source(self) -> bool:
        """Whether a sync of everything also fetches the catalogue (it has an address)."""
        try:
            return self.catalogue is not None and self.catalogue.source().url is not None
        except Exception:  # noqa: BLE001
            return False

    def sync(
        self,
        names: list[str] | None = None,
        *,
        due_only: bool = False,
        progress: Callable[[SyncProgress], None] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> list[SyncOutcome]:
        """Sync the named sources (default: every source). One failure never stops the others.

        ``due_only`` (the automatic sync at start) leaves out paused sources and those checked
        within the last hour; it is decided under the lock, so several windows opening at
        once check each source once.

        The catalogue of open directories is fetched last, when it has an address and
        ``names`` is None or names it (``CATALOGUE_NAME``); its outcome is named so."""
        clock = now or (lambda: datetime.now(UTC))
        if names is not None:
            known = {s.name for s in self.list_sources()} | {CATALOGUE_NAME}
            for name in names:
                if name not in known:
                    self.get_source(name)  # raises, listing the names there are
        outcomes = []
        with self._lock:
            self._remove_stale_work_folders()
            sources = self.list_sources()
            if names is not None:
                sources = [s for s in sources if s.name in set(names)]
            with_catalogue = (names is None or CATALOGUE_NAME in names) and self.has_catalogue_source()
            if due_only:
                due = set(self.sources_due(clock()))
                sources = [s for s in sources if s.name in due]
                with_catalogue = with_catalogue and CATALOGUE_NAME in due
            if not sources and not with_catalogue:
                return []
            total = len(sources) + (1 if with_catalogue else 0)
            with self._fetcher_factory(self.limits) as fetcher:
                for index, source in enumerate(sources):

                    def report(stage: str, index=index, name=source.name) -> None:
                        if progress is not None:
                            progress(SyncProgress(index, total, name, stage))

                    if source.paused:
                        outcomes.append(SyncOutcome(source.name, "paused", Message(N_("Paused: not checked.")),
                                                    groups=source.group_count, verified=source.verified))
                    else:
                        outcomes.append(self._sync_one_safely(fetcher, source, report, clock))
                    report("done")
                if with_catalogue:
                    outcomes.append(self._sync_catalogue(fetcher, total, progress, clock))
        return outcomes

    def _sync_catalogue(self, fetcher: Fetcher, total: int, progress, clock) -> SyncOutcome:
        """The catalogue, through this sync's fetcher: its signature is checked against the
        pinned key, an older copy is refused, and a failure keeps the catalogue in use."""
        if progress is not None:
            progress(SyncProgress(total - 1, total, CATALOGUE_NAME, "checking"))
        try:
            result = self.catalogue.sync_from_source(fetcher, clock())
        except Exception as error:  # noqa: BLE001 - never stops the sync's report
            outcome = SyncOutcome(CATALOGUE_NAME, "failed",
                                  Message(N_("The catalogue update could not be completed ({error}). "
                                             "The catalogue in use is kept."), error=type(error).__name__))
        else:
            outcome = SyncOutcome(CATALOGUE_NAME, result.status, result.message, groups=result.entries,
                                  previous=result.entries, verified=result.status != "failed")
        if progress is not None:
            progress(SyncProgress(total - 1, total, CATALOGUE_NAME, "done"))
        return outcome

    def _sync_one_safely(self, fetcher: Fetcher, source: SourceStatus, report: Callable[[str], None], clock) -> SyncOutcome:
        """One source; whatever goes wrong becomes that source's recorded problem and the run goes on."""
        try:
            return self._sync_one(fetcher, source.name, report, clock)
        except Exception as error:  # noqa: BLE001 - one bad source must never stop the others
            return self._record_failure(
                source, Message(N_("The update could not be completed ({error})."), error=type(error).__name__), clock())

    def _sync_one(self, fetcher: Fetcher, name: str, report: Callable[[str], None], clock) -> SyncOutcome:
        source = self.get_source(name)
        report("checking")
        checked_at = clock()
        have_data = source.last_success_at is not None
        try:
            result = fetcher.fetch(
                source.url,
                etag=source.etag if have_data else None,
                last_modified=source.last_modified if have_data else None,
            )
        except _fetch().FetchError as error:
            return self._record_failure(source, error.message, checked_at)

        if result.not_modified:
            with self.db.transaction() as session:
                # Only the source's own status: the directory rows are not written at all.
                values = {"last_checked_at": checked_at, "last_success_at": checked_at}
                if source.last_error is not None:
                    values["last_error"] = None
                session.execute(update(DirectorySource).where(DirectorySource.name == name).values(**values))
            return SyncOutcome(name, "unchanged", Message(N_("Unchanged ({n} groups)."), n=source.group_count),
                               groups=source.group_count, previous=source.group_count, verified=source.verified)

        try:
            if source.public_key:
                report("verifying")
                self._verify(fetcher, source, result.body)
            report("reading")
            feed = self._read(source, result.body, result.final_url, result.content_type)
            self._refuse_rollback(source, feed)
            report("saving")
            previous = self._apply(source, feed, result.etag, result.last_modified, checked_at, clock())
        except _Failed as failure:
            return self._record_failure(source, failure.message, checked_at)
        skipped = feed.skipped.total
        if not skipped:
            message = Message(N_("Updated: {n} groups (was {previous})."), n=len(feed.groups), previous=previous)
        elif skipped == 1:
            message = Message(N_("Updated: {n} groups (was {previous}); 1 record skipped."), n=len(feed.groups), previous=previous)
        else:
            message = Message(N_("Updated: {n} groups (was {previous}); {skipped} records skipped."), n=len(feed.groups),
                              previous=previous, skipped=skipped)
        return SyncOutcome(name, "updated", message, groups=len(feed.groups), previous=previous, skipped=skipped,
                           verified=source.verified)

    def _verify(self, fetcher: Fetcher, source: SourceStatus, body: bytes) -> None:
        sig_url = source.url + signing.SIGNATURE_SUFFIX
        try:
            sig = fetcher.fetch(sig_url, max_bytes=signing.MAX_SIGNATURE_FILE)
        except _fetch().HTTPStatusError as error:
            if error.status in (404, 410):
                raise _Failed(Message(
                    N_("The update was refused: this source has a pinned publisher key, but the feed has no "
                       "signature ({file} was not found)."), file=PurePosixPath(urlsplit(sig_url).path).name,
                )) from None
            raise _Failed(Message(N_("The signature could not be downloaded: {reason}"), reason=error.message)) from None
        except _fetch().FetchError as error:
            raise _Failed(Message(N_("The signature could not be downloaded: {reason}"), reason=error.message)) from None
        try:
            signing.verify_bytes(source.public_key, body, sig.body or b"")
        except signing.BadSignature:
            raise _Failed(Message(
                N_("The update was refused: its signature does not match the publisher's key, so it may not "
                   "come from the publisher (or it was changed on the way).")
            )) from None
        except signing.SigningError as error:
            raise _Failed(Message(N_("The update was refused: {reason}"), reason=reason_of(error))) from None

    @staticmethod
    def _refuse_rollback(source: SourceStatus, feed) -> None:
        """A signature proves who published a copy, not that it is the latest: an older signed
        copy served again would bring back groups the publisher removed or corrected."""
        held, fresh = source.feed_generated_at, _utc(feed.generated_at)
        if source.public_key and held is not None and fresh is not None and fresh < held:
            raise _Failed(Message(
                N_("The update was refused: it is an older copy of this feed (made {fresh} UTC) "
                   "than the one you have (made {held} UTC), so it may be an old copy served "
                   "again. If the publisher really went back to an older list, remove the source and add it again."),
                fresh=f"{fresh:%Y-%m-%d %H:%M}", held=f"{held:%Y-%m-%d %H:%M}",
            ))

    def _read(self, source: SourceStatus, body: bytes, final_url: str, content_type: str | None):
        suffix = _feed_suffix(final_url, content_type)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePosixPath(urlsplit(final_url).path).stem or "feed")[:60] or "feed"
        self._work_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="sync-", dir=self._work_dir) as folder:
            path = Path(folder) / f"{stem}{suffix}"
            path.write_bytes(body)
            try:
                with collector_paused():  # a few hundred thousand objects that all stay alive
                    feed = read_feed(path, "auto", source.timezone)
            except FeedError as error:
                raise _Failed(Message(N_("The feed could not be read: {reason}."),
                                      reason=reason_of(error, full_stop=False))) from None
            except RecursionError:
                raise _Failed(Message(N_("The feed could not be read: it nests lists or objects too deeply."))) from None
            except Exception as error:  # noqa: BLE001 - an importer bug must not cost data either
                raise _Failed(Message(N_("The feed could not be read ({error})."), error=type(error).__name__)) from None
        if not feed.groups:
            reasons = "; ".join(f"{s.where}: {s.reason}" for s in feed.skipped[:3])
            raise _Failed(Message(N_("The feed has no usable groups ({reasons})."), reasons=reasons) if reasons
                          else Message(N_("The feed has no usable groups.")))
        return feed

    def _apply(self, source: SourceStatus, feed, etag, last_modified, checked_at: datetime, now: datetime) -> int:
        try:
            with collector_paused(), self.db.transaction() as session:
                row = self._feed_row(session, source.name)
                previous = repository.replace_source_groups(session, row, feed.groups, now)
                row.etag = etag
                row.last_modified = last_modified
                row.format = feed.format
                row.publisher = feed.publisher
                row.last_imported_at = now
                row.last_checked_at = checked_at
                row.last_success_at = now
                row.last_error = None
                row.group_count = len(feed.groups)
                row.feed_generated_at = _utc(feed.generated_at)
                session.flush()
                if self.before_commit is not None:
                    self.before_commit()
        except _Failed:
            raise
        except SourceError as error:
            raise _Failed(str(error)) from None
        except Exception as error:  # noqa: BLE001 - rolled back whole; say so
            raise _Failed(Message(N_("The update could not be saved ({error})."), error=type(error).__name__)) from error
        return previous

    def _record_failure(self, source: SourceStatus, problem: str, checked_at: datetime) -> SyncOutcome:
        # Every failure leaves the groups as they were; say so in the same breath. Stored as
        # the English template and its values (Message.stored), so that it is shown in the
        # language of whoever looks at it later.
        if not isinstance(problem, Message):
            problem = problem.rstrip()
        if source.last_success_at:
            message = Message(N_("{problem} The last good copy is kept."), problem=problem)
        else:
            message = Message(N_("{problem} Nothing was changed."), problem=problem)
        with self.db.transaction() as session:
            session.execute(
                update(DirectorySource)
                .where(DirectorySource.name == source.name)
                .values(last_checked_at=checked_at, last_error=message.stored())
            )
        return SyncOutcome(source.name, "failed", message, groups=source.group_count, previous=source.group_count,
                           verified=source.verified)

    # --- helpers ---------------------------------------------------------------------

    def _remove_stale_work_folders(self, older_than: float = 3600.0) -> None:
        """Downloads are read from a temporary folder; a killed sync leaves its folder behind.
        Remove those older than an hour (a younger one may be another process's, in use)."""
        cutoff = time.time() - older_than
        try:
            leftovers = [p for p in self._work_dir.glob("sync-*") if p.is_dir() and p.stat().st_mtime < cutoff]
        except OSError:
            return
        for folder in leftovers:
            shutil.rmtree(folder, ignore_errors=True)

    def _feed_row(self, session, name: str) -> DirectorySource:
        row = session.scalar(select(DirectorySource).where(DirectorySource.name == name, DirectorySource.kind == FEED_KIND))
        if row is None:
            raise SourceError(_("There is no source called “{name}”.").format(name=name))
        return row

    @staticmethod
    def _status(row: DirectorySource) -> SourceStatus:
        return SourceStatus(
            name=row.name,
            url=row.location or "",
            format=row.format,
            publisher=row.publisher,
            public_key=row.public_key,
            key_fingerprint=_fingerprint(row.public_key),
            timezone=row.timezone,
            paused=bool(row.paused),
            group_count=row.group_count or 0,  # kept in the same transaction as the groups
            created_at=_utc(row.created_at),
            last_checked_at=_utc(row.last_checked_at),
            last_success_at=_utc(row.last_success_at),
            last_updated_at=_utc(row.last_imported_at),
            last_error=Message.from_stored(row.last_error),  # a Message, or text stored before there were
            etag=row.etag,
            last_modified=row.last_modified,
            feed_generated_at=_utc(row.feed_generated_at),
        )
