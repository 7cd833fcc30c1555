"""The finder tells the truth on real row shapes (issue 12): places, how a group meets, time
zones, HSDS as 211s publish it, one card per group, the words people use, filters, the
clock, freshness, round trips. Feeds are in tests/data (see PROVENANCE.md)."""

import json
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cli import main as kindred
from services.directory import places
from services.directory.importers import FeedError, read_feed
from services.directory.search import SearchQuery
from services.directory.vocabulary import ATTENDANCE_LABELS, Attendance, infer_topics, tags_for_word
from services.group_text import correction_draft, freshness_text, times_text, where_text

DATA = Path(__file__).resolve().parent / "data"
PHILLY = DATA / "synthetic" / "philadelphia.json"
TEXAS = DATA / "synthetic" / "texas-zones.json"
HSDS_211 = DATA / "synthetic" / "hsds-211"
ILLINOIS = DATA / "hsds1" / "illinois-legal-aid"
MG = DATA / "meeting-guide"
NOW = datetime(2026, 12, 2, 15, tzinfo=UTC)


# ------------------------------------------------------------------ 1. places
@pytest.mark.parametrize(("typed", "shown"), [
    ("Philadelphia, PA", "Philadelphia, Pennsylvania, US"),
    ("Los Angeles, CA", "Los Angeles, California, US"),
    ("Chicago, IL", "Chicago, Illinois, US"),
    ("Boston, MA", "Boston, Massachusetts, US"),
    ("Philadelphia PA", "Philadelphia, Pennsylvania, US"),
    ("Springfield, Massachusetts", "Springfield, Massachusetts, US"),
    ("Springfield MA", "Springfield, Massachusetts, US"),
    ("Toronto, CA", "Toronto, Ontario, CA"),  # CA is Canada when California has no Toronto
    ("Cambridge, UK", "Cambridge, England, GB"),
    ("19103", "Philadelphia, Pennsylvania, US (ZIP 19103)"),
])
def test_city_state_forms_and_zip_codes_are_understood(typed, shown):
    assert places.geocode(typed).name == shown


def test_every_us_state_code_is_read_as_a_state_not_a_country():
    failures = []
    for code, info in places._geonames()[2].items():
        cities = [c for c in places._geonames()[0] if c["countrycode"] == "US" and c["admin1code"] == code]
        if not cities:
            continue
        biggest = max(cities, key=lambda c: c["population"])
        place = places.geocode(f"{biggest['name']}, {code}")
        if place.region != code:
            failures.append(code)
    assert failures == []


def test_an_ambiguous_name_lists_candidates_ranked_by_country_and_population():
    with pytest.raises(places.AmbiguousPlace) as found:
        places.geocode("Springfield", "US")
    names = [c.name for c in found.value.candidates]
    assert names[:2] == ["Springfield, Missouri, US", "Springfield, Massachusetts, US"]
    assert all(name.endswith(", US") for name in names)
    # a person in the US means the Californian Santa Ana and the Massachusetts Cambridge
    assert places.geocode("Santa Ana", "US").name == "Santa Ana, California, US"
    assert places.geocode("Cambridge", "US").name == "Cambridge, Massachusetts, US"
    assert places.geocode("Cambridge", "GB").name == "Cambridge, England, GB"


