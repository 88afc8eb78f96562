"""jobs.state becomes the JobState enum: the same four values, now checked by the enum's own constraint

Revision ID: 0009
Revises: 0008

The column was a free string guarded by ``ck_jobs_known_state``; it is now stored as the other enums are
(awards/models/_types.py: a VARCHAR(32) with the CHECK ``ck_jobs_job_state``). The allowed values do not change,
so every existing row keeps its value.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = "state IN ('queued', 'running', 'done', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_known_state"), type_="check")
        batch.alter_column("state", existing_type=sa.String(length=16), type_=sa.String(length=32),
                           existing_nullable=False)
        batch.create_check_constraint(op.f("ck_jobs_job_state"), STATES)


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_job_state"), type_="check")
        batch.alter_column("state", existing_type=sa.String(length=32), type_=sa.String(length=16),
                           existing_nullable=False)
        batch.create_check_constraint(op.f("ck_jobs_known_state"), STATES)
