"""Publishing for organisations: the editor keeps only groups that export; a preview is the
card people will see; the export writes a signed Kindred feed, Meeting Guide JSON and an HSDS
3.0 data package, each checked against its published schema; the checks catch broken files;
and a second Kindred subscribes over real HTTP and finds the groups."""

from __future__ import annotations

import csv
import dataclasses
import json
import threading
from datetime import UTC, date, datetime, time

import pytest

from cli import main as kindred
from services.directory.exporters import validate as schema_checks
from services.directory.importers import read_feed
from services.directory.model import Contact, GroupRecord, Location, OnlineAccess, ScheduleRule
from services.publishing.organisation import DraftError, OrganisationEditor
from services.sync import signing
from services.sync.serve import make_server


def grief_circle(**changes) -> GroupRecord:
    record = GroupRecord(
        external_id="", name="Grief Support Circle", description="A circle for people who have lost someone.",
        topics=("grief_and_loss",), audience=("seniors",), leadership="co_facilitated",
        facilitator_credentials="licensed grief counsellor", attendance="hybrid",
        schedule=(ScheduleRule("weekly", weekday=1, start=time(19), end=time(20, 30), timezone="America/New_York"),),
        location=Location(venue="Riverside Community Centre", address="12 River Rd", city="Philadelphia", region="PA",
                          postal_code="19103", country="US", latitude=39.9538, longitude=-75.1763),
        online=OnlineAccess(url="https://meet.example.org/grief", phone="+12155550100"),
        cost="free", typical_size=10, registration="drop_in", confidentiality="What is said here stays here.",
        languages=("English", "Spanish"), accessibility=("wheelchair_access",),
        contact=Contact(email="groups@riverside.example.org", website="https://riverside.example.org/grief"),
    )
    return dataclasses.replace(record, **changes)


def anxiety_online() -> GroupRecord:
    return GroupRecord(
        external_id="", name="Anxiety Peer Group", topics=("anxiety",), leadership="peer", attendance="online",
        schedule=(ScheduleRule("monthly", weekday=3, start=time(18), end=time(19), timezone="America/New_York", ordinal=2),),
        online=OnlineAccess(url="https://meet.example.org/anxiety"), cost="donation", registration="register",
    )


@pytest.fixture
def editor(tmp_path) -> OrganisationEditor:
    editor = OrganisationEditor(tmp_path / "org")
    editor.set_organisation("Riverside Community Centre", "Peer support at the Riverside centre.", "https://riverside.example.org")
    return editor


def test_groups_with_problems_are_refused_and_nothing_changes(editor):
    saved = editor.save_group(grief_circle())
    before = editor.path.read_bytes()
    with pytest.raises(DraftError) as refused:
        editor.save_group(GroupRecord(external_id="", name=" ", attendance="in_person", leadership="professional"))
    problems = " | ".join(refused.value.problems)
    for words in ("give the group a name", "when the group meets", "needs an address", "what qualifies the professional"):
        assert words in problems
    with pytest.raises(DraftError, match="'Mars/Base' is not a time zone"):
        editor.save_group(grief_circle(schedule=(ScheduleRule("weekly", weekday=1, start=time(19), timezone="Mars/Base"),)))
    with pytest.raises(DraftError, match="should start with https://"):
        editor.save_group(grief_circle(online=OnlineAccess(url="javascript:alert(1)")))
    assert editor.path.read_bytes() == before
    assert [g.external_id for g in editor.groups()] == [saved.external_id] == ["grief-support-circle"]


def test_add_edit_remove(editor):
    first = editor.save_group(grief_circle())
    second = editor.save_group(grief_circle())  # same name: a new id, not a replacement
    assert (first.external_id, second.external_id) == ("grief-support-circle", "grief-support-circle-2")
    edited = editor.save_group(dataclasses.replace(second, name="Grief Circle (evenings)", typical_size=8))
    assert editor.group(edited.external_id).typical_size == 8
    editor.remove_group(first.external_id)
    assert [g.name for g in editor.groups()] == ["Grief Circle (evenings)"]
    with pytest.raises(DraftError, match="no group with id"):
        editor.remove_group("nope")


