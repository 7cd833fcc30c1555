"""nearest_city (made faster for imports, issue #14) picks exactly the city the plain scan over
the 5 × 5 one-degree cells around a point picks, ties included."""

from __future__ import annotations

import math
import random

from services.directory import places


def plain_nearest(lat: float, lon: float, radius_km: float = places.ZONE_RADIUS_KM):
    scale = math.cos(math.radians(lat)) ** 2
    best, best_score = None, math.inf
    grid = places._grid()
    for dlat in range(-2, 3):
        for dlon in range(-2, 3):
            for city in grid.get((math.floor(lat) + dlat, (math.floor(lon) + dlon + 180) % 360 - 180), ()):
                dy = city["latitude"] - lat
                dx = (city["longitude"] - lon + 180) % 360 - 180
                score = dy * dy + dx * dx * scale
                if score < best_score:
                    best, best_score = city, score
    if best is None or places.distance_km(lat, lon, best["latitude"], best["longitude"]) > radius_km:
        return None
    return best


def test_the_same_city_as_the_plain_scan():
    rng = random.Random(14)
    cities = places._geonames()[0]
    points = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(400)]
    # Near real cities (dense areas), exactly on them (ties of distance 0) and across the antimeridian.
    for city in rng.sample(cities, 400):
        points.append((city["latitude"] + rng.uniform(-0.3, 0.3), city["longitude"] + rng.uniform(-0.3, 0.3)))
        points.append((city["latitude"], city["longitude"]))
    points += [(-17.7, 179.9), (-17.7, -179.9), (65.0, -180.0), (51.5, -0.1)]
    for lat, lon in points:
        assert places.nearest_city(lat, lon) is plain_nearest(lat, lon), (lat, lon)


def plain_nearest_in(lat, lon, country, admin1, radius_km: float = places.ZONE_RADIUS_KM):
    """nearest_city_in as it was: every city of the country (and state) in the 5 × 5 cells,
    by great-circle distance, the last of equals kept."""
    best, best_km = None, radius_km
    for city_lat, city_lon, city in places._around_in(math.floor(lat), math.floor(lon), country, admin1):
        km = places.distance_km(lat, lon, city_lat, city_lon)
        if km <= best_km:
            best, best_km = city, km
    return best


def test_the_same_city_in_a_country_as_the_plain_scan():
    rng = random.Random(15)
    cities = places._geonames()[0]
    cases = []
    for city in rng.sample(cities, 600):
        for lat, lon in ((city["latitude"] + rng.uniform(-0.5, 0.5), city["longitude"] + rng.uniform(-0.5, 0.5)),
                         (city["latitude"], city["longitude"]), (city["latitude"] + rng.uniform(-2, 2), city["longitude"])):
            cases.append((lat, lon, city["countrycode"], city["admin1code"]))
            cases.append((lat, lon, city["countrycode"], None))
            cases.append((lat, lon, "US", rng.choice(["NY", "TX", "CA", None])))
    # exactly on cities (distance 0), in dense and empty places, across the antimeridian
    for lat, lon, country, admin1 in cases + [(40.5, -74.0, "US", None), (-17.7, 179.9, "FJ", None)]:
        if not places.valid_coordinates(lat, lon) or places.placeholder_coordinates(lat, lon):
            continue
        assert places.nearest_city_in(lat, lon, country, admin1) is plain_nearest_in(lat, lon, country, admin1), (lat, lon, country, admin1)
