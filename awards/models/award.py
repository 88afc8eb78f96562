"""Awards created when a category is finalised, and how tied nominations were ordered."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import Tier
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.category import Category
    from awards.models.cycle import Cycle
    from awards.models.nomination import Nomination


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("rank >= 1", name="rank_positive"),
        CheckConstraint("length(token) >= 22", name="token_long_enough"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revocation_complete"),
        CheckConstraint("revoked_at IS NULL OR length(revoke_reason) > 0", name="revocation_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "tier"))
    rank: Mapped[int] = mapped_column()
    final_score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    # "<year>-<category code>-<sequence>", unique in the cycle (and so globally).
    serial: Mapped[str] = mapped_column(String(48), unique=True)
    # At least 128 random bits, URL-safe: the public verification address.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    cycle: Mapped[Cycle] = relationship()
    category: Mapped[Category] = relationship()
    nomination: Mapped[Nomination] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class TieResolution(Base):
    """The winners chair's written ordering of nominations tied on F and on the winners score."""

    __tablename__ = "tie_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    ordered_nomination_ids: Mapped[list[int]] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
