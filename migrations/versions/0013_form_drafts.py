"""form drafts: a form's typing, autosaved to the server while the user writes

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=300), nullable=False),
        sa.Column("page_path", sa.String(length=300), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("updated_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", awards.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("substr(form_key, 1, 1) = '/' AND substr(form_key, 2, 1) <> '/'",
                           name=op.f("ck_form_drafts_key_is_local")),
        sa.CheckConstraint("length(form_key) <= 300", name=op.f("ck_form_drafts_key_length")),
        sa.CheckConstraint("substr(page_path, 1, 1) = '/' AND substr(page_path, 2, 1) <> '/'",
                           name=op.f("ck_form_drafts_page_is_local")),
        sa.CheckConstraint("length(page_path) <= 300", name=op.f("ck_form_drafts_page_length")),
        sa.CheckConstraint("length(fields) <= 65536", name=op.f("ck_form_drafts_fields_size")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_form_drafts_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_drafts")),
        sa.UniqueConstraint("user_id", "form_key", name=op.f("uq_form_drafts_user_id_form_key")),
    )
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_form_drafts_user_id_page_path", ["user_id", "page_path"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_form_drafts_user_id_page_path")
    op.drop_table("form_drafts")
