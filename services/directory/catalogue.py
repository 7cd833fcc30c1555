"""The catalogue of open directories: real public feeds (Meeting Guide JSON of intergroups,
BMLT root servers, …) that Kindred can suggest, offline, for the person's place.

The catalogue is itself a signed feed: ``assets/catalogue.json`` with a detached Ed25519
signature ``assets/catalogue.json.sig`` by the key in ``assets/catalogue.pub``. An update
(``update_from``) downloads a newer copy and its signature, verifies both against that
pinned key, checks the schema, and keeps it in the data folder; a copy that fails any check
is refused and the one in use stays. Every entry names its evidence and the date it was
seen; these are community-run directories that Kindred does not check.

The catalogue's own address (``source_url``, kept in the data folder's ``catalogue/source.json``)
makes it part of the ordinary directory sync: ``SyncService.sync`` calls ``sync_from_source``
after the sources, through the same fetcher (in the browser, ``services.platform.fetch_bytes``).
There is no published catalogue host yet, so ``DEFAULT_SOURCE_URL`` is None and nothing is
fetched until an address is set (``kindred directory catalogue --source URL`` or Settings →
Directory sources).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from services.directory import places
from services.i18n import N_, Message, reason_of
from services.paths import ASSETS_DIR
from services.sync import signing

BUNDLED_CATALOGUE = ASSETS_DIR / "catalogue.json"
CATALOGUE_KEY_FILE = ASSETS_DIR / "catalogue.pub"
SCHEMA_FILE = Path(__file__).resolve().parent / "catalogue.schema.json"
UPDATED_FOLDER = "catalogue"
SOURCE_FILE = "source.json"
MAX_CATALOGUE_BYTES = 4 * 1024 * 1024
COMMUNITY_NOTICE = "Community-run directories that Kindred does not check."
# Where Kindred's maintainers publish the signed catalogue. None: there is no published host yet
# (docs/catalogue.md), so a sync fetches a catalogue only once an address has been set.
DEFAULT_SOURCE_URL: str | None = None
SYNC_NAME = "Catalogue of open directories"  # how a sync's outcome names the catalogue
SYNC_INTERVAL = timedelta(hours=1)  # the automatic check at start leaves a fresher check alone


class CatalogueError(Exception):
    """A catalogue that cannot be used, or an entry that does not exist; worded for people."""


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    url: str
    format: str
    region: str
    covers: dict
    last_checked: str
    evidence: str
    evidence_url: str
    programme: str | None = None
    terms: str | None = None
    notes: str | None = None

    def as_json(self) -> dict:
        return {"name": self.name, "url": self.url, "format": self.format, "region": self.region,
                "covers": self.covers, "last_checked": self.last_checked, "evidence": self.evidence,
                "evidence_url": self.evidence_url, "programme": self.programme, "terms": self.terms, "notes": self.notes}


@dataclass(frozen=True)
class Suggestion:
    """An entry and how it relates to the place asked about."""

    entry: CatalogueEntry
    match: str  # "nearby" | "country" | "online" | "elsewhere"
    distance_km: float | None


@dataclass(frozen=True)
class Catalogue:
    generated_at: str
    notice: str
    entries: tuple[CatalogueEntry, ...]
    origin: str  # "bundled" or "updated"


@dataclass(frozen=True)
class CatalogueSource:
    """Where a sync fetches the catalogue from, and how the last fetch went."""

    url: str | None  # None: no address (nothing is fetched)
    is_default: bool  # the address is Kindred's published one, not one set on this device
    last_checked_at: datetime | None = None
    last_updated_at: datetime | None = None
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    def as_json(self) -> dict:
        def iso(moment):
            return moment.isoformat() if moment else None

        return {"url": self.url, "is_default": self.is_default, "last_checked_at": iso(self.last_checked_at),
                "last_updated_at": iso(self.last_updated_at), "last_error": self.last_error}


@dataclass(frozen=True)
class CatalogueSync:
    """One sync of the catalogue: ``status`` is updated | unchanged | failed."""

    status: str
    message: str  # one plain sentence (or two)
    entries: int = 0


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def parse_catalogue(data: bytes, origin: str) -> Catalogue:
    """Read and check a catalogue document (bytes as signed). Raises CatalogueError."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogueError(Message(N_("the catalogue is not valid JSON ({error})"), error=str(error))) from None
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        if first.validator == "pattern":
            raise CatalogueError(Message(N_("the catalogue is not valid: at {where}: it does not have the expected form"),
                                         where=where))
        # The schema checker's own words are technical English; the sentence around them is not.
        raise CatalogueError(Message(N_("the catalogue is not valid: at {where}: {detail}"), where=where, detail=first.message))
    names = [entry["name"].casefold() for entry in document["entries"]]
    if len(names) != len(set(names)):
        raise CatalogueError(Message(N_("the catalogue names an entry twice")))
    fields = CatalogueEntry.__dataclass_fields__
    entries = tuple(CatalogueEntry(**{k: v for k, v in raw.items() if k in fields}) for raw in document["entries"])
    return Catalogue(generated_at=document["generated_at"], notice=document["notice"], entries=entries, origin=origin)


