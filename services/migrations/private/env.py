"""Alembic environment for the private database (run through services.storage)."""

from alembic import context

from services.models import PrivateBase

target_metadata = PrivateBase.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only storage.upgrade() drives migrations
        raise RuntimeError("Kindred migrations run through services.storage.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
