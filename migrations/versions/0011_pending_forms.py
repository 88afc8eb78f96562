"""pending forms: what a POST carried when its session had expired, restored after sign-in

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_forms",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page_path", sa.String(length=500), nullable=False),
        sa.Column("action_path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_forms_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_forms")),
    )
    with op.batch_alter_table("pending_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_forms_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_forms_user_id"))
    op.drop_table("pending_forms")
