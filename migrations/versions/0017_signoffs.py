"""committee_signoffs: each committee chair's sign-off of the committee's scoring of a category

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("snapshot", sa.String(length=64), nullable=False),
        sa.CheckConstraint("length(snapshot) = 64", name=op.f("ck_committee_signoffs_snapshot_is_sha256")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_committee_signoffs_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_committee_signoffs_category_id_categories"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["committee_id"], ["committees.id"],
                                name=op.f("fk_committee_signoffs_committee_id_committees")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_committee_signoffs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_signoffs")),
        sa.UniqueConstraint("category_id", "committee_id",
                            name=op.f("uq_committee_signoffs_category_id_committee_id")),
    )
    with op.batch_alter_table("committee_signoffs") as batch:
        batch.create_index(batch.f("ix_committee_signoffs_cycle_id"), ["cycle_id"], unique=False)


def downgrade() -> None:
    op.drop_table("committee_signoffs")
