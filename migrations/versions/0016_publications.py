"""publications: the media committee's press list approval and the public winners page, per cycle

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("preparing", "approved", "open", name="publication_state", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("intro_by_id", sa.Integer(), nullable=True),
        sa.Column("intro_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", awards.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("(intro_at IS NULL) = (intro_by_id IS NULL)",
                           name=op.f("ck_publications_intro_complete")),
        sa.CheckConstraint("(approved_at IS NULL) = (approved_by_id IS NULL)",
                           name=op.f("ck_publications_approval_complete")),
        sa.CheckConstraint("(opened_at IS NULL) = (opened_by_id IS NULL)",
                           name=op.f("ck_publications_opening_complete")),
        sa.CheckConstraint("(state = 'preparing') = (approved_at IS NULL)",
                           name=op.f("ck_publications_approved_state_has_approval")),
        sa.CheckConstraint("(state = 'open') = (opened_at IS NOT NULL)",
                           name=op.f("ck_publications_open_state_has_opening")),
        sa.CheckConstraint("state = 'preparing' OR length(intro) > 0",
                           name=op.f("ck_publications_approved_intro_not_empty")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_publications_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["intro_by_id"], ["users.id"], name=op.f("fk_publications_intro_by_id_users")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"],
                                name=op.f("fk_publications_approved_by_id_users")),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"], name=op.f("fk_publications_opened_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_publications_cycle_id")),
    )


def downgrade() -> None:
    op.drop_table("publications")
