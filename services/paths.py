"""Where Kindred keeps its files.

The data directory is chosen in this order: an explicit ``--data-dir``, the
``KINDRED_DATA_DIR`` variable, ``FLET_APP_STORAGE_DATA`` (set by Flet on built
apps), and finally the platform's user data directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "Kindred"
DIRECTORY_DB_NAME = "directory.sqlite"
PRIVATE_DB_NAME = "private.sqlite"

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"


def resolve_data_dir(explicit: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    for candidate in (explicit, env.get("KINDRED_DATA_DIR"), env.get("FLET_APP_STORAGE_DATA")):
        if candidate:
            return Path(candidate).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).resolve()


def ensure_data_dir(path: Path) -> Path:
    # 0o700: the folder holds private (if encrypted) data; other local users have no business there.
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
