"""The media committee's publication of a cycle's winners: the press list's intro, its approval, the public page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime
from awards.enums import PublicationState
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.cycle import Cycle
    from awards.models.user import User


class Publication(Base):
    """One per cycle. The media chair writes the press release's intro, approves the press list (which fixes
    the categories it publishes: those final at that moment) and, on or after the ceremony date, opens the
    public winners page. Which awards show: the approved categories' awards that are not revoked."""

    __tablename__ = "publications"
    __table_args__ = (
        CheckConstraint("(intro_at IS NULL) = (intro_by_id IS NULL)", name="intro_complete"),
        CheckConstraint("(approved_at IS NULL) = (approved_by_id IS NULL)", name="approval_complete"),
        CheckConstraint("(opened_at IS NULL) = (opened_by_id IS NULL)", name="opening_complete"),
        CheckConstraint("(state = 'preparing') = (approved_at IS NULL)", name="approved_state_has_approval"),
        CheckConstraint("(state = 'open') = (opened_at IS NOT NULL)", name="open_state_has_opening"),
        CheckConstraint("state = 'preparing' OR length(intro) > 0", name="approved_intro_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)
    state: Mapped[PublicationState] = mapped_column(enum_column(PublicationState, "publication_state"),
                                                    default=PublicationState.PREPARING)
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    intro_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The categories the approval covers (final when approved), in the cycle's order.
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])

    def __repr__(self) -> str:
        return f"<Publication cycle={self.cycle_id} {self.state}>"
