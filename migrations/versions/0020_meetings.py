"""meetings: committee minutes (صورتجلسه), their attendees and signatures, and their numbered decisions

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("body", _enum("meeting_body", "committee"), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("state", _enum("meeting_state", "recording", "signing", "sealed"), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", awards.db.UTCDateTime(), nullable=False),
        sa.Column("sealed_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("content_digest", sa.String(length=64), nullable=True),
        sa.CheckConstraint("body = 'committee' AND committee_id IS NOT NULL", name=op.f("ck_meetings_body_is_named")),
        sa.CheckConstraint("sequence > 0", name=op.f("ck_meetings_sequence_positive")),
        sa.CheckConstraint("(state = 'sealed') = (sealed_at IS NOT NULL)",
                           name=op.f("ck_meetings_sealed_state_has_time")),
        sa.CheckConstraint("(sealed_at IS NULL) = (content_digest IS NULL)", name=op.f("ck_meetings_seal_has_digest")),
        sa.CheckConstraint("length(place) > 0", name=op.f("ck_meetings_place_not_empty")),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_meetings_cycle_id_cycles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["committee_id"], ["committees.id"], name=op.f("fk_meetings_committee_id_committees")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_meetings_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("cycle_id", "committee_id", "sequence",
                            name=op.f("uq_meetings_cycle_id_committee_id_sequence")),
        sa.UniqueConstraint("number", name=op.f("uq_meetings_number")),
        sa.UniqueConstraint("token", name=op.f("uq_meetings_token")),
    )
    op.create_index(op.f("ix_meetings_cycle_id"), "meetings", ["cycle_id"])

    op.create_table(
        "meeting_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.Column("signed_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("signed_digest", sa.String(length=64), nullable=True),
        sa.CheckConstraint("(signed_at IS NULL) = (signed_digest IS NULL)",
                           name=op.f("ck_meeting_attendees_signature_complete")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_attendees_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_attendees_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendees")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_attendees_meeting_id_user_id")),
    )
    op.create_index(op.f("ix_meeting_attendees_meeting_id"), "meeting_attendees", ["meeting_id"])
    op.create_index(op.f("ix_meeting_attendees_user_id"), "meeting_attendees", ["user_id"])

    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("decision_kind", "category_ranking", "tie_order", "screening_outcomes",
                                "compliance_outcomes", "budget", "general"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("subject_ids", sa.JSON(), nullable=False),
        sa.Column("result_digest", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.Numeric(20, 0), nullable=True),
        sa.Column("table", sa.JSON(), nullable=False),
        sa.CheckConstraint("(kind IN ('category_ranking', 'tie_order', 'screening_outcomes', 'compliance_outcomes'))"
                           " = (category_id IS NOT NULL)", name=op.f("ck_meeting_decisions_category_kinds")),
        sa.CheckConstraint("(kind = 'category_ranking') = (result_digest IS NOT NULL)",
                           name=op.f("ck_meeting_decisions_ranking_has_digest")),
        sa.CheckConstraint("kind = 'budget' OR amount IS NULL", name=op.f("ck_meeting_decisions_amount_only_in_budget")),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name=op.f("ck_meeting_decisions_amount_not_negative")),
        sa.CheckConstraint("kind NOT IN ('budget', 'general') OR length(text) > 0",
                           name=op.f("ck_meeting_decisions_free_decision_has_text")),
        sa.CheckConstraint("position > 0", name=op.f("ck_meeting_decisions_position_positive")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_decisions_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_meeting_decisions_category_id_categories")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decisions")),
        sa.UniqueConstraint("meeting_id", "position", name=op.f("uq_meeting_decisions_meeting_id_position")),
    )
    op.create_index(op.f("ix_meeting_decisions_meeting_id"), "meeting_decisions", ["meeting_id"])
    op.create_index(op.f("ix_meeting_decisions_category_id"), "meeting_decisions", ["category_id"])


def downgrade() -> None:
    op.drop_table("meeting_decisions")
    op.drop_table("meeting_attendees")
    op.drop_table("meetings")
