"""Importers: every test feed in tests/data imports, or is refused or repaired with a clear
message and nothing changed; bad records are skipped and reported; re-imports replace
only their own source."""

import json
import shutil
import zipfile
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from services.directory.importers import FeedError, read_feed
from services.directory.service import BUNDLED_SOURCE

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = Path(__file__).resolve().parent / "data"  # real public feeds, see data/PROVENANCE.md
MG = TESTDATA / "meeting-guide"
HSDS = TESTDATA / "hsds3"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)



def counts(services) -> dict[str, int]:
    return {s.name: s.group_count for s in services.directory.sources()}


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("meeting-guide/eda.json", "meeting-guide", 163),  # 185 meeting rows
        ("meeting-guide/edmonton.json", "meeting-guide", 256),  # 315 meeting rows
        ("meeting-guide/times.json", "meeting-guide", 9),
        ("meeting-guide/timezones.json", "meeting-guide", 2),
        ("meeting-guide/appointment.json", "meeting-guide", 1),  # two rows of one group
        ("hsds3/service_full.json", "hsds", 1),
        ("hsds3/service_list.json", "hsds", 1),
        ("hsds3/organization_full.json", "hsds", 1),
        ("hsds3/service_at_location_full.json", "hsds", 1),
        ("hsds3/csv", "hsds", 1),
    ],
)
def test_every_test_feed_imports(services, name, fmt, expected):
    report = services.directory.import_file(TESTDATA / name, source="t", now=NOW)
    assert (report.format, report.imported, report.skipped) == (fmt, expected, ())
    assert counts(services)["t"] == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("meeting-guide/invalid.json", "invalid.json is not valid JSON: Extra data at line 80, column 3"),
        ("meeting-guide/types.json", "type codes and their names, not a feed"),
        ("hsds3/location.json", "describes a location, not services"),
    ],
)
def test_files_that_are_not_feeds_are_refused_and_change_nothing(services, name, message):
    services.directory.import_file(MG / "timezones.json", source="keep", now=NOW)
    before = counts(services)
    with pytest.raises(FeedError, match=message):
        services.directory.import_file(TESTDATA / name, source="keep", now=NOW)
    assert counts(services) == before


def test_contradictory_hsds_schedules_are_repaired_and_the_report_says_which(services):
    report = services.directory.import_file(HSDS / "service_full.json", now=NOW)
    repairs = "\n".join(report.repairs)
    assert "COUNT (3) together with UNTIL (2005-01-01) is not allowed" in repairs
    assert "timezone 3 is a UTC offset" in repairs
    assert "coordinates (100, 101) are impossible" in repairs
    assert "byweekno" in repairs and "ended on 2005-01-01" in repairs
    group = services.directory.get_group("service_full/ac148810-d857-441c-9679-408f346de14b", "UTC", NOW)
    record = group.record
    assert record.location.latitude is None and record.location.city == "MyCity"
    assert [r.weekday for r in record.schedule] == [3, 4]  # TH, FR
    assert all(r.ends_on.isoformat() == "2005-01-01" and r.start == time(10) for r in record.schedule)
    assert group.next_meetings == ()  # ended, and no zone is known either
    assert record.leadership == "professional" and record.cost == "fee"
    assert set(record.topics) >= {"anxiety", "depression", "eating_disorders"}
    assert record.languages == ("Urdu",) and record.contact.phone == "+44 1234 234567"
    assert record.accessibility == ("hearing_loop", "wheelchair_access")


