"""Offline places, the bundled directory and the "where else to look" list."""

import json
from pathlib import Path

import pytest

from services.app import open_services
from services.directory.places import PlaceNotFound, address_parts, city_in_region, distance_km, geocode, km_to_miles, region_of, timezone_at, zip_in_region
from services.directory.search import SearchQuery
from services.directory.service import BUNDLED_FILE, BUNDLED_SOURCE, local_zone_name


def test_us_zip_codes_and_world_cities():
    zip_place = geocode("10001")
    assert zip_place.kind == "zip" and zip_place.timezone == "America/New_York"
    assert abs(zip_place.latitude - 40.75) < 0.05
    assert geocode("Portland, OR").timezone == "America/Los_Angeles"
    assert geocode("Portland, Maine").timezone == "America/New_York"
    assert geocode("Zürich").country == "CH" and geocode("zurich").country == "CH"
    assert geocode("München").name.startswith("Munich")
    assert geocode("Sydney").timezone == "Australia/Sydney"


def test_unknown_places_say_what_was_not_found():
    with pytest.raises(PlaceNotFound, match="no US ZIP code 00000"):
        geocode("00000")
    with pytest.raises(PlaceNotFound, match="postcodes other than US ZIP codes are not supported"):
        geocode("SW1A 1AA")
    with pytest.raises(PlaceNotFound, match="no place given"):
        geocode("  ")


def test_distances_in_km_and_miles():
    km = distance_km(51.5074, -0.1278, 48.8566, 2.3522)  # London – Paris
    assert 340 < km < 348
    assert 212 < km_to_miles(km) < 216


def test_time_zone_from_coordinates_and_addresses():
    assert timezone_at(53.48, -2.24) == "Europe/London"  # Manchester
    assert timezone_at(30.0, -40.0) is None  # mid-Atlantic: no city near, so no guess
    assert timezone_at(100, 101) is None
    edmonton = address_parts("8318 104 St, Edmonton, Alberta, T6E 4E8, Canada")
    assert city_in_region(edmonton["city"], *region_of(edmonton["region"], edmonton["country"])).timezone == "America/Edmonton"
    anytown = address_parts("123 Main St, Anytown, OK 12345, USA")
    assert zip_in_region(anytown["postal_code"], region_of(anytown["region"])[1]) is None  # ZIP 12345 is in New York state


def test_a_fresh_install_has_the_bundled_directory_once(data_dir):
    services = open_services(data_dir)
    try:
        first = {s.name: s for s in services.directory.sources()}[BUNDLED_SOURCE]
        assert first.group_count == len(json.loads(BUNDLED_FILE.read_text())["groups"]) >= 9
    finally:
        services.close()
    services = open_services(data_dir)
    try:
        again = {s.name: s for s in services.directory.sources()}[BUNDLED_SOURCE]
        assert again.last_imported_at == first.last_imported_at  # not re-imported on a later start
        assert services.directory.ensure_bundled() is False
        page = services.directory.search(SearchQuery(text="nami", timezone="UTC"))
        assert {r.name for r in page.results} == {"NAMI Connection Recovery Support Group", "NAMI Family Support Group"}
    finally:
        services.close()


def test_bundled_entries_are_honest(services):
    data = json.loads(BUNDLED_FILE.read_text())
    assert "not re-verified online" in data["publisher"]["note"].replace("NOT", "not")
    for entry in data["groups"]:
        assert entry["contact"]["website"].startswith("https://")
        assert entry["last_verified"]
        # No invented times or venues: every schedule says to see the organisation.
        assert [rule["kind"] for rule in entry["schedule"]] == ["varies"]
        assert "see the organisation's finder" in entry["schedule"][0]["note"]
        assert not entry["location"]
    for group in services.directory.all_groups(BUNDLED_SOURCE):
        details = services.directory.get_group(group.id, "UTC")
        assert details.next_meetings == ()


def test_where_else_to_look(services):
    us = services.directory.where_else_to_look("us")
    names = [w.name for w in us]
    assert names[0] == "NAMI HelpLine" and "211" in names and "FindTreatment.gov" in names
    assert "Mental Health America" in names and "Ask your health provider" in names
    gb = [w.name for w in services.directory.where_else_to_look("GB")]
    assert gb[0] == "Mind" and "NAMI HelpLine" not in gb and "Ask your health provider" in gb


def test_local_zone_name_from_tz_variable():
    assert local_zone_name({"TZ": "Europe/Dublin"}) == "Europe/Dublin"
    assert local_zone_name({"TZ": ":America/Denver"}) == "America/Denver"


def test_services_layer_has_no_ui_imports():
    for path in (Path(__file__).resolve().parents[1] / "services" / "directory").rglob("*.py"):
        assert "flet" not in path.read_text()
