"""Private database: key slots and encrypted records.

Revision ID: p0002
Revises: p0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("kdf", sa.Text(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_slot")),
        sa.UniqueConstraint("method", name=op.f("uq_key_slot_method")),
    )
    op.create_table(
        "private_record",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_private_record")),
    )
    op.create_index("ix_private_record_kind_occurred", "private_record", ["kind", "occurred_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_private_record_kind_occurred", table_name="private_record")
    op.drop_table("private_record")
    op.drop_table("key_slot")
