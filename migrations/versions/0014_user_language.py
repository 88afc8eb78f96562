"""user language: the language a user chose, for their pages and their notifications (bell and mail)

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(op.f("ck_users_language_known"), "language IS NULL OR language IN ('fa', 'en')")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_language_known"), type_="check")
        batch_op.drop_column("language")
