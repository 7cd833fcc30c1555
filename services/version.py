"""Kindred's version: from ``pyproject.toml`` when running from the source tree (what
``uv run`` does), else from the installed package's metadata.

``importlib.metadata`` alone costs ~40 ms of imports, half of ``kindred --version``'s budget
(issue #14), so it is only the fallback (the PWA's archive carries no pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _from_pyproject() -> str | None:
    try:
        text = PYPROJECT.read_text(encoding="utf-8")
    except OSError:
        return None
    import tomllib

    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return None
    return project.get("version") if project.get("name") == "kindred" else None


def _from_metadata() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kindred")
    except PackageNotFoundError:  # neither a source tree nor an install
        return "0.0.0+source"


__version__ = _from_pyproject() or _from_metadata()
