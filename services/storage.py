"""SQLite engines and migrations.

Every database is a real SQLite file opened through SQLAlchemy 2.0 with WAL journaling
and foreign keys on. Alembic migrations run at open time, so a database is always at
the newest schema before anything reads it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from services.private_files import create_private_file
from services import sqlite_setup
from services.sqlite_setup import HEAD_REVISIONS  # noqa: F401 - re-exported
from services.platform import install_persistence_hook, sqlite_journal_mode

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DATABASE_KINDS = ("directory", "private")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of objects that all stay alive are
    built (an import, a bulk decrypt): repeated full collections would otherwise dominate."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    sqlite_setup.configure(dbapi_connection, journal_mode=sqlite_journal_mode())


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    install_persistence_hook(engine)
    return engine


def alembic_config(kind: str) -> Config:
    if kind not in DATABASE_KINDS:
        raise ValueError(f"unknown database kind {kind!r}")
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR / kind))
    return config


def upgrade(engine: Engine, kind: str, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config(kind)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(kind: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(kind)).get_current_head()


def stored_revision(engine: Engine) -> str | None:
    """The revision Alembic recorded in this database, read with plain SQL (None when there is
    none, or more than one)."""
    with engine.connect() as connection:
        return sqlite_setup.stored_revision(connection.connection.dbapi_connection)


def migrate_if_needed(engine: Engine, kind: str) -> None:
    """Bring the database to the newest schema; Alembic is imported only when there is work."""
    if stored_revision(engine) != HEAD_REVISIONS[kind]:
        upgrade(engine, kind)


@dataclass
class Database:
    """One SQLite file, migrated to the newest schema."""

    kind: str
    path: Path
    engine: Engine
    session_factory: sessionmaker[Session]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or rolled back whole."""
        with self.session_factory() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path, kind: str) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(path)  # 0600 even in an existing 0755 folder; SQLite gives its WAL files the same mode
    engine = create_sqlite_engine(path)
    migrate_if_needed(engine, kind)
    return Database(
        kind=kind,
        path=path,
        engine=engine,
        session_factory=sessionmaker(engine, expire_on_commit=False),
    )
