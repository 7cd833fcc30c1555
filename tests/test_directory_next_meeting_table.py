"""Each group's stored next meeting lives in ``directory_next_meeting`` (migration d0006, issue
#14: a refresh rewrote 100,000 wide group rows). A directory made before it keeps every next
meeting when it is migrated, and every way groups come and go keeps one row per group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from services.directory.search import SearchQuery
from services.storage import HEAD_REVISIONS, create_sqlite_engine, upgrade

DATA = Path(__file__).resolve().parent / "data"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
NEXT = "SELECT group_id, start_utc, timezone, computed_utc FROM directory_next_meeting ORDER BY group_id"


def downgrade(engine, revision: str) -> None:
    from alembic import command

    from services.storage import alembic_config

    config = alembic_config("directory")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def counts(engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return (connection.execute(text("SELECT count(*) FROM directory_group")).scalar(),
                connection.execute(text("SELECT count(*) FROM directory_next_meeting")).scalar())


def test_a_directory_from_before_keeps_every_next_meeting_when_migrated(services):
    services.directory.import_file(DATA / "meeting-guide" / "eda.json", source="eda", now=NOW)
    path = services.directory_db.path
    first_page = services.directory.search(SearchQuery(sort="soonest", timezone="UTC"), now=NOW)
    with services.directory_db.engine.connect() as connection:
        stored = connection.execute(text(NEXT)).all()
    services.close()
    assert len(stored) > 20 and sum(row.start_utc is not None for row in stored) > 20

    engine = create_sqlite_engine(path)
    try:
        downgrade(engine, "d0005")  # the directory as Kindred kept it before d0006
        with engine.connect() as connection:
            old = connection.execute(text("SELECT id, next_start_utc, next_timezone, next_computed_utc FROM directory_group "
                                          "ORDER BY id")).all()
            assert not connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'directory_next_meeting'")).all()
        assert [tuple(row) for row in old] == [tuple(row) for row in stored]

        upgrade(engine, "directory")
        with engine.connect() as connection:
            assert [tuple(row) for row in connection.execute(text(NEXT))] == [tuple(row) for row in stored]
            columns = {row[1] for row in connection.execute(text("PRAGMA table_info(directory_group)"))}
            assert not columns & {"next_start_utc", "next_timezone", "next_computed_utc"}
            indexes = {row[0] for row in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'directory_next_meeting'"))}
            assert {"ix_directory_next_meeting_start_utc", "ix_directory_next_meeting_computed_utc"} <= indexes
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISIONS["directory"]
    finally:
        engine.dispose()

    from services.app import open_services

    again = open_services(path.parent)
    try:
        page = again.directory.search(SearchQuery(sort="soonest", timezone="UTC"), now=NOW)
        assert [(r.id, r.next_meeting) for r in page.results] == [(r.id, r.next_meeting) for r in first_page.results]
    finally:
        again.close()


def test_one_next_meeting_row_per_group_through_imports_replacements_and_refreshes(services):
    engine = services.directory_db.engine
    bundled = counts(engine)
    assert bundled[0] == bundled[1] > 0  # the bundled directory, imported when the folder was opened
    services.directory.import_file(DATA / "meeting-guide" / "eda.json", source="k", now=NOW)
    services.directory.import_file(DATA / "meeting-guide" / "edmonton.json", source="e", now=NOW)
    grown = counts(engine)
    assert grown[0] == grown[1] > bundled[0]
    # The same source replaced by a smaller file: the replaced groups' rows go with them.
    services.directory.import_file(DATA / "meeting-guide" / "times.json", source="k", now=NOW)
    replaced = counts(engine)
    assert replaced[0] == replaced[1] < grown[0]
    with engine.connect() as connection:
        orphans = connection.execute(text("SELECT count(*) FROM directory_next_meeting AS n "
                                          "LEFT JOIN directory_group AS g ON g.id = n.group_id WHERE g.id IS NULL")).scalar()
    assert orphans == 0
    # A refresh a week later changes the next meetings, never how many rows there are.
    later = NOW + timedelta(days=7, hours=1)
    page = services.directory.search(SearchQuery(sort="soonest", timezone="UTC"), now=later)
    assert page.results[0].next_meeting is not None and page.results[0].next_meeting.start >= later
    assert counts(engine) == replaced
