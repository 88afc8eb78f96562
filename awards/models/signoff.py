"""A committee chair's sign-off of the committee's scoring of one category."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime

if TYPE_CHECKING:
    from awards.models.category import Category
    from awards.models.committee import Committee
    from awards.models.user import User


class CommitteeSignoff(Base):
    """One per category and committee: who signed, when, and the digest of the scoring they signed.

    The sign-off holds only while ``snapshot`` equals the digest of the committee's scoring as it counts now
    (``awards.results.signoff.committee_digests``): a reopened sheet, a rubric reset or a conflict override
    changes that digest, and the sign-off then reads as outdated without anyone deleting the row.
    """

    __tablename__ = "committee_signoffs"
    __table_args__ = (
        UniqueConstraint("category_id", "committee_id"),
        CheckConstraint("length(snapshot) = 64", name="snapshot_is_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: SHA-256 (hex) of the committee's counted scoring when signed.
    snapshot: Mapped[str] = mapped_column(String(64))

    category: Mapped[Category] = relationship()
    committee: Mapped[Committee] = relationship(lazy="joined")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CommitteeSignoff category={self.category_id} committee={self.committee_id}>"
