"""services/ never imports flet; views/ never touches SQL, HTTP or crypto, and reaches private
data only through the session layer (services/session.py)."""

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

# From services/, views may import the session layer and plain data, vocabulary and text
# modules, nothing else: the store, the vault, saved groups, finding preferences and the
# databases are reached through a PrivateSession only.
VIEWS_MAY_IMPORT_FROM_SERVICES = {
    "services.session",  # the session layer: unlocking, private reads and writes, errors
    "services.calendar", "services.choose", "services.crisis", "services.group_text", "services.links",
    "services.preferences",  # device preferences (theme, country): not private
    "services.storage_status",  # whether the browser keeps the data; saves that keep failing
    "services.directory.model", "services.directory.places", "services.directory.schedule",
    "services.directory.search", "services.directory.vocabulary",
    "services.sync.service", "services.sync.staleness",  # source status and its errors (public data)
    "services.directory.catalogue",  # the catalogue of open directories (public data)
    "services.publishing.organisation", "services.publishing.forms",  # an organisation's public listings
    # The journal's data types and pure functions over the Journal a session hands out.
    "services.journal", "services.journal.model", "services.journal.strategies", "services.journal.selfcheck",
    "services.journal.safety_plan", "services.journal.exchange", "services.journal.reminder",
    "services.journal.insights",
    "services.i18n",  # languages: translation, plural forms, dates and numbers (no data)
    "services.privacy.integrity",  # words for kinds of private records ("165 journal entries"); no data access
}
# Names that reach past the session into storage: never used in views.
STORAGE_NAMES_OUTSIDE_SERVICES = {"store", "vault", "private_db", "directory_db", "for_store", "PrivateStore",
                                  "PrivateVault", "SavedGroups", "Journal"}


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


def service_imports(path: Path) -> set[str]:
    """Every services module a file imports ("from services import session" counts as
    services.session)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name == "services" or a.name.startswith("services."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "services":
                found.update(f"services.{a.name}" for a in node.names)
            elif node.module.startswith("services."):
                found.add(node.module)
    return found


def storage_reaches(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in STORAGE_NAMES_OUTSIDE_SERVICES:
            found.add(f".{node.attr}")
        elif isinstance(node, ast.Name) and node.id in STORAGE_NAMES_OUTSIDE_SERVICES:
            found.add(node.id)
        elif isinstance(node, ast.alias) and node.name.split(".")[-1] in STORAGE_NAMES_OUTSIDE_SERVICES:
            found.add(node.name)
    return found


def session_layer_violations(root: Path) -> list[str]:
    bad = []
    for path in sorted((root / "views").rglob("*.py")):
        where = path.relative_to(root)
        bad += [f"{where} imports {m}" for m in sorted(service_imports(path) - VIEWS_MAY_IMPORT_FROM_SERVICES)]
        bad += [f"{where} uses {name}" for name in sorted(storage_reaches(path))]
    return bad


def test_views_reach_private_data_only_through_the_session_layer():
    assert session_layer_violations(ROOT) == []


def test_the_session_layer_checker_catches_a_view_that_opens_the_store(tmp_path):
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "bad.py").write_text(
        "from services.saved import SavedGroups\nfrom services import finding\nfrom services.session import unlock\n"
        "def f(state):\n    return state.session.store()\n"
    )
    assert session_layer_violations(tmp_path) == [
        "views/bad.py imports services.finding",
        "views/bad.py imports services.saved",
        "views/bad.py uses .store",
        "views/bad.py uses SavedGroups",
    ]


def test_the_checker_catches_a_violation(tmp_path, monkeypatch):
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "bad.py").write_text("import flet as ft\nfrom flet.controls import x\n")
    monkeypatch.setattr("tests.test_layering.ROOT", tmp_path)
    assert len(violations("services", FORBIDDEN_IN_SERVICES)) == 2
