"""indicators: declared figures per dossier, verified by a committee, and criteria computed from them

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

FIGURE = sa.Numeric(18, 2)


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name_fa", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("unit_fa", sa.String(60), nullable=False),
        sa.Column("unit_en", sa.String(60), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("min_value", FIGURE, nullable=True),
        sa.Column("max_value", FIGURE, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("decimals BETWEEN 0 AND 2", name=op.f("ck_indicators_decimals_range")),
        sa.CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
                           name=op.f("ck_indicators_min_below_max")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_indicators_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("cycle_id", "code", name=op.f("uq_indicators_cycle_id_code")),
    )
    op.create_index(op.f("ix_indicators_cycle_id"), "indicators", ["cycle_id"])

    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("declared_value", FIGURE, nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("verified_value", FIGURE, nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("updated_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("year BETWEEN 1300 AND 1500", name=op.f("ck_indicator_values_jalali_year")),
        sa.CheckConstraint("(verified_value IS NULL) = (verified_at IS NULL)",
                           name=op.f("ck_indicator_values_verified_has_time")),
        sa.CheckConstraint("(verified_at IS NULL) = (verified_by_id IS NULL)",
                           name=op.f("ck_indicator_values_verified_has_actor")),
        sa.CheckConstraint("verified_value IS NULL OR reason IS NOT NULL "
                           "OR (declared_value IS NOT NULL AND verified_value = declared_value)",
                           name=op.f("ck_indicator_values_correction_has_reason")),
        sa.CheckConstraint("declared_value IS NOT NULL OR verified_value IS NOT NULL",
                           name=op.f("ck_indicator_values_has_a_figure")),
        sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"],
                                name=op.f("fk_indicator_values_nomination_id_nominations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_indicator_values_indicator_id_indicators"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["verified_by_id"], ["users.id"],
                                name=op.f("fk_indicator_values_verified_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
        sa.UniqueConstraint("nomination_id", "indicator_id", name=op.f("uq_indicator_values_nomination_id_indicator_id")),
    )
    op.create_index(op.f("ix_indicator_values_nomination_id"), "indicator_values", ["nomination_id"])
    op.create_index(op.f("ix_indicator_values_indicator_id"), "indicator_values", ["indicator_id"])

    with op.batch_alter_table("criteria") as batch:
        batch.add_column(sa.Column("indicator_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rule", sa.Enum("bands", "linear", name="indicator_rule", native_enum=False,
                                                   create_constraint=True, length=32), nullable=True))
        batch.add_column(sa.Column("linear_origin", sa.Numeric(18, 2), nullable=True))
        batch.add_column(sa.Column("linear_slope", sa.Numeric(12, 6), nullable=True))
        batch.create_foreign_key(op.f("fk_criteria_indicator_id_indicators"), "indicators", ["indicator_id"], ["id"])
        batch.create_index(op.f("ix_criteria_indicator_id"), ["indicator_id"])
        batch.create_check_constraint(op.f("ck_criteria_indicator_has_rule"), "(indicator_id IS NULL) = (rule IS NULL)")
        batch.create_check_constraint(
            op.f("ck_criteria_linear_has_scale"),
            "rule IS NULL OR rule <> 'linear' OR (linear_slope IS NOT NULL AND linear_slope > 0 "
            "AND linear_origin IS NOT NULL)")

    op.create_table(
        "criterion_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("lower", FIGURE, nullable=True),
        sa.Column("lower_inclusive", sa.Boolean(), nullable=False),
        sa.Column("upper", FIGURE, nullable=True),
        sa.Column("upper_inclusive", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Numeric(6, 2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_criterion_bands_points_non_negative")),
        sa.CheckConstraint("lower IS NULL OR upper IS NULL OR lower <= upper",
                           name=op.f("ck_criterion_bands_lower_below_upper")),
        sa.ForeignKeyConstraint(["criterion_id"], ["criteria.id"],
                                name=op.f("fk_criterion_bands_criterion_id_criteria"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_bands")),
    )
    op.create_index(op.f("ix_criterion_bands_criterion_id"), "criterion_bands", ["criterion_id"])


def downgrade() -> None:
    op.drop_table("criterion_bands")
    with op.batch_alter_table("criteria") as batch:
        batch.drop_constraint(op.f("ck_criteria_linear_has_scale"), type_="check")
        batch.drop_constraint(op.f("ck_criteria_indicator_has_rule"), type_="check")
        batch.drop_index(op.f("ix_criteria_indicator_id"))
        batch.drop_constraint(op.f("fk_criteria_indicator_id_indicators"), type_="foreignkey")
        batch.drop_column("linear_slope")
        batch.drop_column("linear_origin")
        batch.drop_column("rule")
        batch.drop_column("indicator_id")
    op.drop_table("indicator_values")
    op.drop_table("indicators")
