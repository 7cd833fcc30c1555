"""Private database: a generation stamp per record kind, and encrypted summaries.

Revision ID: p0005
Revises: p0004
Create Date: 2026-12-03

``record_generation`` holds one counter per record kind. SQLite triggers on
``private_record`` bump the counter of the kind (or kinds) a row had and has, on every
INSERT, UPDATE and DELETE, whoever makes it (the app, an import, a restore, a device-sync
merge, "Delete all my data", a hand-run SQL statement): no write path has to remember it.

``private_summary`` holds derived data (e.g. the journal's per-day aggregates for Insights),
sealed under the data key like every record, with the generation it was built from. A
summary whose generation is not the current one is never used (issue #14).
"""

import sqlalchemy as sa
from alembic import op

revision = "p0005"
down_revision = "p0004"
branch_labels = None
depends_on = None

_BUMP = ("INSERT INTO record_generation (kind, value) VALUES ({row}.kind, 1) "
         "ON CONFLICT (kind) DO UPDATE SET value = value + 1;")
TRIGGERS = {
    "private_record_generation_insert": f"AFTER INSERT ON private_record BEGIN {_BUMP.format(row='NEW')} END",
    "private_record_generation_update": (
        f"AFTER UPDATE ON private_record BEGIN {_BUMP.format(row='NEW')} {_BUMP.format(row='OLD')} END"),
    "private_record_generation_delete": f"AFTER DELETE ON private_record BEGIN {_BUMP.format(row='OLD')} END",
}


def upgrade() -> None:
    op.create_table(
        "record_generation",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_record_generation")),
    )
    op.create_table(
        "private_summary",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_private_summary")),
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("private_summary")
    op.drop_table("record_generation")