def _covers(entry: CatalogueEntry, place: places.Place) -> tuple[str, float | None] | None:
    covers = entry.covers
    kind = covers["kind"]
    if kind == "area":
        lat, lon = covers["center"]
        distance = places.distance_km(place.latitude, place.longitude, lat, lon)
        return ("nearby", distance) if distance <= covers["radius_km"] else None
    if kind == "box":
        south, west, north, east = covers["box"]
        if south <= place.latitude <= north and west <= place.longitude <= east:
            # Distance to the box's middle orders a city's own directory before a neighbour's.
            return "nearby", places.distance_km(place.latitude, place.longitude, (south + north) / 2, (west + east) / 2)
        return None
    if kind == "countries":
        return ("country", None) if place.country in covers["countries"] else None
    if kind == "online":
        return "online", None
    return None


_MATCH_ORDER = {"nearby": 0, "country": 1, "online": 2, "elsewhere": 3}


class CatalogueService:
    """The catalogue in use (the newest verified copy) and suggestions from it. No network
    except in ``update_from``."""

    def __init__(self, data_dir: Path | None = None, *, bundled: Path | None = None,
                 public_key: str | None = None):
        """``bundled`` and ``public_key`` default to the app's own (``BUNDLED_CATALOGUE`` and
        ``CATALOGUE_KEY_FILE``, read when used: tests point both at a catalogue they signed)."""
        self.data_dir = Path(data_dir) if data_dir else None
        self.bundled = Path(bundled) if bundled is not None else BUNDLED_CATALOGUE
        self._public_key = public_key
        self._cached: Catalogue | None = None

    # --- reading -------------------------------------------------------------------
    def public_key(self) -> str:
        if self._public_key is None:
            self._public_key = CATALOGUE_KEY_FILE.read_text(encoding="utf-8").strip()
        return self._public_key

    def _updated_path(self) -> Path | None:
        return self.data_dir / UPDATED_FOLDER / "catalogue.json" if self.data_dir else None

    def _verified(self, path: Path, origin: str) -> Catalogue:
        data = path.read_bytes()
        sig_path = signing.signature_path(path)
        try:
            # Every build checks it (the browser build with the bundled @noble/curves).
            signing.verify_bytes(self.public_key(), data, sig_path.read_bytes())
        except FileNotFoundError:
            raise CatalogueError(f"{path.name} has no signature ({sig_path.name})") from None
        except signing.BadSignature:
            raise CatalogueError(f"{path.name} is not signed by Kindred's catalogue key") from None
        except signing.SigningError as error:
            raise CatalogueError(f"{path.name}'s signature cannot be checked: {error}") from None
        return parse_catalogue(data, origin)

    def load(self) -> Catalogue:
        """The updated copy when there is a verified one at least as new, else the bundled one."""
        if self._cached is not None:
            return self._cached
        catalogue = self._verified(self.bundled, "bundled")
        updated = self._updated_path()
        if updated is not None and updated.exists():
            try:
                newer = self._verified(updated, "updated")
            except (CatalogueError, OSError):
                newer = None  # a damaged copy never replaces a good one
            if newer is not None and newer.generated_at >= catalogue.generated_at:
                catalogue = newer
        self._cached = catalogue
        return catalogue

    def entry(self, name: str) -> CatalogueEntry:
        wanted = " ".join(name.split()).casefold()
        catalogue = self.load()
        for entry in catalogue.entries:
            if entry.name.casefold() == wanted:
                return entry
        close = [e.name for e in catalogue.entries if wanted and wanted in e.name.casefold()]
        hint = f" Did you mean: {', '.join(close[:5])}?" if close else " See `kindred directory catalogue`."
        raise CatalogueError(f"the catalogue has no directory called \u201c{name}\u201d.{hint}")

    def suggestions(self, near: places.Place | None = None, *, include_elsewhere: bool = True) -> list[Suggestion]:
        """Entries covering ``near`` first (nearby, then country-wide, then online), then,
        with ``include_elsewhere``, the rest by name. Offline: coverage is in the catalogue."""
        entries = self.load().entries
        if near is None:
            return [Suggestion(e, "elsewhere", None) for e in sorted(entries, key=lambda e: e.name.casefold())]
        found = []
        for entry in entries:
            covered = _covers(entry, near)
            if covered is not None:
                found.append(Suggestion(entry, covered[0], covered[1]))
            elif include_elsewhere:
                found.append(Suggestion(entry, "elsewhere", None))
        found.sort(key=lambda s: (_MATCH_ORDER[s.match], s.distance_km if s.distance_km is not None else 0.0,
                                  s.entry.name.casefold()))
        return found

    def subscribe(self, name: str, sync, source_name: str | None = None):
        """Add the entry called ``name`` as a directory source (``sync`` is the SyncService);
        nothing is downloaded until the next sync. Raises CatalogueError or SourceError."""
        entry = self.entry(name)
        return sync.add_source(entry.url, name=source_name or entry.name)

    # --- updating ------------------------------------------------------------------
    def _take(self, body: bytes, sig: bytes) -> tuple[Catalogue, bool]:
        """Keep a downloaded catalogue when it verifies against the pinned key, passes the
        schema and is not older than the one in use. Returns (catalogue in use, whether it
        changed). Raises CatalogueError, worded for people; the catalogue in use stays."""
        if self.data_dir is None:
            raise CatalogueError(Message(N_("no data folder to keep an updated catalogue in")))
        try:
            signing.verify_bytes(self.public_key(), body, sig)  # in every build, the browser's too
        except signing.BadSignature:
            raise CatalogueError(Message(N_("the downloaded catalogue is not signed by Kindred's catalogue key; "
                                         "it was not used"))) from None
        except signing.SigningError as error:
            raise CatalogueError(Message(N_("the downloaded catalogue's signature cannot be checked: {error}"),
                                         error=reason_of(error, full_stop=False))) from None
        fresh = parse_catalogue(body, "updated")
        current = self.load()
        if fresh.generated_at < current.generated_at:
            raise CatalogueError(Message(
                N_("the downloaded catalogue ({fresh}) is older than the one in use ({current}), so it may be an old "
                   "copy served again; kept ours"), fresh=str(fresh.generated_at), current=str(current.generated_at)))
        folder = self.data_dir / UPDATED_FOLDER
        target = folder / "catalogue.json"
        if current.origin == "bundled" and _read_or_none(self.bundled) == body:
            return current, False  # the catalogue that came with the app, served as it is
        if (current.origin == "updated" and _read_or_none(target) == body
                and _read_or_none(signing.signature_path(target)) == sig):
            return current, False  # the copy already kept, signature and all
        folder.mkdir(parents=True, exist_ok=True)
        # Signature first, then the feed, each by rename: a crash leaves either the old pair or a
        # pair that fails verification (and is then ignored), never a half-written file in use.
        for path, data in ((signing.signature_path(target), sig), (target, body)):
            _write_replacing(path, data)
        self._cached = None
        loaded = self.load()
        return loaded, loaded.origin == "updated"  # new bytes now in use (a same-day correction too)

    def update_from(self, url: str, fetcher=None) -> Catalogue:
        """Download a catalogue and its ``.sig``; keep it when it verifies against the pinned
        key, passes the schema and is not older than the one in use. Raises CatalogueError."""
        from services.sync.fetch import FetchError, FetchLimits, Fetcher

        if self.data_dir is None:
            raise CatalogueError("no data folder to keep an updated catalogue in")
        own = fetcher is None
        fetcher = fetcher or Fetcher(FetchLimits(max_bytes=MAX_CATALOGUE_BYTES, max_decoded_bytes=MAX_CATALOGUE_BYTES))
        try:
            body = fetcher.fetch(url, max_bytes=MAX_CATALOGUE_BYTES).body or b""
            sig = fetcher.fetch(url + signing.SIGNATURE_SUFFIX, max_bytes=signing.MAX_SIGNATURE_FILE).body or b""
        except FetchError as error:
            raise CatalogueError(f"the catalogue could not be downloaded: {error.message}") from None
        finally:
            if own:
                fetcher.close()
        return self._take(body, sig)[0]

    # --- the catalogue's address, for the ordinary sync --------------------------------
    def _source_path(self) -> Path | None:
        return self.data_dir / UPDATED_FOLDER / SOURCE_FILE if self.data_dir else None

    def _source_record(self) -> dict:
        path = self._source_path()
        try:
            record = json.loads(path.read_text(encoding="utf-8")) if path else {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            record = {}  # missing or damaged: as if never set
        return record if isinstance(record, dict) else {}

    def _save_source_record(self, record: dict) -> None:
        path = self._source_path()
        if path is None:
            raise CatalogueError("no data folder to keep the catalogue's address in")
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_replacing(path, json.dumps(record, indent=1, sort_keys=True).encode("utf-8"))

    def source(self) -> CatalogueSource:
        """The address a sync fetches the catalogue from (this device's, else Kindred's
        published one — none yet) and how its last fetch went."""
        record = self._source_record()
        own = record.get("url") if isinstance(record.get("url"), str) else None
        url = own or DEFAULT_SOURCE_URL
        return CatalogueSource(
            url=url, is_default=own is None and url is not None,
            last_checked_at=_moment(record.get("last_checked_at")), last_updated_at=_moment(record.get("last_updated_at")),
            last_error=Message.from_stored(record.get("last_error")) if isinstance(record.get("last_error"), str) else None,
            etag=record.get("etag") if isinstance(record.get("etag"), str) else None,
            last_modified=record.get("last_modified") if isinstance(record.get("last_modified"), str) else None,
        )

    def set_source(self, url: str | None) -> CatalogueSource:
        """Set the catalogue's address (checked like a source's); empty or None goes back to
        Kindred's published address (none yet). Nothing is downloaded until the next sync."""
        from services.sync.fetch import FetchError, normalise_url

        text = (url or "").strip()
        record: dict = {}
        if text:
            try:
                record["url"] = normalise_url(text)
            except FetchError as error:
                raise CatalogueError(error.message) from None
        self._save_source_record(record)  # a new address starts with no validators or problems
        return self.source()

    def sync_due(self, now: datetime | None = None, interval: timedelta = SYNC_INTERVAL) -> bool:
        """Whether the automatic check at start should fetch the catalogue."""
        source = self.source()
        if source.url is None:
            return False
        now = now or datetime.now(UTC)
        return source.last_checked_at is None or now - source.last_checked_at >= interval

    def sync_from_source(self, fetcher, now: datetime | None = None) -> CatalogueSync:
        """Fetch the catalogue from its address with ``fetcher`` (the sync's own; a conditional
        GET), keep it when ``_take`` accepts it, and record how it went. Never raises for a
        bad download: the catalogue in use stays and the outcome says why."""
        from services.sync.fetch import FetchError

        source = self.source()
        checked = now or datetime.now(UTC)
        record = self._source_record()
        record["last_checked_at"] = checked.isoformat()
        if source.url is None:
            return CatalogueSync("unchanged", Message(N_("No address to update the catalogue from.")), len(self.load().entries))
        try:
            have = self._updated_path() is not None and self._updated_path().exists()
            result = fetcher.fetch(source.url, etag=source.etag if have else None,
                                   last_modified=source.last_modified if have else None, max_bytes=MAX_CATALOGUE_BYTES)
            if result.not_modified:
                current = self.load()
                record.pop("last_error", None)
                self._save_source_record(record)
                return CatalogueSync("unchanged", Message(N_("Unchanged ({n} directories, catalogue of {date})."),
                                                          n=len(current.entries), date=str(current.generated_at)),
                                     len(current.entries))
            sig = fetcher.fetch(source.url + signing.SIGNATURE_SUFFIX, max_bytes=signing.MAX_SIGNATURE_FILE)
            catalogue, changed = self._take(result.body or b"", sig.body or b"")
        except FetchError as error:
            return self._sync_failed(record, Message(N_("The catalogue could not be downloaded: {reason}"), reason=error.message))
        except CatalogueError as error:
            return self._sync_failed(record, Message(N_("The catalogue update was refused: {reason}."),
                                                    reason=reason_of(error, full_stop=False)))
        except Exception as error:  # noqa: BLE001 - an unexpected problem must not stop the sync
            return self._sync_failed(record, Message(N_("The catalogue update could not be completed ({error})."),
                                                    error=type(error).__name__))
        record.pop("last_error", None)
        record["etag"], record["last_modified"] = result.etag, result.last_modified
        if changed:
            record["last_updated_at"] = checked.isoformat()
        self._save_source_record({k: v for k, v in record.items() if v is not None})
        count = len(catalogue.entries)
        if changed:
            return CatalogueSync("updated", Message(N_("Updated: {n} directories (catalogue of {date})."), n=count,
                                                    date=str(catalogue.generated_at)), count)
        return CatalogueSync("unchanged", Message(N_("Unchanged ({n} directories, catalogue of {date})."), n=count,
                                                  date=str(catalogue.generated_at)), count)

    def _sync_failed(self, record: dict, problem: Message) -> CatalogueSync:
        # Kept as its English wording and values (shown in the language of whoever looks).
        message = Message(N_("{problem} The catalogue in use is kept."), problem=problem)
        record["last_error"] = message.stored()
        try:
            self._save_source_record(record)
        except (OSError, CatalogueError):
            pass  # the outcome still says what happened
        try:
            count = len(self.load().entries)
        except CatalogueError:
            count = 0
        return CatalogueSync("failed", message, count)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write_replacing(path: Path, data: bytes) -> None:
    """Write by rename (never a half-written file in place), then let the browser build keep it."""
    from services import platform

    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
    platform.schedule_persist()  # the browser's data folder is written back to IndexedDB
