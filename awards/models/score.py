"""Score sheets: one per member, nomination and committee; one value per criterion."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import SheetState
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.category import Criterion
    from awards.models.committee import Committee
    from awards.models.nomination import Nomination
    from awards.models.user import User


class ScoreSheet(Base):
    __tablename__ = "score_sheets"
    __table_args__ = (
        UniqueConstraint("nomination_id", "committee_id", "member_id"),
        CheckConstraint("state <> 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        # A member's sheets of one committee by state: the inbox's progress (awards.evaluation.queries).
        Index("ix_score_sheets_member_committee", "member_id", "committee_id", "state", "nomination_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[SheetState] = mapped_column(enum_column(SheetState, "sheet_state"), default=SheetState.DRAFT)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_reason: Mapped[str | None] = mapped_column(Text)

    nomination: Mapped[Nomination] = relationship()
    committee: Mapped[Committee] = relationship()
    member: Mapped[User] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="sheet", cascade="all, delete-orphan")


class Score(Base):
    """r_c for one criterion; ``max_points`` is copied from the criterion so the database checks the range."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("value >= 0 AND value <= max_points", name="value_in_range"),
        CheckConstraint("value * 2 = CAST(value * 2 AS INTEGER)", name="half_steps"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    max_points: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class Assignment(Base):
    """A member asked to score a nomination for a committee, when the category uses k reviewers."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("nomination_id", "committee_id", "member_id"),
        # A member's assignments for one committee: the inbox's size where a category sets k reviewers.
        Index("ix_assignments_member_committee", "member_id", "committee_id", "nomination_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
