"""`kindred directory …` on real files: exit codes, messages and the search JSON shape."""

import json
import re
from pathlib import Path


from cli import main as kindred

TESTDATA = Path(__file__).resolve().parent / "data"  # real public feeds, see data/PROVENANCE.md
MG = TESTDATA / "meeting-guide"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def run(data_dir, *args):
    return kindred(["--data-dir", str(data_dir), "directory", *args])


def test_import_prints_what_was_imported_and_search_json_has_the_documented_shape(data_dir, capsys):
    assert run(data_dir, "import", str(MG / "timezones.json"), "--source", "tz") == 0
    out = capsys.readouterr().out
    assert "Imported 2 group(s) from meeting-guide into source 'tz'" in out
    assert run(data_dir, "search", "meeting", "--sort", "soonest", "--json", "--day", "sat") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 2
    for item in result["results"]:
        assert {"id", "name", "source", "attendance", "topics", "leadership", "status", "distance_km", "next_meeting"} <= item.keys()
        assert item["source"] == "tz" and item["distance_km"] is None and isinstance(item["topics"], list)
        assert ISO_WITH_OFFSET.match(item["next_meeting"]["start"])
        assert item["next_meeting"]["timezone"] in ("America/New_York", "America/Los_Angeles")
    starts = [item["next_meeting"]["start"] for item in result["results"]]
    # 11:45 in Philadelphia comes before 09:00 in San Francisco on the same Saturday
    assert [r["id"] for r in result["results"]] == ["tz/pa-meeting", "tz/sf-meeting"] and starts[0][:10] == starts[1][:10]


def test_search_near_a_place_reports_distances(data_dir, capsys):
    run(data_dir, "import", str(MG / "eda.json"), "--timezone", "America/New_York")
    capsys.readouterr()
    assert run(data_dir, "search", "--near", "19103", "--within-km", "40", "--sort", "distance", "--json", "--limit", "3") == 0
    result = json.loads(capsys.readouterr().out)
    distances = [r["distance_km"] for r in result["results"] if r["attendance"] in ("in-person", "hybrid")]
    assert distances and distances == sorted(distances) and distances[-1] <= 40
    assert all(r["distance_km"] is None for r in result["results"] if r["attendance"] not in ("in-person", "hybrid"))
    assert run(data_dir, "search", "--near", "Atlantis City", "--json") == 1
    assert "no city called 'Atlantis City'" in capsys.readouterr().err


def test_fatal_import_exits_non_zero_and_changes_nothing(data_dir, capsys):
    run(data_dir, "import", str(MG / "timezones.json"), "--source", "tz")
    capsys.readouterr()
    assert run(data_dir, "import", str(MG / "invalid.json"), "--source", "tz") == 1
    err = capsys.readouterr().err
    assert "nothing was imported: invalid.json is not valid JSON" in err
    run(data_dir, "sources", "--json")
    sources = {s["name"]: s["groups"] for s in json.loads(capsys.readouterr().out)}
    assert sources == {"bundled": 9, "tz": 2}


def test_validate_reports_repairs_and_writes_nothing(data_dir, capsys):
    assert run(data_dir, "validate", str(TESTDATA / "hsds3" / "service_full.json")) == 0
    out = capsys.readouterr().out
    assert "Would import 1 group(s) from hsds" in out and "COUNT (3) together with UNTIL" in out and "Nothing was written." in out
    run(data_dir, "sources", "--json")
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == ["bundled"]


def test_export_and_sources(data_dir, tmp_path, capsys):
    run(data_dir, "import", str(MG / "times.json"))
    out_file = tmp_path / "out.json"
    assert run(data_dir, "export", "--format", "meeting-guide", "-o", str(out_file)) == 0
    meetings = json.loads(out_file.read_text())
    assert any(m.get("day") == 1 and m.get("time") == "19:00" for m in meetings)
    capsys.readouterr()
    assert run(data_dir, "sources") == 0
    out = capsys.readouterr().out
    assert "times: 9 group(s), meeting-guide, last imported" in out


def test_text_output_names_the_zone_or_says_it_is_unknown(data_dir, capsys):
    run(data_dir, "import", str(MG / "appointment.json"), "--source", "a")
    capsys.readouterr()
    assert run(data_dir, "search", "meeting", "--timezone", "Europe/Paris") == 0
    out = capsys.readouterr().out
    # "San Francisco" with no state or country: a town name alone never decides a zone across countries
    assert "time zone unknown" in out
    run(data_dir, "import", str(MG / "times.json"), "--source", "t", "--timezone", "America/Chicago")
    capsys.readouterr()
    run(data_dir, "search", "monday 7pm", "--timezone", "Europe/Paris")
    out = capsys.readouterr().out
    assert "(Europe/Paris) — 19:00 America/Chicago" in out
