"""the provincial round: the per-cycle switch and dates, working groups and seats, the provincial rubric, sheets
and scores, the chair's forwarding decisions, and three new nomination states

Revision ID: 0021
Revises: 0020

The nominations' state CHECK gains ``forwarded``, ``not_forwarded`` and ``provincially_awarded``. On PostgreSQL
the constraint is dropped and created again. On SQLite a CHECK cannot be altered, and rebuilding ``nominations``
(Alembic's batch mode) would drop a table that a dozen others reference with ``ON DELETE CASCADE`` while foreign
keys are on; so the stored ``CREATE TABLE`` text is edited in place instead, the documented way to change a
constraint that every row already satisfies (https://www.sqlite.org/lang_altertable.html, «otheralter»): the
schema version is bumped in the same transaction so every connection re-reads it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OLD_STATES = ("draft", "submitted", "in_evaluation", "shortlisted", "awarded", "not_selected", "ineligible",
              "withdrawn")
NEW_STATES = (*OLD_STATES, "forwarded", "not_forwarded", "provincially_awarded")
CHECK = "ck_nominations_nomination_state"


def _in_list(states: tuple[str, ...]) -> str:
    return ", ".join(f"'{state}'" for state in states)


def _replace_state_check(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f(CHECK), "nominations", type_="check")
        op.create_check_constraint(op.f(CHECK), "nominations", f"state IN ({_in_list(new)})")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'nominations'").scalar()
    before, after = f"state IN ({_in_list(old)})", f"state IN ({_in_list(new)})"
    if before not in sql:
        raise RuntimeError(f"{CHECK} not found as expected in the nominations table's SQL")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'nominations'",
                         (sql.replace(before, after),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    op.create_table(
        "provincial_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("scoring_close_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("selection_close_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("scoring_close_at <= selection_close_at",
                           name=op.f("ck_provincial_rounds_scoring_before_selection")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_provincial_rounds_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_rounds")),
        sa.UniqueConstraint("cycle_id", name=op.f("uq_provincial_rounds_cycle_id")),
    )
    op.create_table(
        "provincial_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_provincial_groups_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name=op.f("fk_provincial_groups_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_groups")),
        sa.UniqueConstraint("cycle_id", "province_id", name=op.f("uq_provincial_groups_cycle_id_province_id")),
    )
    op.create_index(op.f("ix_provincial_groups_cycle_id"), "provincial_groups", ["cycle_id"])
    op.create_index(op.f("ix_provincial_groups_province_id"), "provincial_groups", ["province_id"])
    op.create_table(
        "provincial_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["provincial_groups.id"],
                                name=op.f("fk_provincial_seats_group_id_provincial_groups"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_provincial_seats_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_seats")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_provincial_seats_group_id_user_id")),
    )
    op.create_index(op.f("ix_provincial_seats_group_id"), "provincial_seats", ["group_id"])
    op.create_index(op.f("ix_provincial_seats_user_id"), "provincial_seats", ["user_id"])
    op.create_index("uq_provincial_seats_one_chair", "provincial_seats", ["group_id"], unique=True,
                    sqlite_where=sa.text("is_chair"), postgresql_where=sa.text("is_chair"))
    op.create_table(
        "provincial_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("weight", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("max_points > 0", name=op.f("ck_provincial_criteria_max_points_positive")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_provincial_criteria_weight_positive")),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_provincial_criteria_category_id_categories"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_criteria")),
    )
    op.create_index(op.f("ix_provincial_criteria_category_id"), "provincial_criteria", ["category_id"])
    op.create_table(
        "provincial_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Enum("draft", "submitted", name="sheet_state", native_enum=False,
                                   create_constraint=True, length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("reopened_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("state <> 'submitted' OR submitted_at IS NOT NULL",
                           name=op.f("ck_provincial_sheets_submitted_has_time")),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_provincial_sheets_member_id_users")),
        sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"],
                                name=op.f("fk_provincial_sheets_nomination_id_nominations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_sheets")),
        sa.UniqueConstraint("nomination_id", "member_id", name=op.f("uq_provincial_sheets_nomination_id_member_id")),
    )
    op.create_index(op.f("ix_provincial_sheets_member_id"), "provincial_sheets", ["member_id"])
    op.create_index(op.f("ix_provincial_sheets_nomination_id"), "provincial_sheets", ["nomination_id"])
    op.create_table(
        "provincial_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.CheckConstraint("value * 2 = CAST(value * 2 AS INTEGER)", name=op.f("ck_provincial_scores_half_steps")),
        sa.CheckConstraint("value >= 0 AND value <= max_points", name=op.f("ck_provincial_scores_value_in_range")),
        sa.ForeignKeyConstraint(["criterion_id"], ["provincial_criteria.id"],
                                name=op.f("fk_provincial_scores_criterion_id_provincial_criteria"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sheet_id"], ["provincial_sheets.id"],
                                name=op.f("fk_provincial_scores_sheet_id_provincial_sheets"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_scores")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name=op.f("uq_provincial_scores_sheet_id_criterion_id")),
    )
    op.create_index(op.f("ix_provincial_scores_sheet_id"), "provincial_scores", ["sheet_id"])
    op.create_table(
        "provincial_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("forwarded", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("rank IS NULL OR rank >= 1", name=op.f("ck_provincial_decisions_rank_positive")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_provincial_decisions_decided_by_id_users")),
        sa.ForeignKeyConstraint(["group_id"], ["provincial_groups.id"],
                                name=op.f("fk_provincial_decisions_group_id_provincial_groups")),
        sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"],
                                name=op.f("fk_provincial_decisions_nomination_id_nominations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_decisions")),
    )
    op.create_index(op.f("ix_provincial_decisions_group_id"), "provincial_decisions", ["group_id"])
    op.create_index(op.f("ix_provincial_decisions_nomination_id"), "provincial_decisions", ["nomination_id"])
    op.create_table(
        "provincial_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=48), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("issued_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_provincial_awards_sequence_positive")),
        sa.CheckConstraint("length(token) >= 22", name=op.f("ck_provincial_awards_token_long_enough")),
        sa.CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)",
                           name=op.f("ck_provincial_awards_revocation_complete")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_provincial_awards_cycle_id_cycles")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_provincial_awards_issued_by_id_users")),
        sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"],
                                name=op.f("fk_provincial_awards_nomination_id_nominations")),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name=op.f("fk_provincial_awards_province_id_provinces")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"],
                                name=op.f("fk_provincial_awards_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_awards")),
        sa.UniqueConstraint("cycle_id", "province_id", "sequence",
                            name=op.f("uq_provincial_awards_cycle_id_province_id_sequence")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_provincial_awards_nomination_id")),
        sa.UniqueConstraint("serial", name=op.f("uq_provincial_awards_serial")),
        sa.UniqueConstraint("token", name=op.f("uq_provincial_awards_token")),
    )
    op.create_index(op.f("ix_provincial_awards_cycle_id"), "provincial_awards", ["cycle_id"])
    op.create_index(op.f("ix_provincial_awards_province_id"), "provincial_awards", ["province_id"])
    op.create_table(
        "provincial_signatories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_provincial_signatories_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"],
                                name=op.f("fk_provincial_signatories_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_signatories")),
    )
    op.create_index(op.f("ix_provincial_signatories_cycle_id"), "provincial_signatories", ["cycle_id"])
    op.create_index(op.f("ix_provincial_signatories_province_id"), "provincial_signatories", ["province_id"])
    _replace_state_check(OLD_STATES, NEW_STATES)


def downgrade() -> None:
    op.execute("UPDATE nominations SET state = 'submitted' WHERE state IN ('forwarded', 'not_forwarded', "
               "'provincially_awarded')")
    _replace_state_check(NEW_STATES, OLD_STATES)
    for table in ("provincial_signatories", "provincial_awards", "provincial_decisions", "provincial_scores", "provincial_sheets", "provincial_criteria",
                  "provincial_seats", "provincial_groups", "provincial_rounds"):
        op.drop_table(table)
