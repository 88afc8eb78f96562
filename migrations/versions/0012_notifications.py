"""notifications: the bell, its e-mail copies, reminders' dedupe keys and per-kind opt-outs

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_opt_outs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.CheckConstraint("length(kind) > 0", name=op.f("ck_notification_opt_outs_kind_not_empty")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_opt_outs_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_opt_outs")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("read_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("mail_to", sa.String(length=254), nullable=True),
        sa.Column("emailed_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("mail_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("mail_error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.CheckConstraint("link IS NULL OR substr(link, 1, 1) = '/'", name=op.f("ck_notifications_link_is_local")),
        sa.CheckConstraint("emailed_at IS NULL OR mail_to IS NOT NULL",
                           name=op.f("ck_notifications_emailed_has_address")),
        sa.CheckConstraint("length(kind) > 0", name=op.f("ck_notifications_kind_not_empty")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_notifications_title_not_empty")),
        sa.CheckConstraint("mail_attempts >= 0", name=op.f("ck_notifications_mail_attempts_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "dedupe_key", name=op.f("uq_notifications_user_id_dedupe_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_mail_pending", ["emailed_at", "mail_to"], unique=False)
        batch_op.create_index("ix_notifications_user_id_read_at", ["user_id", "read_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_read_at")
        batch_op.drop_index("ix_notifications_mail_pending")
    op.drop_table("notifications")
    op.drop_table("notification_opt_outs")
