"""The catalogue of open directories: real public feeds (Meeting Guide JSON of intergroups,
BMLT root servers, …) that Kindred can suggest, offline, for the person's place.

The catalogue is itself a signed feed: ``assets/catalogue.json`` with a detached Ed25519
signature ``assets/catalogue.json.sig`` by the key in ``assets/catalogue.pub``. An update
(``update_from``) downloads a newer copy and its signature, verifies both against that
pinned key, checks the schema, and keeps it in the data folder; a copy that fails any check
is refused and the one in use stays. Every entry names its evidence and the date it was
seen; these are community-run directories that Kindred does not check.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.directory import places
from services.paths import ASSETS_DIR
from services.sync import signing

BUNDLED_CATALOGUE = ASSETS_DIR / "catalogue.json"
CATALOGUE_KEY_FILE = ASSETS_DIR / "catalogue.pub"
SCHEMA_FILE = Path(__file__).resolve().parent / "catalogue.schema.json"
UPDATED_FOLDER = "catalogue"
MAX_CATALOGUE_BYTES = 4 * 1024 * 1024
COMMUNITY_NOTICE = "Community-run directories that Kindred does not check."


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


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def parse_catalogue(data: bytes, origin: str) -> Catalogue:
    """Read and check a catalogue document (bytes as signed). Raises CatalogueError."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogueError(f"the catalogue is not valid JSON ({error})") from None
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise CatalogueError(f"the catalogue is not valid: at {where}: {first.message}")
    names = [entry["name"].casefold() for entry in document["entries"]]
    if len(names) != len(set(names)):
        raise CatalogueError("the catalogue names an entry twice")
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

    def __init__(self, data_dir: Path | None = None, *, bundled: Path = BUNDLED_CATALOGUE,
                 public_key: str | None = None):
        self.data_dir = Path(data_dir) if data_dir else None
        self.bundled = Path(bundled)
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
            signing.verify_bytes(self.public_key(), data, sig_path.read_bytes())
        except FileNotFoundError:
            raise CatalogueError(f"{path.name} has no signature ({sig_path.name})") from None
        except signing.BadSignature:
            raise CatalogueError(f"{path.name} is not signed by Kindred's catalogue key") from None
        except signing.SigningError:
            if origin != "bundled":
                raise CatalogueError("signatures cannot be checked in this version of Kindred") from None
            # The browser build has no Ed25519; the bundled copy ships inside the app itself.
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
        try:
            signing.verify_bytes(self.public_key(), body, sig)
        except signing.BadSignature:
            raise CatalogueError("the downloaded catalogue is not signed by Kindred's catalogue key; it was not used") from None
        except signing.SigningError as error:
            raise CatalogueError(f"the downloaded catalogue's signature cannot be checked: {error}") from None
        fresh = parse_catalogue(body, "updated")
        current = self.load()
        if fresh.generated_at < current.generated_at:
            raise CatalogueError(
                f"the downloaded catalogue ({fresh.generated_at}) is older than the one in use ({current.generated_at}); kept ours")
        folder = self.data_dir / UPDATED_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "catalogue.json"
        # Signature first, then the feed, each by rename: a crash leaves either the old pair or a
        # pair that fails verification (and is then ignored), never a half-written file in use.
        for path, data in ((signing.signature_path(target), sig), (target, body)):
            part = path.with_name(path.name + ".part")
            part.write_bytes(data)
            os.replace(part, path)
        self._cached = None
        return self.load()
