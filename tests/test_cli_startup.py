"""`kindred` imports only what the command it runs uses (issue #14): `--version` never loads the database, migration, crypto or HTTP libraries, a database whose stored
revision is the newest opens without Alembic, and a search of a ready directory without
SQLAlchemy. No timing assertions: what is imported is
what is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "httpx", "cryptography", "flet")


def imported_after(code: str, env: dict | None = None) -> set[str]:
    """The top-level packages imported by ``code`` run in a fresh interpreter."""
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "try:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "except SystemExit:\n    pass\n"
        "import json\n"
        "sys.__stdout__.write('\\nMODULES ' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env,
                         cwd=ROOT)
    line = next(line for line in out.stdout.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def test_version_imports_no_heavy_library():
    modules = imported_after("from cli import main\nmain(['--version'])")
    assert not modules & set(HEAVY), f"`kindred --version` imported {sorted(modules & set(HEAVY))}"


def test_the_installed_command_prints_its_version_without_heavy_libraries():
    script = Path(sys.executable).with_name("kindred")
    if not script.exists():
        pytest.skip("the kindred console script is not installed in this environment")
    out = subprocess.run([sys.executable, "-X", "importtime", str(script), "--version"], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    assert out.stdout.startswith("kindred ")
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_every_command_maps_to_the_module_that_registers_it():
    full = cli.build_parser()
    choices = next(a for a in full._actions if a.dest == "command").choices
    assert set(choices) == set(cli.COMMANDS)
    for command, module in cli.COMMANDS.items():
        one = cli.build_parser([module])
        assert command in next(a for a in one._actions if a.dest == "command").choices


@pytest.mark.parametrize(("argv", "expected"), [
    (["--version"], None), (["directory", "search", "x"], "directory"), (["--data-dir", "d", "sync"], "sync"),
    (["--data-dir=d", "journal", "list"], "journal"), (["-h"], None), (["--", "info"], "info"),
])
def test_the_command_is_found_before_parsing(argv, expected):
    assert cli._command_name(argv) == expected


def test_directory_search_on_a_current_database_imports_no_heavy_library(tmp_path):
    """Session 8: a ready directory is searched with sqlite3 alone, without even SQLAlchemy
    (tests/test_cli_plain_search.py checks its answers against the full way)."""
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "info"]) == 0  # creates and migrates both databases
    modules = imported_after(
        f"from cli import main\nmain(['--data-dir', {str(data)!r}, 'directory', 'search', 'anxiety', '--json'])")
    assert {"services", "sqlite3"} <= modules  # it did search
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
