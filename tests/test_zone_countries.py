"""assets/zone_countries.json (the country most people in a time zone live in, read at every
search) is exactly what tools/build_zone_countries.py makes from the installed city list."""

from __future__ import annotations

from services.directory.places import _geonames, country_for_zone
from tools.build_zone_countries import OUT, build, render


def test_the_bundled_table_matches_the_city_list():
    assert OUT.read_text(encoding="utf-8") == render(build()), "run: uv run python -m tools.build_zone_countries"


def test_country_for_zone_is_the_most_populous_country_among_the_zones_cities():
    cities = _geonames()[0]
    for zone in ("America/Chicago", "Europe/London", "Australia/Sydney", "America/Toronto", "Asia/Kolkata"):
        counts: dict[str, int] = {}
        for city in cities:
            if city["timezone"] == zone:
                counts[city["countrycode"]] = counts.get(city["countrycode"], 0) + city["population"]
        assert country_for_zone(zone) == max(counts, key=counts.get)
    assert country_for_zone("Nowhere/Special") is None
    assert country_for_zone(None) is None
