"""indexes for the home page and the cycles page at national scale (issue 14)

Revision ID: 0025
Revises: 0024

Covering indexes so the organizer's counts by state and province, the province's quota use and the queues' sizes
read an index rather than every nomination row, and an index on the audit log's object type so the cycles page's
timeline history finds the few cycle events without walking every event newest first.
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_nominations_cycle_state_province", "nominations",
                    ["cycle_id", "state", "province_id", "category_id"])
    op.create_index("ix_nominations_province_category_state", "nominations", ["province_id", "category_id", "state"])
    op.create_index("ix_audit_events_object_type_at", "audit_events", ["object_type", "at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_object_type_at", table_name="audit_events")
    op.drop_index("ix_nominations_province_category_state", table_name="nominations")
    op.drop_index("ix_nominations_cycle_state_province", table_name="nominations")
