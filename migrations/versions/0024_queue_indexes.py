"""indexes for the lists at national scale (issue 14): the screening and compliance queues, the evaluation inbox
(and a sheet's previous and next) and the nominations list read a page in order from an index and count from
an index, rather than sorting or reading every row

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_nominations_cycle_state_submitted", "nominations", ["cycle_id", "state", "submitted_at", "id"]),
    ("ix_nominations_cycle_submitted", "nominations", ["cycle_id", "submitted_at", "id", "state"]),
    ("ix_nominations_state_category", "nominations", ["state", "category_id", "id"]),
    ("ix_nominations_updated", "nominations", ["updated_at", "id"]),
    ("ix_nominations_province_updated", "nominations", ["province_id", "updated_at", "id"]),
    ("ix_assignments_member_committee", "assignments", ["member_id", "committee_id", "nomination_id"]),
    ("ix_score_sheets_member_committee", "score_sheets", ["member_id", "committee_id", "state", "nomination_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