def test_cli_near_springfield_lists_candidates_and_exits_2(data_dir, capsys):
    assert kindred(["--data-dir", str(data_dir), "directory", "search", "--near", "Springfield", "--country", "US"]) == 2
    out = capsys.readouterr().out.splitlines()
    assert "Springfield, Massachusetts, US" in out and "Springfield, Missouri, US" in out
    assert kindred(["--data-dir", str(data_dir), "directory", "search", "--near", "Springfield, MA", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["near"]["place"] == "Springfield, Massachusetts, US"


# ------------------------------------------------------------------ 2. how a group meets
@pytest.fixture
def philly(services):
    report = services.directory.import_file(PHILLY, source="aaphilly", timezone="America/New_York", now=NOW)
    return services, report


def groups_by_name(services, source):
    return {g.record.name: g for g in services.directory.all_groups(source)}


def test_attendance_follows_the_meeting_guide_rules(philly):
    services, _ = philly
    found = groups_by_name(services, "aaphilly")
    # 22 differently named online meetings parked at City Hall: online, not hybrid
    parked = [g for g in found.values() if g.record.location.address and g.record.location.address.startswith("1400 John F")]
    assert len(parked) == 22 and {g.record.attendance for g in parked} == {"online"}
    assert found["Women's Step Group"].record.attendance == "in_person"
    # TC with a link: the venue is closed, the meeting runs online and is not "temporarily closed"
    assert (found["Germantown Hope"].record.attendance, found["Germantown Hope"].record.status) == ("online", "active")
    # TC and no link: temporarily closed
    assert found["Manayunk Men's Group"].record.status == "temporarily_closed"
    assert found["Phone Meditation Meeting"].record.attendance == "phone"
    assert found["Young People Online"].record.attendance == "ask"
    assert ATTENDANCE_LABELS[Attendance.ASK] == "Online — ask the group for the link"


def test_online_groups_never_get_a_distance_and_in_person_sort_by_it(philly):
    services, _ = philly
    near = places.geocode("Philadelphia, PA")
    page = services.directory.search(SearchQuery(near=near, sort="distance", limit=200), NOW)
    ours = [r for r in page.results if r.source == "aaphilly"]
    in_person = [r for r in ours if r.attendance in ("in_person", "hybrid") and r.distance_km is not None]
    assert [r.distance_km for r in in_person] == sorted(r.distance_km for r in in_person)
    assert in_person[0].name != "Morning Reflections"  # no parked online meeting "0.1 km away"
    assert all(r.distance_km is None for r in ours if r.attendance in ("online", "phone", "ask"))
    media = next(r for r in ours if r.name == "Media Serenity")  # in person, no coordinates in the feed
    assert where_text("online", 3218.0, "mi") == "Online — anywhere"
    assert where_text(media.attendance, media.distance_km, "mi") != "0.0 mi away"


def test_hide_closed_keeps_meetings_that_run_online(philly):
    services, _ = philly
    names = {r.name for r in services.directory.search(SearchQuery(show_closed=False, limit=200), NOW).results}
    assert "Germantown Hope" in names and "Manayunk Men's Group" not in names


# ------------------------------------------------------------------ 3. time zones
def test_zones_come_from_region_and_coordinates_together(services):
    report = services.directory.import_file(TEXAS, source="tx", timezone="America/Chicago", now=NOW)
    found = groups_by_name(services, "tx")
    lubbock = found["Lubbock Group 1"].record
    assert lubbock.schedule[0].timezone == "America/Chicago"  # never Africa/Algiers from longitude 0.0
    assert lubbock.location.longitude is None  # a placeholder is not a place: no distance from it
    assert found["El Paso Group 1"].record.schedule[0].timezone == "America/Denver"  # coordinates beat --timezone
    plainview = found["Plainview Noon"].record
    assert plainview.schedule[0].timezone == "America/Chicago" and plainview.location.latitude < 35  # Texas, not New York
    assert found["Naples Serenity"].record.schedule[0].timezone == "America/New_York"  # not Europe/Rome
    zones = dict(report.zones)
    assert zones["coordinates"] == 8 and zones["region"] == 13 + 2 and zones["unknown"] == 0
    assert sum(1 for line in report.doubtful if "placeholder" in line) == 13


def test_a_feed_that_contradicts_itself_is_reported(philly):
    _, report = philly
    assert any("6:30pm Central" in line and "America/New_York" in line for line in report.doubtful)


def test_a_town_name_alone_never_decides_a_zone_across_countries(services):
    report = services.directory.import_file(MG / "appointment.json", source="appt", now=NOW)
    assert dict(report.zones)["unknown"] == 1  # "San Francisco" with no state or country


# ------------------------------------------------------------------ 4. HSDS as 211s publish it
def zipped(folder: Path, tmp_path: Path) -> Path:
    archive = tmp_path / f"{folder.name}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted(folder.rglob("*.csv")):
            out.write(file, str(file.relative_to(folder)))
    return archive


def test_hsds_1x_zip_with_a_data_folder_reads_locations_languages_and_phones(services, tmp_path):
    report = services.directory.import_file(zipped(HSDS_211, tmp_path), source="211", now=NOW)
    found = groups_by_name(services, "211")
    grief = found["Grief Support Group"].record
    assert grief.location.address == "500 N Broad St, Suite 200" and grief.location.city == "Philadelphia"
    assert grief.languages == ("English", "Spanish") and grief.contact.phone == "215-555-0101"
    assert grief.schedule[0].timezone == "America/New_York" and grief.schedule[0].start.hour == 18
    # office hours are not meeting times
    dbsa = found["Depression and Bipolar Support Group"].record
    assert dbsa.schedule[0].kind == "varies" and dbsa.schedule[0].note.startswith("Call for group times")
    # scouts and marine patrol are not support groups; "Hispanic families" is not one either
    assert set(found) == {"Grief Support Group", "Depression and Bipolar Support Group"}
    assert sum(1 for s in report.skipped if s.reason.startswith("not a support group")) == 3
    repairs = "\n".join(report.repairs)
    assert "services_at_location.csv as the service_at_location table" in repairs
    assert "tables not read (Kindred has no use for them): funding" in repairs


def test_real_211_rows_that_are_not_groups_are_skipped_or_kept_on_request(services):
    with pytest.raises(FeedError, match="no usable groups"):
        services.directory.import_file(ILLINOIS, source="il", now=NOW)
    report = services.directory.import_file(ILLINOIS, source="il", now=NOW, all_services=True)
    assert report.imported == 19
    clinic = groups_by_name(services, "il")["North Lawndale legal clinic"].record
    assert clinic.location.venue == "Arlington Heights Memorial Library"  # linked through services_at_location.csv
    assert clinic.contact.phone == "(312) 341-1070"
    assert clinic.schedule[0].note.startswith("Call for group times")


def test_a_211_that_is_mostly_other_services_is_not_refused_as_mostly_bad(services, tmp_path):
    """A real 211 lists thousands of services and a few groups: skipping the rest is not a
    sign of a broken feed (the hostile-feed guard refuses feeds that are mostly bad)."""
    folder = tmp_path / "big-211"
    shutil.copytree(HSDS_211, folder)
    services_csv = folder / "data" / "services.csv"
    extra = "".join(f"x{n},o1,,Tax preparation help {n},,Free tax filing for families.,,,active,,,,,,\n" for n in range(1500))
    services_csv.write_text(services_csv.read_text() + extra)
    report = services.directory.import_file(folder, source="211", now=NOW)
    assert report.imported == 2
    assert any("1503 service(s) are not support groups" in r for r in report.repairs)


def test_an_hsds_package_without_its_link_table_says_so(tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(HSDS_211, folder)
    (folder / "data" / "services_at_location.csv").unlink()
    feed = read_feed(folder)
    assert any("no table links services to locations" in r for r in feed.repairs)


# ------------------------------------------------------------------ 5. one card per group
def test_rows_of_one_group_are_one_group_with_all_its_times(philly):
    services, report = philly
    assert report.meetings == 35 and report.imported == 33
    women = services.directory.search(SearchQuery(text="women", limit=50), NOW)
    ours = [r for r in women.results if r.source == "aaphilly"]
    assert [r.name for r in ours] == ["Women's Step Group"] and ours[0].id == "aaphilly/womens-step-fri"
    assert times_text(ours[0].times, hour24=False) == "Mon, Wed, Fri · 7:00 PM"
    again = services.directory.import_file(PHILLY, source="aaphilly", timezone="America/New_York", now=NOW)
    assert again.imported == 33 and services.directory.get_group("aaphilly/womens-step-fri") is not None


# ------------------------------------------------------------------ 6. the words people use
def test_topics_match_whole_words_only():
    assert "anxiety" not in infer_topics("Hispanic Community Group")
    assert "addiction_recovery" not in infer_topics("Drug smuggling prevention unit")
    assert infer_topics("Panic attacks support") == ("anxiety",)
    assert ("topic", "anxiety") in tags_for_word("anxious") and ("topic", "grief_and_loss") in tags_for_word("bereavement")
    assert ("language", "Spanish") in tags_for_word("español")


def test_search_words_find_topics_audiences_and_languages(philly):
    services, _ = philly
    spanish = {r.name for r in services.directory.search(SearchQuery(text="spanish", limit=50), NOW).results}
    assert {"Grupo Nueva Esperanza", "Hispanic Community Group"} <= spanish
    assert {r.name for r in services.directory.search(SearchQuery(text="español", limit=50), NOW).results} == spanish
    depression_filter = {r.id for r in services.directory.search(SearchQuery(topics=("depression",), limit=200), NOW).results}
    depression_text = {r.id for r in services.directory.search(SearchQuery(text="depression", limit=200), NOW).results}
    assert depression_filter and depression_filter <= depression_text
    anxious = {r.id for r in services.directory.search(SearchQuery(text="anxious", limit=200), NOW).results}
    assert anxious >= {r.id for r in services.directory.search(SearchQuery(topics=("anxiety",), limit=200), NOW).results}


# ------------------------------------------------------------------ 7. filters
def test_cost_is_filled_by_the_formats_convention_and_says_so(philly):
    services, _ = philly
    free = services.directory.search(SearchQuery(cost=("free",), limit=200), NOW)
    assert sum(1 for r in free.results if r.source == "aaphilly") == 33
    note = groups_by_name(services, "aaphilly")["Women's Step Group"].record.cost_note
    assert "Meeting Guide format's convention" in note


def test_a_radius_keeps_online_and_national_groups(philly):
    services, _ = philly
    near = places.geocode("Philadelphia, PA")
    page = services.directory.search(SearchQuery(near=near, within_km=5, limit=200), NOW)
    by_name = {r.name: r for r in page.results}
    assert "Morning Reflections" in by_name and by_name["Morning Reflections"].distance_km is None
    assert "Roxborough Old Timers" not in by_name  # in person, about 15 km away


# ------------------------------------------------------------------ 8. clock
def test_next_meetings_are_recomputed_when_the_clock_goes_back(philly):
    services, _ = philly
    later = NOW + timedelta(days=400)
    assert services.directory.search(SearchQuery(meets_within="7d", limit=200), later).total > 0
    back = services.directory.search(SearchQuery(meets_within="7d", limit=200), NOW)
    assert sum(1 for r in back.results if r.source == "aaphilly") >= 30


# ------------------------------------------------------------------ 9. freshness and report a problem
def test_every_listing_carries_its_update_date_and_stale_ones_say_so(philly):
    services, _ = philly
    page = services.directory.search(SearchQuery(text="roxborough"), NOW)
    old = page.results[0]
    assert old.updated == date(2021, 3, 14) and old.stale
    assert "may be out of date" in freshness_text(old.updated, old.stale, old.source)
    fresh = services.directory.search(SearchQuery(text="fishtown"), NOW).results[0]
    assert fresh.updated == date(2026, 8, 1) and not fresh.stale


def test_report_a_problem_drafts_a_correction_for_the_source(philly):
    services, _ = philly
    details = services.directory.get_group("aaphilly/germantown-hope", "America/New_York", NOW)
    draft = correction_draft(details.record, details.id, details.source, details.schedule_text, "The link has changed.")
    assert draft.subject == "Correction to the listing: Germantown Hope"
    assert "The link has changed." in draft.body and "aaphilly/germantown-hope" in draft.body
    assert "Weekly on Thursday 19:30" in draft.body


# ------------------------------------------------------------------ 10. round trips
def test_export_then_import_gives_the_same_groups(philly, tmp_path):
    services, _ = philly
    out = tmp_path / "mg.json"
    services.directory.export("meeting-guide", out, source="aaphilly")
    rows = json.loads(out.read_text())
    assert sum(1 for r in rows if r["name"] == "Women's Step Group") == 3  # one row per meeting
    services.directory.import_file(out, source="again", timezone="America/New_York", now=NOW)
    before = {g.record.external_id: g.record for g in services.directory.all_groups("aaphilly")}
    after = {g.record.external_id: g.record for g in services.directory.all_groups("again")}
    assert after.keys() == before.keys()  # never "aaphilly/aaphilly/…"
    assert [r.weekday for r in after["womens-step-fri"].schedule] == [0, 2, 4]
    kindred_out = tmp_path / "k.json"
    services.directory.export("kindred", kindred_out, source="again")
    assert all("/" not in g["id"] for g in json.loads(kindred_out.read_text())["groups"])


# ------------------------------------------------------------------ CLI contract
def test_cli_import_summary_and_search_json(data_dir, capsys):
    assert kindred(["--data-dir", str(data_dir), "directory", "import", str(TEXAS), "--source", "tx",
                    "--timezone", "America/Chicago"]) == 0
    out = capsys.readouterr().out
    assert "groups: 23" in out and "meetings: 23" in out
    assert "zones decided: 0 by feed, 8 by coordinates, 15 by region, 0 by --timezone, 0 unknown" in out
    assert kindred(["--data-dir", str(data_dir), "directory", "import", str(PHILLY), "--source", "aaphilly",
                    "--timezone", "America/New_York"]) == 0
    capsys.readouterr()
    assert kindred(["--data-dir", str(data_dir), "directory", "search", "women", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert [t["weekday"] for t in result["times"]] == ["mon", "wed", "fri"]
    assert result["times"][0] == {"kind": "weekly", "weekday": "mon", "start": "19:00", "end": "20:00",
                                  "timezone": "America/New_York"}
    assert result["updated"] == "2026-09-12" and result["stale"] is False and result["attendance"] == "in-person"
    assert kindred(["--data-dir", str(data_dir), "directory", "search", "--near", "19103", "--json",
                    "--attendance", "online", "--limit", "50"]) == 0
    online = json.loads(capsys.readouterr().out)["results"]
    assert online and all(r["distance_km"] is None for r in online if r["attendance"] == "online")


# ------------------------------------------------------------------ the person's place
def test_a_place_choice_and_my_location_stay_private(services):
    from services import session as sessions

    opened = sessions.set_up(services, "correct horse battery", "US")
    person = opened.session
    with pytest.raises(sessions.PlaceNeedsChoice) as asked:
        person.set_place("Springfield")
    chosen = next(p for p in asked.value.candidates if p.name == "Springfield, Massachusetts, US")
    assert person.choose_place(chosen, "Springfield").place.name == "Springfield, Massachusetts, US"
    prefs = person.set_device_location(39.9526, -75.1652)  # what the device worked out
    assert prefs.place.kind == "device" and prefs.place.name == "My location (near Philadelphia, Pennsylvania, US)"
    raw = (services.data_dir / "private.sqlite").read_bytes()
    assert b"39.95" not in raw and b"Philadelphia" not in raw  # encrypted at rest, never written in clear
    with pytest.raises(ValueError):
        person.set_device_location(0, 0)


def test_a_city_by_its_own_name_beats_an_old_or_foreign_name_of_another():
    """"Philadelphia" is also a historic name of Amman: the person means the US city."""
    place = places.geocode("Philadelphia")
    assert (place.country, place.region) == ("US", "PA")
