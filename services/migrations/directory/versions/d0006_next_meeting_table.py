"""Directory database: each group's stored next meeting in a narrow table of its own.

Revision ID: d0006
Revises: d0005
Create Date: 2026-12-03

The next meetings are worked out again whenever they have passed: after a week away, every
timed group's. Kept in ``directory_group`` that meant SQLite rewriting 100,000 wide rows
(names, descriptions, addresses) to change three numbers — 1 s of the 1.5 s refresh (issue #14).
``directory_next_meeting`` holds just those numbers, one row per group (its id as the row
id), so the same refresh rewrites a few bytes per group.
"""

import sqlalchemy as sa
from alembic import op

revision = "d0006"
down_revision = "d0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_next_meeting",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("computed_utc", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["directory_group.id"],
            name=op.f("fk_directory_next_meeting_group_id_directory_group"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_directory_next_meeting")),
    )
    op.execute("INSERT INTO directory_next_meeting (group_id, start_utc, timezone, computed_utc) "
               "SELECT id, next_start_utc, next_timezone, next_computed_utc FROM directory_group")
    op.create_index(op.f("ix_directory_next_meeting_start_utc"), "directory_next_meeting", ["start_utc"])
    op.create_index(op.f("ix_directory_next_meeting_computed_utc"), "directory_next_meeting", ["computed_utc"])
    op.drop_index("ix_directory_group_next_start_utc", table_name="directory_group")
    op.drop_index("ix_directory_group_next_computed_utc", table_name="directory_group")
    for column in ("next_start_utc", "next_timezone", "next_computed_utc"):
        op.drop_column("directory_group", column)


def downgrade() -> None:
    op.add_column("directory_group", sa.Column("next_start_utc", sa.Integer(), nullable=True))
    op.add_column("directory_group", sa.Column("next_timezone", sa.String(length=64), nullable=True))
    op.add_column("directory_group", sa.Column("next_computed_utc", sa.Integer(), nullable=True))
    op.execute("UPDATE directory_group SET (next_start_utc, next_timezone, next_computed_utc) = "
               "(SELECT start_utc, timezone, computed_utc FROM directory_next_meeting AS n WHERE n.group_id = directory_group.id)")
    op.create_index("ix_directory_group_next_start_utc", "directory_group", ["next_start_utc"])
    op.create_index("ix_directory_group_next_computed_utc", "directory_group", ["next_computed_utc"])
    op.drop_table("directory_next_meeting")
