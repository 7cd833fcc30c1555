"""Directory database: subscribed feeds — URL, pinned key, default zone, paused, validators, sync status.

Revision ID: d0003
Revises: d0002
Create Date: 2026-11-25

Extends ``directory_source`` (the URL stays in ``location``); every existing row keeps its
values, and new columns start empty (``paused`` false, ``group_count`` from the groups).
"""

import sqlalchemy as sa
from alembic import op

revision = "d0003"
down_revision = "d0002"
branch_labels = None
depends_on = None

def columns() -> list[sa.Column]:
    return [
        sa.Column("public_key", sa.Text(), nullable=True),  # pinned Ed25519 key, base64; NULL = unverified
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("group_count", sa.Integer(), nullable=False, server_default="0"),
    ]


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: no table rebuild, so every row and every reference to it stays.
    for column in columns():
        op.add_column("directory_source", column)
    op.execute(
        "UPDATE directory_source SET group_count = "
        "(SELECT count(*) FROM directory_group WHERE directory_group.source_id = directory_source.id)"
    )


def downgrade() -> None:
    # ALTER TABLE DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding directory_source
    # would drop the table, and with foreign keys on that cascades into every group.
    for column in reversed(columns()):
        op.drop_column("directory_source", column.name)
