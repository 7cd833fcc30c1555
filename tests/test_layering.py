"""services/ never imports flet; views/ never touches SQL, HTTP or crypto."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN_IN_SERVICES = {"flet", "flet_charts", "flet_web", "flet_desktop", "views"}
FORBIDDEN_IN_VIEWS = {
    "sqlalchemy", "sqlite3", "alembic",  # SQL
    "httpx", "requests", "urllib.request", "http.client", "socket",  # HTTP
    "cryptography", "hashlib", "hmac", "secrets", "keyring",  # crypto and keys
    "services.storage", "services.models",  # the database layer itself
}
FORBIDDEN_IN_CLI = {"flet", "views"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violations(folder: str, forbidden: set[str]) -> list[str]:
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("services", FORBIDDEN_IN_SERVICES), ("views", FORBIDDEN_IN_VIEWS), ("cli", FORBIDDEN_IN_CLI)],
)
def test_layers_keep_to_themselves(folder, forbidden):
    assert violations(folder, forbidden) == []


def test_the_checker_catches_a_violation(tmp_path, monkeypatch):
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "bad.py").write_text("import flet as ft\nfrom flet.controls import x\n")
    monkeypatch.setattr("tests.test_layering.ROOT", tmp_path)
    assert len(violations("services", FORBIDDEN_IN_SERVICES)) == 2
