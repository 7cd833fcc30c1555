"""Directory database: groups, their schedule rules and tags, and full-text search.

Revision ID: d0002
Revises: d0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "d0002"
down_revision = "d0001"
branch_labels = None
depends_on = None

# Text the search box looks at. "place" is venue + address + city + region + postcode +
# country, so typing a town finds its groups.
FTS_PLACE = (
    "coalesce(new.venue, '') || ' ' || coalesce(new.address, '') || ' ' || coalesce(new.city, '') || ' ' || "
    "coalesce(new.region, '') || ' ' || coalesce(new.postal_code, '') || ' ' || coalesce(new.country, '')"
)
FTS_VALUES = f"new.id, new.name, coalesce(new.description, ''), coalesce(new.notes, ''), {FTS_PLACE}"


def upgrade() -> None:
    with op.batch_alter_table("directory_source") as batch:
        batch.add_column(sa.Column("format", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("publisher", sa.Text(), nullable=True))

    op.create_table(
        "directory_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("uid", sa.String(length=520), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("leadership", sa.String(length=20), nullable=False),
        sa.Column("facilitator_credentials", sa.Text(), nullable=True),
        sa.Column("attendance", sa.String(length=20), nullable=False),
        sa.Column("cost", sa.String(length=20), nullable=False),
        sa.Column("cost_note", sa.Text(), nullable=True),
        sa.Column("typical_size", sa.Integer(), nullable=True),
        sa.Column("registration", sa.String(length=20), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=True),
        sa.Column("venue", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("postal_code", sa.String(length=40), nullable=True),
        sa.Column("country", sa.String(length=80), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("location_approximate", sa.Boolean(), nullable=False),
        sa.Column("online_url", sa.Text(), nullable=True),
        sa.Column("online_phone", sa.String(length=120), nullable=True),
        sa.Column("online_notes", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_email", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.String(length=120), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("last_verified", sa.Date(), nullable=True),
        sa.Column("timezone_origin", sa.String(length=20), nullable=False),
        sa.Column("next_start_utc", sa.Integer(), nullable=True),
        sa.Column("next_timezone", sa.String(length=64), nullable=True),
        sa.Column("type_codes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["directory_source.id"],
            name=op.f("fk_directory_group_source_id_directory_source"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_group")),
        sa.UniqueConstraint("source_id", "external_id", name=op.f("uq_directory_group_source_id")),
        sa.UniqueConstraint("uid", name=op.f("uq_directory_group_uid")),
    )
    for column in ("latitude", "next_start_utc"):
        op.create_index(op.f(f"ix_directory_group_{column}"), "directory_group", [column])

    op.create_table(
        "directory_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=True),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        sa.Column("end_minute", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("anchor_date", sa.Date(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["directory_group.id"],
            name=op.f("fk_directory_schedule_group_id_directory_group"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_schedule")),
    )
    op.create_index(op.f("ix_directory_schedule_group_id"), "directory_schedule", ["group_id"])
    op.create_index("ix_directory_schedule_weekday_start", "directory_schedule", ["weekday", "start_minute", "group_id"])

    op.create_table(
        "directory_group_tag",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["directory_group.id"],
            name=op.f("fk_directory_group_tag_group_id_directory_group"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "kind", "value", name=op.f("pk_directory_group_tag")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_directory_group_tag_kind_value", "directory_group_tag", ["kind", "value", "group_id"])

    # A plain (not external-content) FTS5 table kept in step by triggers: it holds its own
    # copy of the text, so the computed "place" column needs no matching real column.
    # unicode61 with diacritics removed lets "zurich" find "Zürich". No prefix indexes:
    # "anx"* walks a short run of terms in the index anyway, and they doubled import time.
    op.execute(
        "CREATE VIRTUAL TABLE directory_group_fts USING fts5("
        "name, description, notes, place, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER directory_group_fts_insert AFTER INSERT ON directory_group BEGIN "
        f"INSERT INTO directory_group_fts(rowid, name, description, notes, place) VALUES ({FTS_VALUES}); END"
    )
    op.execute(
        "CREATE TRIGGER directory_group_fts_delete AFTER DELETE ON directory_group BEGIN "
        "DELETE FROM directory_group_fts WHERE rowid = old.id; END"
    )
    # Only text changes touch the index: refreshing next_start_utc must stay cheap.
    op.execute(
        "CREATE TRIGGER directory_group_fts_update AFTER UPDATE OF "
        "name, description, notes, venue, address, city, region, postal_code, country ON directory_group BEGIN "
        "DELETE FROM directory_group_fts WHERE rowid = old.id; "
        f"INSERT INTO directory_group_fts(rowid, name, description, notes, place) VALUES ({FTS_VALUES}); END"
    )


def downgrade() -> None:
    for trigger in ("directory_group_fts_update", "directory_group_fts_delete", "directory_group_fts_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS directory_group_fts")
    op.drop_table("directory_group_tag")
    op.drop_table("directory_schedule")
    op.drop_table("directory_group")
    with op.batch_alter_table("directory_source") as batch:
        batch.drop_column("publisher")
        batch.drop_column("format")
