"""Random bytes and random JSON through every importer (issue 13): each ends in a clean
import or a plain FeedError, and a refusal changes nothing."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.app import open_services
from services.directory.importers import FeedError

pytestmark = pytest.mark.slow  # about 15 s in all

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

KINDRED_KEYS = ["id", "name", "description", "topics", "audience", "leadership", "attendance", "schedule", "location",
                "online", "cost", "typical_size", "registration", "languages", "status", "last_verified", "contact",
                "kind", "weekday", "start", "end", "timezone", "every_weeks", "ordinal", "anchor_date", "starts_on",
                "ends_on", "latitude", "longitude", "credentials", "note", "url", "phone"]
MG_KEYS = ["slug", "name", "day", "time", "end_time", "types", "address", "city", "state", "timezone",
           "conference_url", "conference_phone", "latitude", "longitude", "location", "notes", "attendance_option",
           "updated", "region", "postal_code", "country"]
BMLT_KEYS = ["id_bigint", "meeting_name", "weekday_tinyint", "start_time", "duration_time", "time_zone", "formats",
             "venue_type", "virtual_meeting_link", "phone_meeting_number", "location_street", "location_municipality",
             "location_province", "location_postal_code_1", "location_nation", "latitude", "longitude", "comments",
             "location_text", "location_info", "published"]
HSDS_KEYS = ["id", "name", "description", "services", "service_at_locations", "location", "schedules", "byday",
             "freq", "opens_at", "closes_at", "latitude", "longitude", "addresses", "languages", "phones",
             "organization", "cost_options", "valid_from", "valid_to", "dtstart", "until", "interval"]

NASTY = [10**30, -1, 0, 2**63, 1e308, float("nan"), "9999-12-30", "0001-01-01", "25:61", "Mars/Base", "N" * 400,
         "\u202eevil\x1b]0;title\x07", "\x00", True, [], {}]
scalars = (st.sampled_from(NASTY) | st.none() | st.booleans() | st.integers()
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40)
           | st.sampled_from(["mon", "tue", "19:00", "America/Chicago", "2026-01-05", "weekly", "monthly", "varies",
                              "peer", "free", "WEEKLY", "MO,TU", "1", "-1", "", " "]))


def objects(keys):
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(keys) | st.text(max_size=8),
                                                                        children, max_size=6),
        max_leaves=25,
    )


def valid_group(i: int) -> dict:
    return {"id": f"g{i}", "name": f"Group {i}", "schedule": [{"kind": "weekly", "weekday": "mon", "start": "19:00",
                                                               "timezone": "America/Chicago"}]}


def overridden(base: dict, keys: list[str]):
    """A valid record with a few fields replaced by random values: reaches past the schema."""
    return st.dictionaries(st.sampled_from(keys), scalars | objects(keys), max_size=3).map(lambda extra: {**base, **extra})


RISKY_GROUP_KEYS = ["typical_size", "name", "description", "last_verified", "id", "topics", "languages", "notes"]
RISKY_RULE_KEYS = ["starts_on", "ends_on", "anchor_date", "every_weeks", "ordinal", "start", "timezone", "note"]


def nasty_group():
    return st.dictionaries(st.sampled_from(RISKY_GROUP_KEYS), st.sampled_from(NASTY), min_size=1, max_size=2).map(
        lambda extra: {**valid_group(7), **extra})


def rule_overridden():
    return st.dictionaries(st.sampled_from(RISKY_RULE_KEYS), st.sampled_from(NASTY) | scalars, min_size=1, max_size=2).map(
        lambda extra: {**valid_group(9), "schedule": [{**valid_group(9)["schedule"][0], **extra}]})


kindred_groups = st.one_of(nasty_group(), rule_overridden(), overridden(valid_group(8), KINDRED_KEYS), objects(KINDRED_KEYS))
kindred_docs = st.fixed_dictionaries(
    {"format": st.just("kindred-directory"), "version": st.just(1), "publisher": st.just({"name": "x"}),
     "groups": st.lists(kindred_groups, max_size=4).map(lambda groups: [valid_group(0), *groups])})
VALID_MEETING = {"slug": "m0", "name": "Meeting", "day": 1, "time": "18:30", "timezone": "America/Chicago"}
meeting_guide_docs = st.lists(st.one_of(overridden(VALID_MEETING, MG_KEYS),
                                        st.dictionaries(st.sampled_from(MG_KEYS), objects(MG_KEYS), max_size=8)),
                              min_size=1, max_size=5)
VALID_BMLT = {"id_bigint": "1", "meeting_name": "Meeting", "weekday_tinyint": "2", "start_time": "19:00:00",
              "duration_time": "01:00:00", "time_zone": "America/New_York", "venue_type": "1",
              "location_street": "1 Main St", "location_municipality": "Philadelphia"}
bmlt_docs = st.lists(st.one_of(overridden(VALID_BMLT, BMLT_KEYS),
                               st.dictionaries(st.sampled_from(BMLT_KEYS), objects(BMLT_KEYS), max_size=8)),
                     min_size=1, max_size=5)
hsds_docs = st.dictionaries(st.sampled_from(HSDS_KEYS), objects(HSDS_KEYS), max_size=6)
any_json = objects(KINDRED_KEYS + MG_KEYS + HSDS_KEYS)
csv_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@pytest.fixture(scope="module")
def fuzz_services(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    opened = open_services(folder / "data")
    yield opened, folder
    opened.close()


def counts(services) -> dict[str, int]:
    return {s.name: s.group_count for s in services.directory.sources()}


def import_or_refuse(fuzz_services, name: str, content: bytes, format: str = "auto") -> None:
    services, folder = fuzz_services
    path = folder / name
    path.write_bytes(content)
    before = counts(services)
    try:
        services.directory.validate(path, format)
    except FeedError as error:
        assert str(error) and "Traceback" not in str(error)
    try:
        report = services.directory.import_file(path, format, source="fuzz", now=NOW)
    except FeedError as error:
        assert str(error) and "Traceback" not in str(error)
        assert counts(services) == before  # a refusal changes nothing
    else:
        assert report.imported >= 1 and counts(services)["fuzz"] == report.imported
        assert {k: v for k, v in counts(services).items() if k != "fuzz"} == {k: v for k, v in before.items() if k != "fuzz"}


@FUZZ
@given(content=st.binary(max_size=2000), suffix=st.sampled_from([".json", ".csv", ".zip"]))
def test_random_bytes(fuzz_services, content, suffix):
    import_or_refuse(fuzz_services, f"random{suffix}", content)


@FUZZ
@given(document=any_json, format=st.sampled_from(["auto", "kindred", "meeting-guide", "bmlt", "hsds"]))
def test_random_json(fuzz_services, document, format):
    import_or_refuse(fuzz_services, "random.json", json.dumps(document).encode(), format)


@FUZZ
@given(document=kindred_docs)
def test_random_kindred_feeds(fuzz_services, document):
    import_or_refuse(fuzz_services, "feed.json", json.dumps(document).encode())


@FUZZ
@given(document=meeting_guide_docs)
def test_random_meeting_guide_feeds(fuzz_services, document):
    import_or_refuse(fuzz_services, "meetings.json", json.dumps(document).encode(), "meeting-guide")


@FUZZ
@given(document=bmlt_docs)
def test_random_bmlt_feeds(fuzz_services, document):
    import_or_refuse(fuzz_services, "bmlt.json", json.dumps(document).encode(), "bmlt")


@FUZZ
@given(document=hsds_docs)
def test_random_hsds_json(fuzz_services, document):
    import_or_refuse(fuzz_services, "hsds.json", json.dumps(document).encode(), "hsds")


@FUZZ
@given(rows=st.lists(st.lists(csv_cells, min_size=1, max_size=6), max_size=6),
       header=st.lists(st.sampled_from(["id", "name", "schedule", "day", "start_time", "timezone", "typical_size",
                                        "latitude", "longitude", "first_date", "every_n_weeks", "week_of_month"]),
                       min_size=1, max_size=8, unique=True))
def test_random_csv_template_and_hsds_zip(fuzz_services, rows, header):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    content = "\n".join(lines).encode("utf-8", "surrogatepass")
    import_or_refuse(fuzz_services, "groups.csv", content, "csv")
    _, folder = fuzz_services
    package = folder / "package.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("services.csv", content)
        archive.writestr("schedules.csv", content)
    import_or_refuse(fuzz_services, "package.zip", package.read_bytes(), "hsds")
