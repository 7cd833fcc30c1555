"""`kindred directory search` opens a ready directory with sqlite3 alone (issue #14: SQLAlchemy's
import took longer than the search). It must answer exactly as the full way does, store the next
meetings that came round, and leave every directory that is not ready to the full way."""

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cli import main as kindred
from services.directory import plain_search
from services.directory.plain_search import open_ready_directory, search_ready_directory
from services.directory.rows import epoch
from services.directory.search import SearchQuery
from services.paths import DIRECTORY_DB_NAME

ROOT = Path(__file__).resolve().parent.parent
MG = ROOT / "tests" / "data" / "meeting-guide"

SEARCHES = [
    ["meeting", "--json"],
    ["--json", "--sort", "soonest", "--limit", "50"],
    ["--json", "--day", "sat", "--sort", "soonest"],
    ["--json", "--near", "19103", "--within-km", "40", "--sort", "distance"],
    ["--json", "--attendance", "in-person", "--day", "tue", "--time-of-day", "evening"],
    ["--json", "--topic", "anxiety", "--led-by", "peer", "--hide-closed"],
    ["support", "--json", "--topic", "depression", "--attendance", "online"],
    ["--json", "--within", "7d", "--sort", "soonest", "--timezone", "Asia/Kolkata"],
    ["--json", "--offset", "5", "--limit", "3"],
    ["nothing-matches-this-at-all", "--json"],
    ["meeting"],  # the text output too
]


@pytest.fixture
def ready(data_dir, capsys):
    """A data folder set up the full way, with real feeds imported."""
    for feed, source in (("eda.json", "eda"), ("timezones.json", "tz")):
        assert kindred(["--data-dir", str(data_dir), "directory", "import", str(MG / feed), "--source", source,
                        "--timezone", "America/New_York"]) == 0
    capsys.readouterr()
    return data_dir


def search(data_dir, capsys, *args) -> tuple[int, str, str]:
    code = kindred(["--data-dir", str(data_dir), "directory", "search", *args])
    out, err = capsys.readouterr()
    return code, out, err


def full_way_only(monkeypatch):
    monkeypatch.setattr(plain_search, "open_ready_directory", lambda *args, **kwargs: None)


@pytest.mark.parametrize("args", SEARCHES, ids=lambda a: " ".join(a))
def test_a_ready_directory_answers_exactly_as_the_full_way(ready, capsys, monkeypatch, args):
    opened = []
    real_open = plain_search.open_ready_directory
    monkeypatch.setattr(plain_search, "open_ready_directory", lambda *a, **k: opened.append(real_open(*a, **k)) or opened[-1])
    plain = search(ready, capsys, *args)
    assert opened and opened[0] is not None, "the ready directory was not searched the plain way"
    full_way_only(monkeypatch)
    assert search(ready, capsys, *args) == plain
    if "--json" in args and "nothing-matches-this-at-all" not in args:
        assert json.loads(plain[1])["total"] > 0


def test_the_search_command_never_imports_sqlalchemy_on_a_ready_directory(ready):
    code = ("import sys; from cli import main; code = main(sys.argv[1:]); "
            "sys.exit(code or (3 if 'sqlalchemy' in sys.modules else 0))")
    result = subprocess.run([sys.executable, "-c", code, "--data-dir", str(ready), "directory", "search", "meeting", "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] > 0


def test_a_new_data_folder_is_set_up_the_full_way_then_searched(data_dir, capsys):
    assert open_ready_directory(data_dir) is None
    code, out, _ = search(data_dir, capsys, "--json")
    assert code == 0 and json.loads(out)["total"] == 9  # the bundled directory, loaded by the full way
    connection = open_ready_directory(data_dir)
    assert connection is not None
    connection.close()


def test_a_changed_bundled_directory_or_a_due_migration_is_left_to_the_full_way(ready, capsys):
    path = ready / DIRECTORY_DB_NAME
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE directory_source SET publisher = 'Kindred bundled directory (an older one)' WHERE name = 'bundled'")
    connection.close()
    assert open_ready_directory(ready) is None
    code, out, _ = search(ready, capsys, "--json", "--limit", "200")
    assert code == 0 and sum(r["source"] == "bundled" for r in json.loads(out)["results"]) == 9
    assert open_ready_directory(ready) is not None  # the full way loaded the current version again
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'd0004'")
    connection.close()
    assert open_ready_directory(ready) is None


def test_a_damaged_directory_file_gets_the_full_ways_message(ready, capsys):
    path = ready / DIRECTORY_DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    assert open_ready_directory(ready) is None
    code, _, err = search(ready, capsys, "--json")
    assert code == 1 and "is damaged and cannot be opened" in err and "move it aside" in err


INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"


@pytest.mark.parametrize("scan_from", [10**9, 0], ids=["by-index", "in-bulk"])
def test_a_plain_search_stores_next_meetings_that_came_round_and_a_bad_one_changes_nothing(ready, capsys, monkeypatch,
                                                                                         scan_from):
    from services.directory import rows

    # In bulk, the refresh also drops and makes again the next meetings' indexes (most rows change).
    monkeypatch.setattr(rows, "REFRESH_SCAN_FROM", scan_from)
    path = ready / DIRECTORY_DB_NAME
    with sqlite3.connect(path) as connection:
        indexes = connection.execute(INDEXES).fetchall()
    later = datetime.now(UTC) + timedelta(days=9)
    page = search_ready_directory(open_ready_directory(ready), SearchQuery(sort="soonest", limit=5, timezone="UTC"), now=later)
    assert page.results and all(r.next_meeting is None or r.next_meeting.start > later for r in page.results)
    with sqlite3.connect(path) as connection:
        # Committed: another connection sees every timed group worked out for ``later``.
        stale = connection.execute("SELECT count(*) FROM directory_next_meeting WHERE start_utc < ?", (epoch(later),)).fetchone()[0]
        computed = connection.execute("SELECT count(*) FROM directory_next_meeting WHERE computed_utc = ?", (epoch(later),)).fetchone()[0]
        before = connection.execute("SELECT group_id, start_utc, computed_utc FROM directory_next_meeting ORDER BY group_id").fetchall()
    assert stale == 0 and computed > 10
    # A search that cannot run: a plain message, nothing stored (the refresh before it is rolled back).
    code, _, err = search(ready, capsys, "--sort", "distance", "--timezone", "Mars/Olympus")
    assert code == 1 and "'Mars/Olympus' is not an IANA time zone name" in err
    connection, statements = open_ready_directory(ready), []
    connection.set_trace_callback(statements.append)
    with pytest.raises(Exception, match="sorting by distance needs a place"):
        search_ready_directory(connection, SearchQuery(sort="distance"), now=later + timedelta(days=9))
    assert any(s.startswith("DROP INDEX") for s in statements) == (scan_from == 0)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT group_id, start_utc, computed_utc FROM directory_next_meeting ORDER BY group_id").fetchall() == before
        assert connection.execute(INDEXES).fetchall() == indexes
