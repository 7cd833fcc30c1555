"""Alembic environment for the directory database (run through services.storage)."""

from alembic import context

from services.models import DirectoryBase, include_in_schema_comparison

target_metadata = DirectoryBase.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only storage.upgrade() drives migrations
        raise RuntimeError("Kindred migrations run through services.storage.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
        include_name=include_in_schema_comparison,  # FTS5 tables are made by hand in d0002
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
