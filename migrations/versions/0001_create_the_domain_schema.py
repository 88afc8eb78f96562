"""create the domain schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db
from awards.models.audit import AUDIT_GUARD_TRIGGERS

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "code",
            sa.Enum(
                "winners",
                "provincial_affairs",
                "media",
                "oversight",
                "finance",
                "content",
                name="committee_code",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name_fa", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committees")),
        sa.UniqueConstraint("code", name=op.f("uq_committees_code")),
    )
    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("nominations_open_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("nominations_close_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("screening_close_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("evaluation_close_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("results_final_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("ceremony_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("ceremony_postponed_from", awards.db.UTCDateTime(), nullable=True),
        sa.Column("ceremony_postponed_reason", sa.Text(), nullable=True),
        sa.Column("conflict_same_province", sa.Boolean(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("evaluation_close_at <= results_final_at", name=op.f("ck_cycles_evaluation_before_results")),
        sa.CheckConstraint("nominations_close_at <= screening_close_at", name=op.f("ck_cycles_close_before_screening")),
        sa.CheckConstraint("nominations_open_at < nominations_close_at", name=op.f("ck_cycles_open_before_close")),
        sa.CheckConstraint("results_final_at <= ceremony_at", name=op.f("ck_cycles_results_before_ceremony")),
        sa.CheckConstraint(
            "screening_close_at <= evaluation_close_at", name=op.f("ck_cycles_screening_before_evaluation")
        ),
        sa.CheckConstraint("year BETWEEN 1380 AND 1500", name=op.f("ck_cycles_jalali_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycles")),
        sa.UniqueConstraint("year", name=op.f("uq_cycles_year")),
    )
    op.create_table(
        "provinces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iso_code", sa.String(length=5), nullable=False),
        sa.Column("name_fa", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("capital_fa", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provinces")),
        sa.UniqueConstraint("iso_code", name=op.f("uq_provinces_iso_code")),
        sa.UniqueConstraint("name_fa", name=op.f("uq_provinces_name_fa")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "signatories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("signature_file", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_signatories_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatories")),
    )
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signatories_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_organizer", sa.Boolean(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("last_login_at", awards.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_users_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_province_id"), ["province_id"], unique=False)

    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "nominee_kind",
            sa.Enum(
                "legal_entity",
                "person",
                "cluster",
                "project",
                name="nominee_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("province_quota", sa.Integer(), nullable=False),
        sa.Column("gold_quota", sa.Integer(), nullable=False),
        sa.Column("certificate_quota", sa.Integer(), nullable=False),
        sa.Column("min_score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("finalised_by_id", sa.Integer(), nullable=True),
        sa.Column("finalised_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("result_digest", sa.String(length=64), nullable=True),
        sa.Column("rubric_reset_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("certificate_quota >= 0", name=op.f("ck_categories_certificate_quota_non_negative")),
        sa.CheckConstraint("gold_quota >= 0", name=op.f("ck_categories_gold_quota_non_negative")),
        sa.CheckConstraint(
            "min_score IS NULL OR (min_score >= 0 AND min_score <= 100)", name=op.f("ck_categories_min_score_range")
        ),
        sa.CheckConstraint("province_quota >= 0", name=op.f("ck_categories_province_quota_non_negative")),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_categories_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["finalised_by_id"], ["users.id"], name=op.f("fk_categories_finalised_by_id_users")),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["users.id"], name=op.f("fk_categories_proposed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("cycle_id", "code", name=op.f("uq_categories_cycle_id_code")),
    )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categories_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("result_path", sa.String(length=300), nullable=True),
        sa.Column("result_name", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", awards.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_known_state")),
        sa.CheckConstraint("done >= 0 AND (total IS NULL OR done <= total)", name=op.f("ck_jobs_progress_in_range")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_jobs_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committees.id"], name=op.f("fk_memberships_committee_id_committees")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_memberships_cycle_id_cycles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "cycle_id", "committee_id", "user_id", name=op.f("uq_memberships_cycle_id_committee_id_user_id")
        ),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "category_committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column(
            "aggregation",
            sa.Enum(
                "mean",
                "median",
                "trimmed_mean",
                name="aggregation",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("quorum", sa.Integer(), nullable=True),
        sa.Column("normalise", sa.Boolean(), nullable=False),
        sa.Column("reviewers_per_nomination", sa.Integer(), nullable=True),
        sa.CheckConstraint("quorum IS NULL OR quorum >= 1", name=op.f("ck_category_committees_quorum_positive")),
        sa.CheckConstraint(
            "reviewers_per_nomination IS NULL OR reviewers_per_nomination >= 1",
            name=op.f("ck_category_committees_k_positive"),
        ),
        sa.CheckConstraint("weight >= 0", name=op.f("ck_category_committees_weight_non_negative")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_category_committees_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committees.id"], name=op.f("fk_category_committees_committee_id_committees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_committees")),
        sa.UniqueConstraint(
            "category_id", "committee_id", name=op.f("uq_category_committees_category_id_committee_id")
        ),
    )
    with op.batch_alter_table("category_committees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_committees_category_id"), ["category_id"], unique=False)

    op.create_table(
        "criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("weight", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("max_points > 0", name=op.f("ck_criteria_max_points_positive")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_criteria_weight_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_criteria_category_id_categories"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["committee_id"], ["committees.id"], name=op.f("fk_criteria_committee_id_committees")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria")),
    )
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_criteria_committee_id"), ["committee_id"], unique=False)

    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "in_evaluation",
                "shortlisted",
                "awarded",
                "not_selected",
                "ineligible",
                "withdrawn",
                name="nomination_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("nominee_name", sa.String(length=200), nullable=False),
        sa.Column("search_name", sa.String(length=200), nullable=False),
        sa.Column("legal_id", sa.String(length=11), nullable=True),
        sa.Column("national_code", sa.String(length=10), nullable=True),
        sa.Column("salutation", sa.String(length=20), nullable=True),
        sa.Column("representative_name", sa.String(length=120), nullable=True),
        sa.Column("representative_title", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("sector", sa.String(length=120), nullable=True),
        sa.Column("founding_year", sa.Integer(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("annual_sales", sa.BigInteger(), nullable=True),
        sa.Column("exports_value", sa.BigInteger(), nullable=True),
        sa.Column("growth_percent", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("mobile", sa.String(length=11), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("ineligible_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", awards.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "salutation IS NULL OR salutation IN ('جناب آقای', 'سرکار خانم')",
            name=op.f("ck_nominations_known_salutation"),
        ),
        sa.CheckConstraint(
            "state <> 'ineligible' OR ineligible_reason IS NOT NULL", name=op.f("ck_nominations_ineligible_has_reason")
        ),
        sa.CheckConstraint("annual_sales IS NULL OR annual_sales >= 0", name=op.f("ck_nominations_sales_non_negative")),
        sa.CheckConstraint("employees IS NULL OR employees >= 0", name=op.f("ck_nominations_employees_non_negative")),
        sa.CheckConstraint(
            "exports_value IS NULL OR exports_value >= 0", name=op.f("ck_nominations_exports_non_negative")
        ),
        sa.CheckConstraint(
            "founding_year IS NULL OR founding_year BETWEEN 1200 AND 1500", name=op.f("ck_nominations_founding_year")
        ),
        sa.CheckConstraint("legal_id IS NULL OR length(legal_id) = 11", name=op.f("ck_nominations_legal_id_length")),
        sa.CheckConstraint(
            "national_code IS NULL OR length(national_code) = 10", name=op.f("ck_nominations_national_code_length")
        ),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name=op.f("fk_nominations_category_id_categories")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_nominations_created_by_id_users")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_nominations_cycle_id_cycles")),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_nominations_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_province_id"), ["province_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_search_name"), ["search_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_state"), ["state"], unique=False)

    op.create_table(
        "tie_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("ordered_nomination_ids", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", awards.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_tie_resolutions_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_tie_resolutions_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tie_resolutions")),
    )
    with op.batch_alter_table("tie_resolutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tie_resolutions_category_id"), ["category_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committees.id"], name=op.f("fk_assignments_committee_id_committees")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_assignments_member_id_users")),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_assignments_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "nomination_id",
            "committee_id",
            "member_id",
            name=op.f("uq_assignments_nomination_id_committee_id_member_id"),
        ),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("nomination_id", sa.Integer(), nullable=True),
        sa.Column("province_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_audit_events_cycle_id_cycles")),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_audit_events_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"], name=op.f("fk_audit_events_province_id_provinces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column(
            "tier",
            sa.Enum("gold", "certificate", name="tier", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("final_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("serial", sa.String(length=48), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("issued_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(revoked_at IS NULL) = (revoked_by_id IS NULL)", name=op.f("ck_awards_revocation_complete")
        ),
        sa.CheckConstraint("length(token) >= 22", name=op.f("ck_awards_token_long_enough")),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_awards_rank_positive")),
        sa.CheckConstraint(
            "revoked_at IS NULL OR length(revoke_reason) > 0", name=op.f("ck_awards_revocation_has_reason")
        ),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name=op.f("fk_awards_category_id_categories")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_awards_cycle_id_cycles")),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nominations.id"], name=op.f("fk_awards_nomination_id_nominations")
        ),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_awards_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_awards_nomination_id")),
        sa.UniqueConstraint("serial", name=op.f("uq_awards_serial")),
        sa.UniqueConstraint("token", name=op.f("uq_awards_token")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=False),
        sa.Column("written_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", awards.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(approved_at IS NULL) = (approved_by_id IS NULL)", name=op.f("ck_citations_approval_complete")
        ),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_citations_not_empty")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], name=op.f("fk_citations_approved_by_id_users")),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_citations_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["written_by_id"], ["users.id"], name=op.f("fk_citations_written_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citations")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_citations_nomination_id")),
    )
    op.create_table(
        "compliance_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "passed", "failed", name="compliance_outcome", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome <> 'failed' OR length(reason) > 0", name=op.f("ck_compliance_decisions_fail_has_reason")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_compliance_decisions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_compliance_decisions_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_decisions")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_compliance_decisions_nomination_id")),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "declared",
                "same_organisation",
                "same_province",
                name="conflict_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.Column("overridden_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "source <> 'declared' OR overridden_at IS NULL", name=op.f("ck_conflicts_declared_not_overridable")
        ),
        sa.CheckConstraint(
            "overridden_at IS NULL OR length(override_reason) > 0", name=op.f("ck_conflicts_override_has_reason")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_conflicts_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["overridden_by_id"], ["users.id"], name=op.f("fk_conflicts_overridden_by_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_conflicts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
        sa.UniqueConstraint(
            "nomination_id", "user_id", "source", name=op.f("uq_conflicts_nomination_id_user_id_source")
        ),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflicts_nomination_id"), ["nomination_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflicts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "evidence_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
            name=op.f("ck_evidence_documents_allowed_type"),
        ),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_evidence_documents_sha256_length")),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_evidence_documents_not_empty")),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_evidence_documents_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_documents")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_evidence_documents_stored_name")),
    )
    with op.batch_alter_table("evidence_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_documents_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "score_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "submitted", name="sheet_state", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("reopened_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state <> 'submitted' OR submitted_at IS NOT NULL", name=op.f("ck_score_sheets_submitted_has_time")
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committees.id"], name=op.f("fk_score_sheets_committee_id_committees")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_score_sheets_member_id_users")),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_score_sheets_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheets")),
        sa.UniqueConstraint(
            "nomination_id",
            "committee_id",
            "member_id",
            name=op.f("uq_score_sheets_nomination_id_committee_id_member_id"),
        ),
    )
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheets_committee_id"), ["committee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_sheets_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_sheets_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "screening_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "accepted", "returned", name="screening_outcome", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", awards.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome <> 'returned' OR length(reason) > 0", name=op.f("ck_screening_decisions_return_has_reason")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_screening_decisions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_screening_decisions_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decisions")),
    )
    with op.batch_alter_table("screening_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_decisions_nomination_id"), ["nomination_id"], unique=False)

    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("max_points", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.CheckConstraint("value * 2 = CAST(value * 2 AS INTEGER)", name=op.f("ck_scores_half_steps")),
        sa.CheckConstraint("value >= 0 AND value <= max_points", name=op.f("ck_scores_value_in_range")),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criteria.id"], name=op.f("fk_scores_criterion_id_criteria"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"], ["score_sheets.id"], name=op.f("fk_scores_sheet_id_score_sheets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name=op.f("uq_scores_sheet_id_criterion_id")),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scores_sheet_id"), ["sheet_id"], unique=False)
    # The audit log is append-only: the database itself refuses UPDATE and DELETE.
    for statement in AUDIT_GUARD_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scores_sheet_id"))

    op.drop_table("scores")
    with op.batch_alter_table("screening_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_decisions_nomination_id"))

    op.drop_table("screening_decisions")
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheets_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheets_member_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheets_committee_id"))

    op.drop_table("score_sheets")
    with op.batch_alter_table("evidence_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_documents_nomination_id"))

    op.drop_table("evidence_documents")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflicts_user_id"))
        batch_op.drop_index(batch_op.f("ix_conflicts_nomination_id"))

    op.drop_table("conflicts")
    op.drop_table("compliance_decisions")
    op.drop_table("citations")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_awards_category_id"))

    op.drop_table("awards")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_nomination_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_member_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("tie_resolutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tie_resolutions_category_id"))

    op.drop_table("tie_resolutions")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominations_state"))
        batch_op.drop_index(batch_op.f("ix_nominations_search_name"))
        batch_op.drop_index(batch_op.f("ix_nominations_province_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_category_id"))

    op.drop_table("nominations")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_committee_id"))
        batch_op.drop_index(batch_op.f("ix_criteria_category_id"))

    op.drop_table("criteria")
    with op.batch_alter_table("category_committees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_committees_category_id"))

    op.drop_table("category_committees")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_cycle_id"))

    op.drop_table("memberships")
    op.drop_table("jobs")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categories_cycle_id"))

    op.drop_table("categories")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_province_id"))

    op.drop_table("users")
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatories_cycle_id"))

    op.drop_table("signatories")
    op.drop_table("settings")
    op.drop_table("provinces")
    op.drop_table("cycles")
    op.drop_table("committees")
