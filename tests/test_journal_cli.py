"""``kindred journal`` end to end over a real data folder."""

import json

import pytest

from cli import main as kindred
from tests.test_journal_services import DAYLIO

PASSPHRASE = "correct horse battery"


@pytest.fixture
def unlocked(services, data_dir, monkeypatch):
    services.vault.set_up(PASSPHRASE)
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE)
    return ["--data-dir", str(data_dir), "journal"]


def test_add_list_and_insights(unlocked, capsys):
    assert kindred([*unlocked, "add", "--mood", "2", "--note", "long day", "--tag", "work", "--tag", "tired",
                    "--strategy", "A walk:helped", "--strategy", "Box breathing:not really", "--strategy", "Tea"]) == 0
    assert "Saved: Low (2)" in capsys.readouterr().out
    assert kindred([*unlocked, "add", "--mood", "4"]) == 0
    capsys.readouterr()
    assert kindred([*unlocked, "list", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["mood"] for e in entries] == [4, 2]
    assert entries[1]["tags"] == ["work", "tired"]
    assert entries[1]["strategies"] == [
        {"name": "A walk", "helped": "a lot"}, {"name": "Box breathing", "helped": "not really"}, {"name": "Tea", "helped": None}
    ]
    assert kindred([*unlocked, "list"]) == 0
    assert "long day" in capsys.readouterr().out
    assert kindred([*unlocked, "insights", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total_entries"] == 2 and report["strategies_by_help"][0]["name"] == "A walk"
    assert kindred([*unlocked, "insights"]) == 0
    assert "2 check-ins in all" in capsys.readouterr().out


def test_export_and_import_round_trip(unlocked, tmp_path, capsys):
    kindred([*unlocked, "add", "--mood", "3", "--note", "for export"])
    json_path, csv_path = tmp_path / "journal.json", tmp_path / "journal.csv"
    assert kindred([*unlocked, "export", "--format", "json", "-o", str(json_path)]) == 0
    assert kindred([*unlocked, "export", "--format", "csv", "-o", str(csv_path)]) == 0
    assert "for export" in csv_path.read_text(encoding="utf-8-sig")
    assert kindred([*unlocked, "import", str(json_path)]) == 0
    assert "Imported 1 check-in" in capsys.readouterr().out
    kindred([*unlocked, "list", "--json"])
    assert len(json.loads(capsys.readouterr().out)) == 1


def test_daylio_import_prints_the_mood_map(unlocked, tmp_path, capsys):
    path = tmp_path / "daylio.csv"
    path.write_text(DAYLIO.replace("meh", "fine"))
    assert kindred([*unlocked, "import", str(path)]) == 1
    assert "fine" in capsys.readouterr().err
    assert kindred([*unlocked, "import", str(path), "--mood-map", "fine=3", "--time-zone", "Europe/London"]) == 0
    out = capsys.readouterr().out
    assert "rad=5" in out and "fine=3" in out and "awful=1" in out and "Imported 3 check-ins" in out


def test_a_malformed_import_is_a_clear_error(unlocked, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{oops")
    assert kindred([*unlocked, "import", str(path)]) == 1
    assert "nothing was imported" in capsys.readouterr().err


def test_missing_or_wrong_passphrase_is_a_clear_error(services, data_dir, monkeypatch, capsys):
    args = ["--data-dir", str(data_dir), "journal", "list"]
    monkeypatch.setenv("KINDRED_PASSPHRASE", "whatever it is")
    assert kindred(args) == 1
    assert "not set up" in capsys.readouterr().err
    services.vault.set_up(PASSPHRASE)
    monkeypatch.delenv("KINDRED_PASSPHRASE", raising=False)
    assert kindred(args) == 1  # pytest's stdin is not a terminal: no prompt, a clear message
    assert "Set KINDRED_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("KINDRED_PASSPHRASE", "whatever it is")
    assert kindred(args) == 1
    assert "does not unlock" in capsys.readouterr().err


def test_bad_strategy_rating_and_bad_mood(unlocked, capsys):
    assert kindred([*unlocked, "add", "--mood", "3", "--strategy", "Walk:maybe"]) == 1
    assert "helped" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        kindred([*unlocked, "add", "--mood", "7"])
