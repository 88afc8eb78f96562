"""duplicate nominees: indexes on (cycle, national company ID) and (cycle, national code)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index("ix_nominations_cycle_legal_id", ["cycle_id", "legal_id"], unique=False)
        batch_op.create_index("ix_nominations_cycle_national_code", ["cycle_id", "national_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_nominations_cycle_national_code")
        batch_op.drop_index("ix_nominations_cycle_legal_id")
