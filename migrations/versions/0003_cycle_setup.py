"""cycle set-up: archived cycles, English and retired categories, one chair per committee

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", awards.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("archived_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_cycles_archived_by_id_users"), "users", ["archived_by_id"], ["id"])
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("retired_at", awards.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index("uq_memberships_one_chair", ["cycle_id", "committee_id"], unique=True,
                              sqlite_where=sa.text("is_chair"), postgresql_where=sa.text("is_chair"))


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index("uq_memberships_one_chair")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
        batch_op.drop_column("title_en")
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cycles_archived_by_id_users"), type_="foreignkey")
        batch_op.drop_column("archived_by_id")
        batch_op.drop_column("archived_at")
