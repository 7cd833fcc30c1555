"""The directory that comes with Kindred: where it is, the source name it is stored under, and
the version string that tells a start whether it is loaded already."""

from __future__ import annotations

import json
from pathlib import Path

from services.paths import ASSETS_DIR

BUNDLED_SOURCE = "bundled"
BUNDLED_FILE = ASSETS_DIR / "directory.json"


def bundled_version(path: Path = BUNDLED_FILE) -> str:
    """Kept in the source's publisher field: a start whose file differs loads it again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return f"Kindred bundled directory ({data.get('generated_at', 'unknown date')}, {len(data.get('groups', []))} entries)"


def loaded_version(dbapi_connection) -> str | None:
    """The bundled directory version a database holds (None before the first start loads it)."""
    row = dbapi_connection.execute(
        "SELECT publisher FROM directory_source WHERE name = ?", (BUNDLED_SOURCE,)).fetchone()
    return row[0] if row else None
