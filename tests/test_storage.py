"""Storage: real SQLite files, WAL, foreign keys, and migrations that keep every row."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from services.models import DirectoryBase, PrivateBase, include_in_schema_comparison
from services.storage import (
    DATABASE_KINDS,
    alembic_config,
    create_sqlite_engine,
    current_revision,
    head_revision,
    open_database,
    upgrade,
)

METADATA = {"directory": DirectoryBase.metadata, "private": PrivateBase.metadata}


def schema_of(engine) -> list[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("kind", DATABASE_KINDS)
def test_open_database_creates_a_wal_sqlite_file_with_foreign_keys(tmp_path: Path, kind):
    db = open_database(tmp_path / f"{kind}.sqlite", kind)
    try:
        assert (tmp_path / f"{kind}.sqlite").read_bytes()[:16] == b"SQLite format 3\x00"
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert current_revision(db.engine) == head_revision(kind)
    finally:
        db.close()


@pytest.mark.parametrize("kind", DATABASE_KINDS)
def test_fresh_migration_and_upgrade_from_the_first_revision_give_the_same_schema(tmp_path: Path, kind):
    fresh = create_sqlite_engine(tmp_path / "fresh.sqlite")
    upgrade(fresh, kind)

    stepwise = create_sqlite_engine(tmp_path / "stepwise.sqlite")
    script = ScriptDirectory.from_config(alembic_config(kind))
    revisions = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    for revision in revisions:  # first revision, then each later one in turn
        upgrade(stepwise, kind, revision)
        assert current_revision(stepwise) == revision

    assert schema_of(fresh) == schema_of(stepwise)
    fresh.dispose()
    stepwise.dispose()


@pytest.mark.parametrize("kind", DATABASE_KINDS)
def test_migrations_match_the_models(tmp_path: Path, kind):
    engine = create_sqlite_engine(tmp_path / "db.sqlite")
    upgrade(engine, kind)
    with engine.connect() as connection:
        # The FTS5 virtual table and its shadow tables have no model; env.py skips them too.
        context = MigrationContext.configure(connection, opts={"include_name": include_in_schema_comparison})
        differences = compare_metadata(context, METADATA[kind])
    engine.dispose()
    assert differences == [], f"models and migrations disagree: {differences}"


def test_reopening_keeps_rows_and_does_not_remigrate(tmp_path: Path):
    db = open_database(tmp_path / "private.sqlite", "private")
    with db.transaction() as session:
        session.execute(text("INSERT INTO device_preference(key, value) VALUES ('k', 'v')"))
    db.close()
    db = open_database(tmp_path / "private.sqlite", "private")
    with db.transaction() as session:
        assert session.execute(text("SELECT value FROM device_preference WHERE key='k'")).scalar() == "v"
    db.close()


def test_a_failed_transaction_changes_nothing(tmp_path: Path):
    db = open_database(tmp_path / "private.sqlite", "private")
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            session.execute(text("INSERT INTO device_preference(key, value) VALUES ('a', '1')"))
            raise RuntimeError("power cut")
    with db.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM device_preference")).scalar() == 0
    db.close()


def test_public_and_private_data_live_in_different_files(services):
    assert services.directory_db.path != services.private_db.path
    with services.directory_db.engine.connect() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert "device_preference" not in tables
    assert "directory_source" in tables