def test_preview_is_the_card_with_the_next_meeting_across_dst(editor):
    saved = editor.save_group(grief_circle())
    # Tuesday 19:00 in New York: 23:00 UTC in summer time, 00:00 UTC the next day after 1 November.
    before = editor.preview(saved, datetime(2026, 10, 26, 12, tzinfo=UTC), "Europe/London")
    after = editor.preview(saved, datetime(2026, 11, 2, 12, tzinfo=UTC), "Europe/London")
    assert before.next_meeting.start.astimezone(UTC) == datetime(2026, 10, 27, 23, tzinfo=UTC)
    assert after.next_meeting.start.astimezone(UTC) == datetime(2026, 11, 4, 0, tzinfo=UTC)
    assert after.next_meeting.local_timezone == "Europe/London" and after.next_meeting.timezone == "America/New_York"
    assert (after.name, after.source, after.attendance, after.topics, after.cost) == (
        "Grief Support Circle", "Riverside Community Centre", "hybrid", ("grief_and_loss",), "free")


def test_export_writes_three_formats_each_passing_its_schema(editor, tmp_path):
    editor.save_group(grief_circle(last_verified=date(2026, 11, 30)))
    editor.save_group(anxiety_online())
    (tmp_path / "keys").mkdir()
    pair = signing.generate_keypair(tmp_path / "keys" / "riverside")
    report = editor.export(tmp_path / "site", [pair.private_path])
    assert report.ok, report.errors
    assert report.signed_by == pair.fingerprint
    site = tmp_path / "site"
    assert signing.verify_file(site / "groups.json", pair.public_path) == pair.fingerprint
    feed = read_feed(site / "groups.json")
    assert [g.name for g in feed.groups] == ["Grief Support Circle", "Anxiety Peer Group"] and feed.publisher == "Riverside Community Centre"

    meetings = json.loads((site / "meetings.json").read_text())
    errors, warnings = schema_checks.meeting_guide(meetings)
    assert errors == []
    assert all("formatted_address" in w for w in warnings)  # the published pattern is US-only; ours is a street line
    again = read_feed(site / "meetings.json")
    assert again.format == "meeting-guide"
    assert any(m.get("updated") == "2026-11-30 00:00:00" for m in meetings)  # the format's own date-time
    assert {g.name: g.last_verified for g in again.groups}["Grief Support Circle"] == date(2026, 11, 30)

    assert schema_checks.hsds_datapackage(site / "hsds") == ([], [])
    services = list(csv.DictReader((site / "hsds" / "services.csv").open()))
    assert [s["name"] for s in services] == ["Grief Support Circle", "Anxiety Peer Group"]
    assert services[0]["accreditations"] == "licensed grief counsellor" and "Typical size: about 10" in services[0]["description"]
    sal = list(csv.DictReader((site / "hsds" / "service_at_location.csv").open()))
    assert [s["description"] for s in sal] == ["Also online: https://meet.example.org/grief +12155550100", ""]
    schedules = list(csv.DictReader((site / "hsds" / "schedules.csv").open()))
    assert [(s["freq"], s["byday"], s["opens_at"]) for s in schedules] == [("WEEKLY", "TU", "19:00"), ("MONTHLY", "2TH", "18:00")]
    again = read_feed(site / "hsds")
    assert again.format == "hsds" and len(again.groups) == 2


def test_schema_checks_catch_broken_files(editor, tmp_path):
    bad_meetings = [{"name": "A", "slug": "a", "time": "7pm", "types": ["NOT-A-TYPE"], "day": [1, 9]},
                    {"name": "B", "slug": "a", "updated": "2026-12-02"}]
    errors, _ = schema_checks.meeting_guide(bad_meetings)
    text = " | ".join(errors)
    assert "'7pm' does not match" in text and "NOT-A-TYPE" in text and "9 is greater than the maximum" in text
    assert "slug 'a' repeats" in text and "'2026-12-02' does not match" in text

    editor.save_group(grief_circle())
    editor.export(tmp_path / "site")
    package = tmp_path / "site" / "hsds"
    services = package / "services.csv"
    rows = list(csv.DictReader(services.open()))
    columns = list(rows[0])
    rows[0]["status"] = "open"
    rows[0]["organization_id"] = "00000000-0000-0000-0000-000000000000"
    rows[0]["name"] = ""
    with services.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    addresses = package / "addresses.csv"
    addresses.write_text(addresses.read_text().replace(",physical\n", ",street\n"))
    errors, _ = schema_checks.hsds_datapackage(package)
    text = " | ".join(errors)
    assert "services.csv line 2: name is required" in text
    assert "status: 'open' is not one of" in text
    assert "organization_id 00000000-0000-0000-0000-000000000000 is not an id in organization" in text
    assert "addresses.csv line 2: address_type: 'street'" in text
    (package / "phones.csv").write_text("id,number\n1,2\n")
    assert any("phones.csv: the columns are not" in e for e in schema_checks.hsds_datapackage(package)[0])


