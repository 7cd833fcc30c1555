"""``kindred devices``: link, join, sync, status — in-process, and ``kill -9`` in the middle
of a merge in a real separate process, again and again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as kindred
from services.app import open_services
from services.devices import CONFLICT_KIND, FolderSync
from services.journal import Journal
from tests.app_process import ROOT, _die_with_parent
from tests.privacy_support import CANARY, PASSPHRASE
from tests.privacy_support import env, run  # noqa: F401 - a fixture and the CLI runner


def recovery_code(out: str) -> str:
    [line] = [line for line in out.splitlines() if line.startswith("Recovery code: ")]
    return line.removeprefix("Recovery code: ").strip()


def test_link_join_sync_and_status_from_the_command_line(tmp_path, env, monkeypatch, capsys):
    a, b, shared = tmp_path / "a", tmp_path / "b", tmp_path / "Sync"
    assert run(a, "setup") == 0
    code = recovery_code(capsys.readouterr().out)
    assert run(a, "journal", "add", "--mood", "4", "--note", f"laptop {CANARY}") == 0
    capsys.readouterr()
    assert run(a, "devices", "status", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"folder": None, "last_synced": None, "devices": [], "conflicts": 0}
    assert run(a, "devices", "sync") == 1
    assert "no sync folder yet" in capsys.readouterr().err
    assert run(a, "devices", "link", str(shared), "--name", "Laptop") == 0
    capsys.readouterr()

    monkeypatch.setenv("KINDRED_RECOVERY_CODE", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    monkeypatch.setenv("KINDRED_PASSPHRASE", "the phone's own passphrase")
    assert run(b, "devices", "join", str(shared), "--name", "Phone") == 1
    assert "does not open this sync folder" in capsys.readouterr().err
    monkeypatch.setenv("KINDRED_RECOVERY_CODE", code.lower().replace("-", " "))  # as typed by hand
    assert run(b, "devices", "join", str(shared), "--name", "Phone") == 0
    assert "has joined" in capsys.readouterr().out
    assert run(b, "journal", "list", "--json") == 0
    assert [e["note"] for e in json.loads(capsys.readouterr().out)] == [f"laptop {CANARY}"]
    assert run(b, "journal", "add", "--mood", "2", "--note", "phone entry") == 0
    assert run(b, "devices", "sync") == 0
    capsys.readouterr()

    monkeypatch.setenv("KINDRED_PASSPHRASE", PASSPHRASE)
    assert run(a, "devices", "sync") == 0
    assert "1 change(s) taken" in capsys.readouterr().out
    assert run(a, "devices", "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert set(status) == {"folder", "last_synced", "devices", "conflicts"}
    assert status["folder"] == str(shared.resolve()) and status["last_synced"] and status["conflicts"] == 0
    assert sorted(d["name"] for d in status["devices"]) == ["Laptop", "Phone"]
    assert run(a, "journal", "list", "--json") == 0
    assert sorted(e["note"] for e in json.loads(capsys.readouterr().out)) == [f"laptop {CANARY}", "phone entry"]
    for path in shared.iterdir():
        assert CANARY.encode() not in path.read_bytes()


def _kindred_process(data_dir: Path, *args) -> subprocess.Popen:
    environment = {"KINDRED_PASSPHRASE": PASSPHRASE, "KINDRED_SYNC_TRACE": "1", "PATH": os.environ.get("PATH", ""),
                   "HOME": str(data_dir.parent)}
    return subprocess.Popen([str(Path(sys.executable).parent / "kindred"), "--data-dir", str(data_dir), *args], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment, preexec_fn=_die_with_parent)


@pytest.mark.slow
def test_kill_9_in_the_middle_of_a_merge_again_and_again_loses_and_doubles_nothing(tmp_path):
    """B merges A's change files in a separate process, killed with SIGKILL as soon as it has
    merged one file; then again, until a run finishes. Every record is there exactly once."""
    shared = tmp_path / "Sync"
    a = open_services(tmp_path / "a")
    b = open_services(tmp_path / "b")
    try:
        store_a, code = a.vault.set_up(PASSPHRASE, use_keyring=False)
        journal = Journal(store_a)
        journal.add(mood=3, note="before the link")
        FolderSync(store_a, a.vault).link(shared, "Laptop")
        from services.devices import join_folder

        store_b, _ = join_folder(b.vault, shared, code, PASSPHRASE, "Phone")
        for batch in range(6):  # six change files of 40 entries each
            for n in range(40):
                journal.add(mood=1 + n % 5, note=f"batch {batch} entry {n} {CANARY}")
            FolderSync(store_a, a.vault).sync()
        journal.delete(journal.all_entries()[-1].id)  # and one deletion
        FolderSync(store_a, a.vault).sync()
        expected = {e.id: e.note for e in journal.all_entries()}
        store_b.lock()
    finally:
        b.close()
    kills = 0
    for _attempt in range(12):
        process = _kindred_process(tmp_path / "b", "devices", "sync")
        line = process.stderr.readline()  # "merged NAME" once a file's transaction committed
        if line.startswith("merged") and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        out, err = process.communicate(timeout=120)
        if process.returncode == 0:
            break
        assert process.returncode == -signal.SIGKILL, err
    else:
        pytest.fail("the sync never finished")
    assert kills >= 2
    print(f"kill -9 mid-merge: {kills} kills before a run finished")
    b = open_services(tmp_path / "b")
    try:
        store_b = b.vault.unlock(PASSPHRASE)
        got = Journal(store_b).all_entries()
        assert len(got) == len({e.id for e in got}) == len(expected)
        assert {e.id: e.note for e in got} == expected
        assert not store_b.list(CONFLICT_KIND)
        store_b.lock()
    finally:
        b.close()
        a.close()


def test_export_and_import_a_sync_file_from_the_command_line(tmp_path, env, monkeypatch, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(a, "setup") == 0
    code = recovery_code(capsys.readouterr().out)
    assert run(a, "journal", "add", "--mood", "4", "--note", f"laptop {CANARY}") == 0
    assert run(a, "devices", "export", "-o", str(tmp_path / "x.kindred-sync"), "--name", "Laptop") == 0
    assert CANARY.encode() not in (tmp_path / "x.kindred-sync").read_bytes()
    monkeypatch.setenv("KINDRED_RECOVERY_CODE", code)
    monkeypatch.setenv("KINDRED_PASSPHRASE", "the browser's passphrase")
    capsys.readouterr()
    assert run(b, "devices", "import", str(tmp_path / "x.kindred-sync"), "--name", "Browser") == 0
    assert "has joined" in capsys.readouterr().out
    assert run(b, "journal", "list", "--json") == 0
    assert [e["note"] for e in json.loads(capsys.readouterr().out)] == [f"laptop {CANARY}"]
    assert run(b, "devices", "import", str(tmp_path / "x.kindred-sync")) == 0
    assert "Merged 0 change file(s)" in capsys.readouterr().out
    (tmp_path / "junk").write_bytes(b"not a sync file")
    assert run(b, "devices", "import", str(tmp_path / "junk")) == 1
    assert "not a Kindred sync file" in capsys.readouterr().err


def test_pair_then_join_with_the_pairing_code_from_the_command_line(tmp_path, env, monkeypatch, capsys):
    a, b, c, shared = tmp_path / "a", tmp_path / "b", tmp_path / "c", tmp_path / "Sync"
    assert run(a, "setup") == 0
    capsys.readouterr()
    assert run(a, "devices", "pair") == 1
    assert "no sync folder yet" in capsys.readouterr().err
    assert run(a, "journal", "add", "--mood", "4", "--note", f"laptop {CANARY}") == 0
    assert run(a, "devices", "link", str(shared), "--name", "Laptop") == 0
    capsys.readouterr()
    assert run(a, "devices", "pair", "--minutes", "10") == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("Pairing code: ")]
    code = line.removeprefix("Pairing code: ").strip()
    assert "works once" in out and CANARY not in out

    monkeypatch.delenv("KINDRED_RECOVERY_CODE", raising=False)
    monkeypatch.setenv("KINDRED_PAIRING_CODE", code)
    monkeypatch.setenv("KINDRED_PASSPHRASE", "the phone's own passphrase")
    assert run(b, "devices", "join", str(shared), "--pairing-code", "--name", "Phone") == 0
    assert "has joined" in capsys.readouterr().out
    assert run(b, "journal", "list", "--json") == 0
    assert [e["note"] for e in json.loads(capsys.readouterr().out)] == [f"laptop {CANARY}"]
    # Once only.
    assert run(c, "devices", "join", str(shared), "--pairing-code") == 1
    assert "pairing code does not open" in capsys.readouterr().err
    for path in shared.iterdir():
        assert CANARY.encode() not in path.read_bytes()