def test_hsds_datapackage_as_a_zip_and_its_unreadable_datapackage_json(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in (HSDS / "csv").iterdir():
            zf.write(file, f"hsds/{file.name}")
    feed = read_feed(archive)
    assert feed.format == "hsds" and [g.name for g in feed.groups] == ["Community Counselling"]
    assert any("datapackage.json is not JSON" in r for r in feed.repairs)


def test_older_hsds_regular_schedules_csv(tmp_path):
    folder = tmp_path / "hsds2"
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps({"name": "old", "resources": [
        {"name": "services", "path": "services.csv"}, {"name": "regular_schedules", "path": "regular_schedules.csv"},
        {"name": "locations", "path": "locations.csv"}]}))
    (folder / "services.csv").write_text(
        "id,organization_id,name,description,status\n"
        "s1,o1,Bereavement Peer Group,A peer support group for people coping with grief,active\n"
        "s2,o1,Parents Circle,Support for new parents with postpartum depression,active\n")
    (folder / "locations.csv").write_text("id,name,latitude,longitude\nl1,Town Hall,40.7128,-74.0060\n")
    (folder / "service_at_location.csv").write_text("id,service_id,location_id\nsal1,s1,l1\n")
    (folder / "regular_schedules.csv").write_text(
        "id,service_id,location_id,service_at_location_id,weekday,opens_at,closes_at\n"
        "r1,s1,l1,sal1,Tuesday,18:30,20:00\n"
        "r2,s2,,,4,10:00,11:00\n"
        "r3,s2,,,Funday,10:00,11:00\n")
    feed = read_feed(folder, timezone="America/New_York")
    by_name = {g.name: g for g in feed.groups}
    bereavement = by_name["Bereavement Peer Group"].schedule
    assert [(r.kind, r.weekday, r.start, r.end, r.timezone) for r in bereavement] == [
        ("weekly", 1, time(18, 30), time(20), "America/New_York")]
    assert by_name["Bereavement Peer Group"].location.venue == "Town Hall"
    assert [(r.weekday, r.start) for r in by_name["Parents Circle"].schedule] == [(3, time(10))]  # 4 = Thursday
    assert by_name["Bereavement Peer Group"].topics == ("grief_and_loss",)
    assert any("regular_schedules.csv is the HSDS 1.x/2.x" in r for r in feed.repairs)
    assert any("'Funday' is not a day" in r for r in feed.repairs)


def test_meeting_guide_quirks(services):
    services.directory.import_file(MG / "times.json", now=NOW, timezone="America/Chicago")
    group = services.directory.get_group("times/monday-7pm", "America/Chicago", NOW)
    assert group.record.schedule[0].weekday == 0 and group.record.schedule[0].end == time(21)
    assert group.record.audience == ("men",)
    assert group.record.attendance == "hybrid"  # a street address and a Zoom link
    no_end = services.directory.get_group("times/monday-7am", None, NOW).record.schedule[0]
    assert no_end.end == time(8)  # end_time defaults to an hour later
    appointment = services.directory.get_group("times/appointment", None, NOW)
    assert [r.kind for r in appointment.record.schedule] == ["by_appointment"] and appointment.next_meetings == ()

    services.directory.import_file(MG / "edmonton.json", now=NOW)
    shifters = services.directory.get_group("edmonton/6", "America/Edmonton", NOW)
    assert shifters.record.schedule[0].weekday == 5 and shifters.record.schedule[0].start == time(11)  # [6], "11:00 AM"
    assert shifters.next_meetings[0].start.isoformat() == "2026-03-07T11:00:00-07:00"
    assert shifters.record.timezone_origin == "region" and shifters.record.location.approximate  # Edmonton, Alberta
    statuses = {g.record.status for g in services.directory.all_groups("edmonton")}
    assert statuses == {"active", "temporarily_closed"}


def test_meeting_guide_online_and_in_person_from_eda(services):
    services.directory.import_file(MG / "eda.json", timezone="America/New_York", now=NOW)
    london = services.directory.get_group("eda/london-daily-readings-friday", "Europe/London", NOW)
    assert london.record.attendance == "online" and london.record.online.url.startswith("https://")
    assert len(london.record.schedule) == 5  # one group, Monday to Friday
    assert london.record.location.approximate
    # "2am Eastern": with --timezone the feed's times are read in New York time
    assert london.next_meetings[0].start.isoformat() == "2026-03-03T02:00:00-05:00"  # Tuesday, the next weekday
    assert london.next_meetings[0].local_start.isoformat() == "2026-03-03T07:00:00+00:00"
    inactive = [g for g in services.directory.all_groups("eda") if g.record.status == "inactive"]
    assert len(inactive) == 1


