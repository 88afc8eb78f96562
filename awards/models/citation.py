"""The citation (متن لوح) the content committee writes for a shortlisted nomination."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from awards.models.user import User


class Citation(Base):
    __tablename__ = "citations"
    __table_args__ = (
        CheckConstraint("length(text) > 0", name="not_empty"),
        CheckConstraint("(approved_at IS NULL) = (approved_by_id IS NULL)", name="approval_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    written_by: Mapped[User] = relationship(foreign_keys=[written_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
