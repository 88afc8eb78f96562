"""The six committees and who sits on them in each cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base
from awards.enums import CommitteeCode
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.cycle import Cycle
    from awards.models.user import User


class Committee(Base):
    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[CommitteeCode] = mapped_column(enum_column(CommitteeCode, "committee_code"), unique=True)
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Committee {self.code}>"


class Membership(Base):
    """A user's seat on a committee in one cycle; ``is_chair`` marks the chair."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("cycle_id", "committee_id", "user_id"),
        # At most one chair per committee and cycle (a partial unique index, on SQLite and PostgreSQL).
        Index("uq_memberships_one_chair", "cycle_id", "committee_id", unique=True,
              sqlite_where=text("is_chair"), postgresql_where=text("is_chair")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)

    committee: Mapped[Committee] = relationship(lazy="joined")
    user: Mapped[User] = relationship(back_populates="memberships")
    cycle: Mapped[Cycle] = relationship()
