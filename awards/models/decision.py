"""Screening (provincial affairs) and compliance (oversight) decisions on a nomination."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import ComplianceOutcome, ScreeningOutcome
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.user import User


class ScreeningDecision(Base):
    """Every accept or return, kept as history: a dossier may be returned and resubmitted several times."""

    __tablename__ = "screening_decisions"
    __table_args__ = (
        CheckConstraint("outcome <> 'returned' OR length(reason) > 0", name="return_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[ScreeningOutcome] = mapped_column(enum_column(ScreeningOutcome, "screening_outcome"))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User] = relationship()


class ComplianceDecision(Base):
    """The oversight committee's single pass or fail on a nomination in evaluation."""

    __tablename__ = "compliance_decisions"
    __table_args__ = (CheckConstraint("outcome <> 'failed' OR length(reason) > 0", name="fail_has_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[ComplianceOutcome] = mapped_column(enum_column(ComplianceOutcome, "compliance_outcome"))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User] = relationship()
