"""Files that hold the person's data: created 0600 whatever the folder's mode or the umask,
written atomically; and cells of plain CSV exports that a spreadsheet will not run."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600


def create_private_file(path: Path) -> Path:
    """Make sure ``path`` exists with mode 0600 (an existing file is tightened to it), so that a
    database opened on it, and the WAL files SQLite gives the same mode, are the owner's only."""
    path = Path(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_MODE)
    finally:
        os.close(descriptor)
    return path


def write_private_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary 0600 file beside ``path``, fsync, then rename over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)
    return path


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value) -> str:
    """A CSV cell a spreadsheet shows as text: cells that start like a formula (even after
    spaces) get a leading apostrophe, as OWASP recommends against CSV injection."""
    text = "" if value is None else str(value)
    if text.lstrip(" ")[:1] in FORMULA_STARTS and text:
        text = "'" + text
    return text


class UnreadableFile(OSError):
    """Not a regular file, or larger than the caller's limit: its ``strerror`` says which."""


def read_limited(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit``: /dev/zero, a FIFO or a huge file is refused
    with an OSError (``strerror`` in plain words) instead of being read forever."""
    import stat

    with open(path, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnreadableFile(0, "it is not a regular file", str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(0, f"it is larger than {limit:,} bytes", str(path))
    return data
