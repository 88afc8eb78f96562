"""the provincial signatories' signature image (as the national signatories have)

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provincial_signatories") as batch:
        batch.add_column(sa.Column("signature_file", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("provincial_signatories") as batch:
        batch.drop_column("signature_file")
