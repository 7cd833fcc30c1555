"""How every Kindred SQLite connection is set up, and which schema a database is at — with the
standard library's DB-API alone, so ``services.storage`` (SQLAlchemy) and
``kindred directory search`` (plain ``sqlite3``, issue #14) share one definition."""

from __future__ import annotations

# The newest migration of each database. A database already at it opens without importing
# Alembic (a few hundred milliseconds of every start), and ``kindred directory search`` opens the
# directory without SQLAlchemy only when it is at it. tests/test_storage_head.py fails when a
# migration is added and this is not moved on with it.
HEAD_REVISIONS = {"directory": "d0008", "private": "p0005"}


def configure(dbapi_connection, journal_mode: str | None = None) -> None:
    """Every connection's settings; ``journal_mode`` when the caller sets it (it is kept in the
    file, so a connection to a database made by Kindred need not)."""
    cursor = dbapi_connection.cursor()
    try:
        if journal_mode:
            # WAL natively; a rollback journal in the browser, which has no shared memory.
            cursor.execute(f"PRAGMA journal_mode={journal_mode}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # NORMAL is durable for committed transactions in WAL mode except on power loss of
        # the OS itself; FULL costs little here and makes "nothing is lost" literal.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def stored_revision(dbapi_connection) -> str | None:
    """The revision Alembic recorded in this database, read with plain SQL (None when there is
    none, or more than one)."""
    has_table = dbapi_connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not has_table:
        return None
    rows = dbapi_connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return rows[0][0] if len(rows) == 1 else None
