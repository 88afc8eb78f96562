"""Conflicts of interest between a committee member and a nomination."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import ConflictSource
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.user import User


class Conflict(Base):
    """A declared or rule-flagged conflict; an organizer may override a rule flag, with a reason."""

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("nomination_id", "user_id", "source"),
        CheckConstraint(
            "overridden_at IS NULL OR length(override_reason) > 0", name="override_has_reason"
        ),
        CheckConstraint(
            "source <> 'declared' OR overridden_at IS NULL", name="declared_not_overridable"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[ConflictSource] = mapped_column(enum_column(ConflictSource, "conflict_source"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    override_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_active(self) -> bool:
        return self.overridden_at is None