def test_export_with_no_groups_is_a_clear_message(editor, tmp_path):
    with pytest.raises(DraftError, match="no groups to export yet"):
        editor.export(tmp_path / "site")


def test_cli_publish_export_serve_and_subscribe_from_a_second_kindred(tmp_path, capsys):
    """Two groups made with the CLI, exported and signed, served on 127.0.0.1, subscribed to
    and found from a second data folder."""
    org, person = tmp_path / "org", tmp_path / "person"

    def run(data_dir, *argv):
        code = kindred(["--data-dir", str(data_dir), *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    assert run(org, "publish", "organisation", "--name", "Riverside Community Centre")[0] == 0
    code, out, err = run(org, "publish", "add", "--name", "Grief Support Circle", "--topic", "grief_and_loss",
                         "--led-by", "peer", "--weekly", "tue 19:00-20:30", "--timezone", "America/New_York",
                         "--venue", "Riverside Community Centre", "--address", "12 River Rd", "--city", "Philadelphia",
                         "--region", "PA", "--postal-code", "19103", "--country", "US", "--cost", "free", "--size", "10")
    assert code == 0, err
    code, out, err = run(org, "publish", "add", "--name", "Anxiety Peer Group", "--topic", "anxiety", "--led-by", "peer",
                         "--attendance", "online", "--online-url", "https://meet.example.org/anxiety",
                         "--monthly", "2nd thu 18:00-19:00", "--timezone", "America/New_York", "--cost", "donation")
    assert code == 0, err
    code, out, err = run(org, "publish", "add", "--name", "Broken", "--weekly", "someday 7")
    assert code == 1 and "start with a day" in err
    code, out, _ = run(org, "publish", "preview", "grief-support-circle", "--timezone", "America/New_York", "--json")
    assert code == 0 and json.loads(out)["card"][0] == "Grief Support Circle"

    assert run(org, "feed", "keygen", "-o", str(tmp_path / "riverside"))[0] == 0
    site = tmp_path / "site"
    code, out, err = run(org, "publish", "export", "-o", str(site), "--key", str(tmp_path / "riverside.key"), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and set(report["files"]) == {"kindred", "meeting-guide", "hsds"}

    server = make_server(site, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/groups.json"
        code, out, err = run(person, "sources", "add", url, "--key-file", str(tmp_path / "riverside.pub"), "--name", "Riverside")
        assert code == 0, err
        code, out, err = run(person, "sync", "--json")
        assert code == 0, out + err
        assert json.loads(out)[0]["groups"] == 2 and json.loads(out)[0]["verified"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    code, out, _ = run(person, "directory", "search", "grief", "--json")
    found = [r for r in json.loads(out)["results"] if r["source"] == "Riverside"]
    assert [(r["name"], r["next_meeting"]["timezone"]) for r in found] == [("Grief Support Circle", "America/New_York")]
    code, out, _ = run(person, "directory", "search", "anxiety", "--attendance", "online", "--json")
    assert [r["name"] for r in json.loads(out)["results"] if r["source"] == "Riverside"] == ["Anxiety Peer Group"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("tue 19:00-20:30", (1, time(19), time(20, 30))), ("Thursday 7pm", (3, time(19), None)),
     ("sun 7pm-8:30pm", (6, time(19), time(20, 30)))],
)
def test_weekly_words(text, expected):
    from services.publishing.forms import weekly_rule

    rule = weekly_rule(text, "America/Chicago")
    assert (rule.weekday, rule.start, rule.end, rule.timezone) == (*expected, "America/Chicago")


def test_monthly_words_and_mistakes():
    from services.publishing.forms import monthly_rule, weekly_rule

    rule = monthly_rule("last fri 18:00", "Europe/London")
    assert (rule.kind, rule.ordinal, rule.weekday, rule.start) == ("monthly", -1, 4, time(18))
    for bad, call in (("funday 7pm", weekly_rule), ("tue 25:00", weekly_rule), ("every tue 7pm", monthly_rule)):
        with pytest.raises(DraftError):
            call(bad, "Europe/London")
