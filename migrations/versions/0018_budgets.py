"""budgets: the finance committee's award budget per cycle and its cost lines

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("drafting", "under_review", "budget_approved", name="budget_state", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("approved_total", sa.BigInteger(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("(submitted_at IS NULL) = (submitted_by_id IS NULL)",
                           name=op.f("ck_budgets_submission_complete")),
        sa.CheckConstraint("(approved_at IS NULL) = (approved_by_id IS NULL)",
                           name=op.f("ck_budgets_approval_complete")),
        sa.CheckConstraint("(approved_at IS NULL) = (approved_total IS NULL)",
                           name=op.f("ck_budgets_approval_has_total")),
        sa.CheckConstraint("approved_total IS NULL OR approved_total >= 0",
                           name=op.f("ck_budgets_approved_total_not_negative")),
        sa.CheckConstraint("(state = 'budget_approved') = (approved_at IS NOT NULL)",
                           name=op.f("ck_budgets_approved_state_has_approval")),
        sa.CheckConstraint("state = 'drafting' OR submitted_at IS NOT NULL",
                           name=op.f("ck_budgets_reviewed_state_was_submitted")),
        sa.CheckConstraint("(returned_at IS NULL) = (returned_by_id IS NULL)",
                           name=op.f("ck_budgets_return_complete")),
        sa.CheckConstraint("(returned_at IS NULL) = (return_reason IS NULL)",
                           name=op.f("ck_budgets_return_has_reason")),
        sa.CheckConstraint("return_reason IS NULL OR length(return_reason) > 0",
                           name=op.f("ck_budgets_return_reason_not_empty")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_budgets_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"], name=op.f("fk_budgets_submitted_by_id_users")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], name=op.f("fk_budgets_approved_by_id_users")),
        sa.ForeignKeyConstraint(["returned_by_id"], ["users.id"], name=op.f("fk_budgets_returned_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budgets")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_budgets_cycle_id")),
    )
    op.create_table(
        "budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("per_award", "fixed", name="budget_line_kind", native_enum=False, create_constraint=True,
                    length=32),
            nullable=False,
        ),
        sa.Column(
            "tier",
            sa.Enum("gold", "certificate", name="tier", native_enum=False, create_constraint=True, length=32),
            nullable=True,
        ),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("(kind = 'per_award') = (tier IS NOT NULL)",
                           name=op.f("ck_budget_lines_tier_iff_per_award")),
        sa.CheckConstraint("length(label) > 0", name=op.f("ck_budget_lines_label_not_empty")),
        sa.CheckConstraint("unit_cost >= 0 AND unit_cost <= 100000000000000",
                           name=op.f("ck_budget_lines_unit_cost_in_range")),
        sa.ForeignKeyConstraint(["budget_id"], ["budgets.id"], name=op.f("fk_budget_lines_budget_id_budgets"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint("budget_id", "tier", "label", name=op.f("uq_budget_lines_budget_id_tier_label")),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_lines_budget_id"), ["budget_id"], unique=False)
        batch_op.create_index("uq_budget_lines_fixed_label", ["budget_id", "label"], unique=True,
                              sqlite_where=sa.text("tier IS NULL"), postgresql_where=sa.text("tier IS NULL"))


def downgrade() -> None:
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index("uq_budget_lines_fixed_label")
        batch_op.drop_index(batch_op.f("ix_budget_lines_budget_id"))
    op.drop_table("budget_lines")
    op.drop_table("budgets")
