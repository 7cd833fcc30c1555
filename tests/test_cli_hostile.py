"""The command line with hostile input (issue 13): plain sentences, never a traceback;
feed text never drives the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main as kindred
from tests.app_process import ROOT
from tests.sync_support import group, kindred_feed

ESCAPES = "\x1b]0;you have been hacked\x07\x1b[2J\x1b[1;31m"
BIDI = "\u202eepyt\u202c \u2066x\u2069"
KINDRED = [str(Path(sys.executable).parent / "kindred")]


def run(data_dir, *args) -> int:
    return kindred(["--data-dir", str(data_dir), *args])


@pytest.fixture
def hostile_feed(tmp_path) -> Path:
    bad = {**group(1), "id": "evil", "name": f"Anxiety {ESCAPES}circle {BIDI}",
           "description": f"Meets weekly{ESCAPES}\r\x9b2J{BIDI}"}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "x"},
                                "groups": [bad, {**group(2), "typical_size": 10**30, "name": f"Bad {ESCAPES}"}]}))
    return path


def assert_terminal_safe(text: str) -> None:
    for character in ("\x1b", "\x07", "\x9b", "\r", "\u202e", "\u202c", "\u2066", "\u2069"):
        assert character not in text


def test_feed_text_is_stripped_of_control_and_bidi_characters(data_dir, hostile_feed, capsys):
    assert run(data_dir, "directory", "validate", str(hostile_feed)) == 0
    assert run(data_dir, "directory", "import", str(hostile_feed)) == 0
    assert run(data_dir, "directory", "search", "Anxiety") == 0
    assert run(data_dir, "directory", "show", "hostile/evil") == 0
    assert run(data_dir, "directory", "sources") == 0
    out = capsys.readouterr()
    assert "Anxiety ]0;you have been hacked[2J[1;31mcircle" in out.out  # the words stay, the controls go
    assert_terminal_safe(out.out + out.err)


def test_json_output_keeps_the_text_but_escapes_what_a_terminal_would_act_on(data_dir, hostile_feed, capsys):
    assert run(data_dir, "directory", "import", str(hostile_feed)) == 0
    capsys.readouterr()
    assert run(data_dir, "directory", "show", "hostile/evil", "--json") == 0
    out = capsys.readouterr().out
    assert_terminal_safe(out)
    assert json.loads(out)["name"] == f"Anxiety {ESCAPES}circle {BIDI}"


def test_a_damaged_private_database_says_what_to_do(data_dir, capsys):
    assert run(data_dir, "directory", "sources") == 0
    (data_dir / "private.sqlite").write_bytes(b"this is not a database, it was damaged" * 100)
    for path in data_dir.glob("private.sqlite-*"):
        path.unlink()
    capsys.readouterr()
    assert run(data_dir, "saved", "list") == 1
    err = capsys.readouterr().err
    assert "private data file" in err and "damaged" in err and "backup restore" in err and "snapshots" in err
    assert "Traceback" not in err
    started = subprocess.run([sys.executable, str(ROOT / "main.py"), "--web", "--port", "1", "--data-dir", str(data_dir)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert started.returncode == 1 and "snapshots" in started.stderr and "Traceback" not in started.stderr


@pytest.mark.parametrize("command", [["feed", "sign", "FEED", "--key", "/dev/zero"],
                                     ["feed", "verify", "FEED", "--pub", "/dev/zero"],
                                     ["feed", "sign", "/dev/zero", "--key", "KEY"],
                                     ["journal", "import", "/dev/zero"],
                                     ["backup", "show", "/dev/zero"]])
def test_a_device_as_a_key_feed_or_backup_file_is_a_sentence(data_dir, tmp_path, command, capsys, monkeypatch):
    monkeypatch.setenv("KINDRED_PASSPHRASE", "correct horse battery staple")
    feed = tmp_path / "feed.json"
    feed.write_bytes(kindred_feed(1))
    assert run(data_dir, "feed", "keygen", "-o", str(tmp_path / "k")) == 0
    args = [str(feed) if a == "FEED" else str(tmp_path / "k.key") if a == "KEY" else a for a in command]
    capsys.readouterr()
    assert run(data_dir, *args) == 1
    err = capsys.readouterr().err
    assert "not a regular file" in err and "Traceback" not in err


def test_output_into_a_closed_pipe_ends_quietly(data_dir, tmp_path):
    feed = tmp_path / "many.json"
    feed.write_bytes(kindred_feed(1500))
    assert run(data_dir, "directory", "import", str(feed)) == 0
    process = subprocess.Popen([*KINDRED, "--data-dir", str(data_dir), "directory", "search", "--limit", "1500"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err
