"""The privacy commands: setup, saved, backup, security — as a person (or a script) uses them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as kindred
from tests.app_process import ROOT
from tests.privacy_support import CANARY, PASSPHRASE, raw_bytes
from tests.privacy_support import env, run  # noqa: F401 - a fixture and the CLI runner


@pytest.mark.slow
def test_set_up_save_with_a_note_restart_unlock_and_find_it(data_dir, tmp_path):
    """The issue's "done when", as separate processes: nothing is kept between runs but the files."""
    environment = {"KINDRED_PASSPHRASE": PASSPHRASE, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    script = [str(Path(sys.executable).parent / "kindred"), "--data-dir", str(data_dir)]

    def cli(*args, env=environment):
        return subprocess.run([*script, *args], capture_output=True, text=True, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, timeout=60)

    setup = cli("setup")
    assert setup.returncode == 0, setup.stderr
    assert "no system keyring" in setup.stdout and "recovery code" in setup.stdout
    assert cli("saved", "add", "bundled/dbsa-support-groups", "--note", f"bring {CANARY}").returncode == 0
    listed = cli("saved", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [group] = json.loads(listed.stdout)
    assert group["group_id"] == "bundled/dbsa-support-groups" and group["note"] == f"bring {CANARY}"
    assert group["name"] == "DBSA support groups" and group["status"] == "listed"
    locked = cli("saved", "list", env={k: v for k, v in environment.items() if k != "KINDRED_PASSPHRASE"})
    assert locked.returncode == 1 and "Kindred is locked" in locked.stderr and CANARY not in locked.stdout
    wrong = cli("saved", "list", env={**environment, "KINDRED_PASSPHRASE": "wrong passphrase"})
    assert wrong.returncode == 1 and "does not unlock" in wrong.stderr
    assert CANARY.encode() not in raw_bytes(data_dir / "private.sqlite")


def test_saved_commands(data_dir, env, capsys):
    assert run(data_dir, "setup") == 0
    code_line = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Recovery code: ")]
    assert len(code_line) == 1 and len(code_line[0].removeprefix("Recovery code: ")) == 29
    assert run(data_dir, "saved", "add", "bundled/smart-recovery", "--note", "first") == 0
    assert run(data_dir, "saved", "note", "bundled/smart-recovery", "second thoughts") == 0
    assert run(data_dir, "saved", "attended", "bundled/smart-recovery", "--date", "2026-02-03") == 0
    assert run(data_dir, "saved", "attended", "bundled/smart-recovery", "--date", "03/02/2026") == 1
    assert "is not a date" in capsys.readouterr().err
    assert run(data_dir, "saved", "note", "bundled/zzz", "x") == 1
    assert "not one of your saved groups" in capsys.readouterr().err
    assert run(data_dir, "saved", "list") == 0
    out = capsys.readouterr().out
    assert "SMART Recovery" in out and "note: second thoughts" in out and "went: 2026-02-03" in out
    assert run(data_dir, "saved", "remove", "bundled/smart-recovery") == 0
    assert run(data_dir, "saved", "remove", "bundled/smart-recovery") == 1
    capsys.readouterr()
    assert run(data_dir, "saved", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_not_set_up_is_a_clear_error(data_dir, env, capsys):
    assert run(data_dir, "saved", "list") == 1
    assert "kindred setup" in capsys.readouterr().err


def test_plain_export_asks_for_the_passphrase(data_dir, env, tmp_path, monkeypatch, capsys):
    run(data_dir, "setup")
    run(data_dir, "saved", "add", "bundled/smart-recovery", "--note", "n")
    assert run(data_dir, "saved", "export", "-o", str(tmp_path / "s.csv")) == 0
    assert (tmp_path / "s.csv").read_text().startswith("group_id,name,status,note")
    assert "NOT encrypted" in capsys.readouterr().out
    monkeypatch.delenv("KINDRED_PASSPHRASE")
    assert run(data_dir, "saved", "export", "-o", str(tmp_path / "t.json")) == 1
    assert not (tmp_path / "t.json").exists()


def test_backup_create_restore_on_a_fresh_dir_and_refusals(data_dir, env, tmp_path, capsys, monkeypatch):
    run(data_dir, "setup")
    run(data_dir, "saved", "add", "bundled/smart-recovery", "--note", CANARY)
    path = tmp_path / "b.kindred-backup"
    assert run(data_dir, "backup", "create", "-o", str(path)) == 0
    assert CANARY.encode() not in path.read_bytes()
    capsys.readouterr()

    fresh = tmp_path / "fresh"
    assert run(fresh, "backup", "show", str(path)) == 0
    assert "saved group" in capsys.readouterr().out
    assert run(fresh, "backup", "restore", str(path)) == 1, "without a terminal, --yes is required"
    assert "--yes" in capsys.readouterr().err
    assert run(fresh, "backup", "restore", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "1  saved group" in out and "new recovery code" in out
    assert run(fresh, "saved", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["note"] == CANARY

    # Restoring over data keeps a snapshot and says where.
    assert run(data_dir, "saved", "add", "bundled/griefshare") == 0
    assert run(data_dir, "backup", "restore", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "replaces the 2 private record(s)" in out and str(data_dir.resolve() / "snapshots") in out

    truncated = tmp_path / "cut.kindred-backup"
    truncated.write_bytes(path.read_bytes()[:-5])
    assert run(data_dir, "backup", "restore", str(truncated), "--yes") == 1
    assert "incomplete" in capsys.readouterr().err
    monkeypatch.setenv("KINDRED_BACKUP_PASSPHRASE", "not the right one")
    assert run(data_dir, "backup", "restore", str(path), "--yes") == 1
    assert "does not open this backup" in capsys.readouterr().err


def test_change_passphrase_and_delete_all(data_dir, env, monkeypatch, capsys):
    run(data_dir, "setup")
    run(data_dir, "saved", "add", "bundled/smart-recovery")
    monkeypatch.setenv("KINDRED_NEW_PASSPHRASE", "the second passphrase")
    assert run(data_dir, "security", "change-passphrase") == 0
    assert run(data_dir, "saved", "list") == 1
    monkeypatch.setenv("KINDRED_PASSPHRASE", "the second passphrase")
    assert run(data_dir, "saved", "list") == 0
    assert run(data_dir, "security", "delete-all") == 1
    assert run(data_dir, "security", "delete-all", "--confirm", "delete") == 1
    assert "Nothing was deleted" in capsys.readouterr().err
    assert run(data_dir, "security", "delete-all", "--confirm", "DELETE") == 0
    assert run(data_dir, "security", "status", "--json") == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["set_up"] is False


def test_a_new_recovery_code_retires_the_old_one(data_dir, env, monkeypatch, capsys):
    assert run(data_dir, "setup") == 0
    old = [line.removeprefix("Recovery code: ") for line in capsys.readouterr().out.splitlines() if line.startswith("Recovery code: ")][0]
    assert run(data_dir, "security", "new-recovery-code") == 1, "without a terminal it needs --yes"
    assert "add --yes" in capsys.readouterr().err
    assert run(data_dir, "security", "new-recovery-code", "--yes") == 0
    new = [line.removeprefix("Recovery code: ") for line in capsys.readouterr().out.splitlines() if line.startswith("Recovery code: ")][0]
    assert new != old and len(new) == 29
    monkeypatch.delenv("KINDRED_PASSPHRASE")
    for code, works in ((old, False), (new, True)):
        monkeypatch.setenv("KINDRED_PASSPHRASE", code)  # not a passphrase: change-passphrase takes the code too
        monkeypatch.setenv("KINDRED_NEW_PASSPHRASE", "a passphrase set with the code")
        assert (run(data_dir, "security", "change-passphrase") == 0) is works
