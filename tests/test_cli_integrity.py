"""``kindred security check`` and the commands that must work with the rest when some
records do not decrypt (issue 11 item 1, issue 13 item 4)."""

import json
from datetime import datetime, timezone

import pytest

from cli import main as kindred
from services.app import open_services
from services.journal import Journal
from services.privacy import StaleKeyError
from tests.privacy_support import CANARY, PASSPHRASE, private_rows, write_under_old_key

NEW_PASSPHRASE = "the passphrase after the reset"


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KINDRED_BACKUP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("cli.common.stdin_is_interactive", lambda: False)


def run(data_dir, *args) -> int:
    return kindred(["--data-dir", str(data_dir), *args])


def damage_the_old_way(data_dir, monkeypatch) -> str:
    """What happened before key epochs: tab A unlocked, tab B deleted everything and set up
    a new passphrase, tab A saved a check-in under its old key. Returns that row's id."""
    services = open_services(data_dir)
    try:
        tab_a = services.vault.unlock(PASSPHRASE)
        old_key = tab_a.data_key
    finally:
        services.close()
    assert run(data_dir, "security", "delete-all", "--confirm", "DELETE") == 0
    assert run(data_dir, "setup") == 0  # same passphrase again: a new data key all the same
    assert run(data_dir, "journal", "add", "--mood", "4", "--note", "after the reset") == 0
    assert run(data_dir, "saved", "add", "bundled/smart-recovery", "--note", "kept") == 0
    services = open_services(data_dir)
    try:
        write_under_old_key(
            services.private_db, "journal_entry", "from-the-stale-tab", {"mood": 1, "note": CANARY},
            when=datetime(2026, 11, 30, 21, 15, tzinfo=timezone.utc), key=old_key,
        )
        write_under_old_key(services.private_db, "saved_group", "stale-saved", {"group_id": "x/y", "note": CANARY}, key=old_key)
    finally:
        services.close()
    return "from-the-stale-tab"


def test_a_store_damaged_the_old_way_is_reported_and_recovered(data_dir, env, tmp_path, monkeypatch, capsys):
    assert run(data_dir, "setup") == 0
    bad_id = damage_the_old_way(data_dir, monkeypatch)
    capsys.readouterr()

    # Everything works with the rest and says how much was left out.
    assert run(data_dir, "journal", "list") == 0
    captured = capsys.readouterr()
    assert "after the reset" in captured.out and "1 check-in could not be read and was left out" in captured.err
    assert run(data_dir, "journal", "list", "--json") == 0
    assert [e["note"] for e in json.loads(capsys.readouterr().out)] == ["after the reset"]
    assert run(data_dir, "journal", "insights", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total_entries"] == 1 and report["left_out"] == 1
    assert run(data_dir, "journal", "export", "--format", "csv", "-o", str(tmp_path / "j.csv")) == 0
    assert "Exported 1 check-ins" in capsys.readouterr().out
    assert run(data_dir, "saved", "list") == 0
    captured = capsys.readouterr()
    assert "kept" in captured.out and "1 saved group could not be read" in captured.err
    backup = tmp_path / "b.kindred-backup"
    assert run(data_dir, "backup", "create", "-o", str(backup)) == 0
    out = capsys.readouterr().out
    assert "(2 record(s))" in out and "2 record(s) that could not be read" in out
    assert run(tmp_path / "elsewhere", "backup", "show", str(backup)) == 0
    assert "2  record(s) that could not be read" in capsys.readouterr().out

    # The check reports kind, id and date — never content — and exits 1.
    assert run(data_dir, "security", "check") == 1
    out = capsys.readouterr().out
    assert "2 record(s) do not decrypt" in out and bad_id in out and "check-in" in out and "2026-11-30" in out
    assert CANARY not in out
    assert run(data_dir, "security", "check", "--json") == 1
    checked = json.loads(capsys.readouterr().out)
    assert not checked["ok"] and {(r["kind"], r["id"]) for r in checked["unreadable"]} == {
        ("journal_entry", bad_id), ("saved_group", "stale-saved")
    }

    # Setting aside asks first; without a terminal it needs --yes and changes nothing.
    services = open_services(data_dir)
    before = private_rows(services.private_db)
    services.close()
    assert run(data_dir, "security", "check", "--set-aside") == 1
    assert "add --yes" in capsys.readouterr().err
    services = open_services(data_dir)
    assert private_rows(services.private_db) == before
    services.close()
    monkeypatch.setattr("cli.common.stdin_is_interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert run(data_dir, "security", "check", "--set-aside") == 1
    assert "Nothing was changed" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert run(data_dir, "security", "check", "--set-aside") == 0
    assert "Set aside 2 record(s)" in capsys.readouterr().out
    monkeypatch.setattr("cli.common.stdin_is_interactive", lambda: False)

    assert run(data_dir, "security", "check") == 0
    out = capsys.readouterr().out
    assert "Every private record can be read" in out and "Kept aside: 1 journal entry and 1 saved group" in out
    assert run(data_dir, "journal", "list") == 0
    assert "left out" not in capsys.readouterr().err
    # Still carried by backups, and brought back kept aside by a restore.
    assert run(data_dir, "backup", "create", "-o", str(backup)) == 0
    fresh = tmp_path / "fresh"
    assert run(fresh, "backup", "restore", str(backup), "--yes") == 0
    capsys.readouterr()
    assert run(fresh, "security", "check", "--json") == 0
    assert len(json.loads(capsys.readouterr().out)["set_aside"]) == 2


def test_set_aside_with_yes_needs_no_terminal(data_dir, env, monkeypatch, capsys):
    assert run(data_dir, "setup") == 0
    damage_the_old_way(data_dir, monkeypatch)
    assert run(data_dir, "security", "check", "--set-aside", "--yes") == 0
    assert run(data_dir, "security", "check") == 0
    assert run(data_dir, "security", "check", "--yes") == 1
    assert "--yes only goes with --set-aside" in capsys.readouterr().err


def test_a_stale_tab_cannot_write_after_a_reset_through_the_cli(data_dir, env, monkeypatch, capsys):
    """Tab A (the app) holds an unlocked store; the CLI deletes everything and sets up a new
    passphrase; tab A's save is refused, nothing is written, and the CLI finds nothing wrong."""
    assert run(data_dir, "setup") == 0
    assert run(data_dir, "journal", "add", "--mood", "3", "--note", "before") == 0
    app = open_services(data_dir)
    try:
        tab_a = app.vault.unlock(PASSPHRASE)
        assert [e.note for e in Journal(tab_a).all_entries()] == ["before"]
        assert run(data_dir, "security", "delete-all", "--confirm", "DELETE") == 0
        monkeypatch.setenv("KINDRED_PASSPHRASE", NEW_PASSPHRASE)
        assert run(data_dir, "setup") == 0
        assert run(data_dir, "journal", "add", "--mood", "4", "--note", "after") == 0
        before = private_rows(app.private_db)
        with pytest.raises(StaleKeyError, match="this window has locked"):
            Journal(tab_a).add(mood=5, note="saved by the stale tab")
        assert private_rows(app.private_db) == before and tab_a.is_locked
    finally:
        app.close()
    capsys.readouterr()
    assert run(data_dir, "security", "check") == 0
    assert run(data_dir, "journal", "list", "--json") == 0
    out = capsys.readouterr().out
    assert [e["note"] for e in json.loads(out[out.index("["):])] == ["after"]