def test_bad_meeting_guide_records_are_skipped_and_reported(tmp_path, services):
    feed = tmp_path / "messy.json"
    feed.write_text(json.dumps([
        {"slug": "good", "name": "Good", "day": "Tuesday", "time": "19:00", "types": "o, w, XYZ", "timezone": "Europe/Dublin"},
        {"slug": "bad-day", "name": "Bad day", "day": 9, "time": "19:00"},
        {"slug": "bad-time", "name": "Bad time", "day": 1, "time": "25:99"},
        {"slug": "no-name", "day": 1, "time": "10:00"},
        {"slug": "good", "name": "Duplicate", "day": 2, "time": "10:00"},
        "not an object",
    ]))
    report = services.directory.import_file(feed, now=NOW)
    assert report.imported == 1
    reasons = {s.where: s.reason for s in report.skipped}
    assert reasons == {
        "record 2 (id 'bad-day', 'Bad day')": "day 9 is out of range (0 = Sunday … 6 = Saturday)",
        "record 3 (id 'bad-time', 'Bad time')": "time '25:99' is not a time of day (HH:MM)",
        "record 4 (id 'no-name')": "has no name",
        "record 5 (id 'good', 'Duplicate')": "duplicate id 'good': an earlier record has it",
        "record 6": "is a str, not a meeting object",
    }
    good = services.directory.get_group("messy/good", None, NOW).record
    assert good.audience == ("women",) and good.type_codes == ("O", "W", "XYZ")  # unknown codes kept
    assert good.schedule[0].weekday == 1 and good.schedule[0].timezone == "Europe/Dublin"


def test_reimporting_a_source_replaces_that_source_only(tmp_path, services):
    services.directory.import_file(MG / "timezones.json", source="a", now=NOW)
    services.directory.import_file(MG / "times.json", source="b", now=NOW)
    smaller = tmp_path / "smaller.json"
    smaller.write_text(json.dumps([{"slug": "only", "name": "Only one", "day": 3, "time": "12:00"}]))
    report = services.directory.import_file(smaller, source="a", now=NOW)
    assert report.replaced == 2 and report.imported == 1
    assert counts(services) == {BUNDLED_SOURCE: 9, "a": 1, "b": 9}
    assert services.directory.get_group("a/sf-meeting") is None
    assert services.directory.get_group("b/monday-7pm") is not None


def test_a_feed_with_no_usable_groups_changes_nothing(tmp_path, services):
    services.directory.import_file(MG / "timezones.json", source="a", now=NOW)
    empty = tmp_path / "a.json"
    empty.write_text(json.dumps([{"slug": "x", "day": 1, "time": "10:00"}]))
    with pytest.raises(FeedError, match="no usable groups, so nothing was changed"):
        services.directory.import_file(empty, source="a", now=NOW)
    assert counts(services)["a"] == 2


def test_bad_timezone_option_is_fatal(services):
    with pytest.raises(FeedError, match="not an IANA time zone name"):
        services.directory.import_file(MG / "times.json", timezone="+03:00")


def test_csv_template_example_imports_with_every_schedule_kind(services):
    report = services.directory.import_file(ROOT / "docs" / "groups-template.csv", source="sheet", now=NOW)
    assert report.format == "csv" and report.imported == 4 and report.skipped == ()
    kinds = {g.record.external_id: g.record.schedule[0] for g in services.directory.all_groups("sheet")}
    assert kinds["example-grief-fortnightly"].interval_weeks == 2
    assert kinds["example-family-last-fri"].ordinal == -1
    assert kinds["example-by-appointment"].kind == "by_appointment"


def test_csv_template_bad_rows_are_reported_with_their_line(tmp_path, services):
    sheet = tmp_path / "sheet.csv"
    header = (ROOT / "docs" / "groups-template.csv").read_text().splitlines()[0]
    sheet.write_text(header + "\n" + "ok,Fine,,,,peer,,online,varies" + "," * 31 + "\n"
                     + "bad,Broken,,,,boss,,online,weekly,mon,19:00" + "," * 29 + "\n")
    report = services.directory.import_file(sheet, now=NOW)
    assert report.imported == 1
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("record 2 (id 'bad', 'Broken')", "(line 3) leadership 'boss' is not one of peer, professional, co_facilitated, unknown")]


def test_kindred_feed_round_trip_and_schema_errors(tmp_path, services):
    services.directory.import_file(ROOT / "docs" / "groups-template.csv", source="sheet", now=NOW)
    out = tmp_path / "feed.json"
    assert services.directory.export("kindred", out, source="sheet") == 4
    document = json.loads(out.read_text())
    assert document["format"] == "kindred-directory" and document["version"] == 1
    document["groups"].append({"id": "broken", "name": "Broken", "attendance": "teleport"})
    out.write_text(json.dumps(document))
    report = services.directory.import_file(out, source="again", now=NOW)
    assert report.format == "kindred" and report.imported == 4
    assert report.skipped[0].where == "record 5 (id 'broken', 'Broken')" and "teleport" in report.skipped[0].reason
    original = {g.record.external_id: g.record for g in services.directory.all_groups("sheet")}
    again = {g.record.external_id: g.record for g in services.directory.all_groups("again")}
    assert again.keys() == original.keys()  # the same ids, never "sheet/sheet/…"
    for key, record in original.items():
        assert again[key].schedule == record.schedule and again[key].location == record.location
        assert again[key].topics == record.topics and again[key].cost == record.cost


