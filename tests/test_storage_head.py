"""The newest revision kept in services.storage (so a current database opens without Alembic)
is the one Alembic finds in the migration files; and a database behind it is still migrated."""

from __future__ import annotations

import sqlite3

import pytest

from services.storage import DATABASE_KINDS, HEAD_REVISIONS, head_revision, open_database, stored_revision


@pytest.mark.parametrize("kind", DATABASE_KINDS)
def test_head_revision_constant_matches_the_migration_files(kind):
    assert HEAD_REVISIONS[kind] == head_revision(kind), (
        f"a {kind} migration was added: set HEAD_REVISIONS[{kind!r}] in services/sqlite_setup.py to {head_revision(kind)!r}")


@pytest.mark.parametrize("kind", DATABASE_KINDS)
def test_a_database_behind_the_head_is_migrated_and_a_current_one_left_alone(tmp_path, kind):
    path = tmp_path / f"{kind}.sqlite"
    db = open_database(path, kind)
    assert stored_revision(db.engine) == HEAD_REVISIONS[kind]
    db.close()
    with sqlite3.connect(path) as connection:  # pretend the newest migration has not run yet
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        connection.execute("UPDATE alembic_version SET version_num = 'nonsense'")
    with pytest.raises(Exception, match="nonsense"):  # Alembic was asked, and refused an unknown revision
        open_database(path, kind)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (HEAD_REVISIONS[kind],))
    db = open_database(path, kind)
    with db.engine.connect() as connection:
        assert {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")} == tables
    db.close()


def test_a_fresh_file_has_no_stored_revision(tmp_path):
    from services.storage import create_sqlite_engine

    engine = create_sqlite_engine(tmp_path / "empty.sqlite")
    assert stored_revision(engine) is None
    engine.dispose()
