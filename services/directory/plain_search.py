"""``kindred directory search`` without SQLAlchemy: the directory file opened with the standard
library's ``sqlite3`` alone. Importing SQLAlchemy takes longer than the search itself (issue
#14: a command's start-up), and the search needs nothing of it (see ``rows``).

Only a directory that is ready opens this way: both data files there, the directory at the
newest migration and the bundled directory's current version loaded. Anything else — a first
start, a migration or a new bundled directory due, a damaged or locked file — gives None, and
the caller opens Kindred the full way, which does that work and explains any problem."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from services import sqlite_setup
from services.directory.bundled import BUNDLED_FILE, bundled_version, loaded_version
from services.directory.model import SearchPage
from services.directory.search import SearchQuery, search_stored
from services.paths import DIRECTORY_DB_NAME, PRIVATE_DB_NAME


def open_ready_directory(data_dir: Path, bundled_file: Path = BUNDLED_FILE) -> sqlite3.Connection | None:
    """The directory file of ``data_dir`` when nothing needs doing before it is searched."""
    path = data_dir / DIRECTORY_DB_NAME
    if not (path.is_file() and (data_dir / PRIVATE_DB_NAME).is_file()):
        return None
    try:
        # mode=rw: never creates a file (the full way sets one up with its permissions).
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        sqlite_setup.configure(connection)  # as services.storage does (WAL is kept in the file)
        ready = (sqlite_setup.stored_revision(connection) == sqlite_setup.HEAD_REVISIONS["directory"]
                 and loaded_version(connection) == bundled_version(bundled_file))
    except (sqlite3.Error, OSError, ValueError):
        ready = False
    if not ready:
        connection.close()
        return None
    return connection


def search_ready_directory(connection: sqlite3.Connection, query: SearchQuery, now: datetime | None = None) -> SearchPage:
    """One search in one transaction (it may store next meetings that have come round), then
    the connection is closed."""
    with closing(connection):
        connection.execute("BEGIN")
        try:
            page = search_stored(connection, query, now)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    return page