def test_kindred_feed_top_level_error_is_fatal(tmp_path, services):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "kindred-directory", "version": 1, "groups": []}))
    with pytest.raises(FeedError, match="'publisher' is a required property"):
        services.directory.import_file(bad)


def test_meeting_guide_export_imports_again(tmp_path, services):
    services.directory.import_file(MG / "timezones.json", source="tz", now=NOW)
    out = tmp_path / "mg.json"
    services.directory.export("meeting-guide", out, source="tz")
    feed = read_feed(out)
    assert feed.format == "meeting-guide"
    assert {(g.name, g.schedule[0].timezone, g.schedule[0].start) for g in feed.groups} == {
        ("San Francisco meeting at 9:00", "America/Los_Angeles", time(9)),
        ("PA meeting at 11:45", "America/New_York", time(11, 45)),
    }


def test_validate_writes_nothing(services, tmp_path):
    copy = tmp_path / "eda.json"
    shutil.copy(MG / "eda.json", copy)
    report = services.directory.validate(copy)
    assert report.imported == 163 and report.meetings == 185 and not report.written
    assert "eda" not in counts(services)


def test_the_published_schema_is_the_one_the_importer_uses():
    assert (ROOT / "docs" / "feed.schema.json").read_text() == (ROOT / "services" / "directory" / "feed.schema.json").read_text()


# ---------------------------------------------------------------------------- a file picked on the device


def test_a_picked_file_is_imported_as_a_source_named_after_it_and_replaced_when_picked_again(services):
    from services.directory.service import UploadRefused
    from tests.sync_support import groups_of, kindred_feed, meeting_guide_feed

    directory = services.directory
    report = directory.import_upload("Springfield groups.json", meeting_guide_feed(3))
    assert (report.source, report.imported, report.replaced, report.written) == ("Springfield-groups", 3, 0, True)
    assert len(groups_of(services, "Springfield-groups")) == 3
    again = directory.import_upload("Springfield groups.json", kindred_feed(5))
    assert (again.imported, again.replaced) == (5, 3)
    assert len(groups_of(services, "Springfield-groups")) == 5
    info = {s.name: s for s in directory.sources()}["Springfield-groups"]
    assert info.kind == "file" and info.location == "a file from this device (Springfield groups.json)"
    # Nothing is left behind in the data folder.
    assert not list(services.directory_db.path.parent.glob("import-*"))

    for name, data, words in (
        ("notes.txt", b"hello", "choose a .json, .csv or .zip file"),
        ("broken.json", b"{not json", "broken.json"),
        ("strange.json", b'{"version": 1, "groups": []}', "could not tell the format"),
        ("empty.csv", b"name,day,time\n", "nothing was changed|no usable groups|empty"),
    ):
        with pytest.raises(UploadRefused, match=words) as refused:
            directory.import_upload(name, data)
        assert "--" not in str(refused.value)  # no command-line hints for a person picking a file
    assert len(groups_of(services, "Springfield-groups")) == 5  # a refused file changes nothing

    from services.i18n import use_language
    from views.actions import message_for  # what the Sources screen shows

    for name, data, spanish, french in (
        ("notes.txt", b"hello", "elija un archivo .json", "choisissez un fichier .json"),
        ("empty.csv", b"name,day,time\n", "la cabecera no tiene la columna id", "l'en-tête n'a pas de colonne id"),
        ("broken.json", b"{not json", "no es JSON válido", "n'est pas un JSON valide"),
        ("strange.json", b'{"version": 1, "groups": []}', "no se ha podido saber el formato", "impossible de reconnaître le format"),
    ):
        with pytest.raises(UploadRefused) as refused:
            directory.import_upload(name, data)
        with use_language("es"):
            assert name in message_for(refused.value) and spanish in message_for(refused.value), message_for(refused.value)
        with use_language("fr"):
            assert french in message_for(refused.value), message_for(refused.value)
        assert "--" not in message_for(refused.value)
    with pytest.raises(UploadRefused) as refused:  # a position is plain digits, as an editor shows it
        directory.import_upload("long.json", b"[\n" + b"  {},\n" * 1500 + b"  {not json\n]")
    assert "line 1502, column" in message_for(refused.value), message_for(refused.value)
