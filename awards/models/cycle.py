"""A cycle (دوره): one year of the award, its timeline and signatories."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import Phase

if TYPE_CHECKING:
    from awards.models.category import Category
    from awards.models.provincial import ProvincialRound

#: Timeline fields in order; each must not come before the one before it.
TIMELINE_FIELDS = (
    "nominations_open_at",
    "nominations_close_at",
    "screening_close_at",
    "evaluation_close_at",
    "results_final_at",
    "ceremony_at",
)


class Cycle(Base):
    __tablename__ = "cycles"
    __table_args__ = (
        CheckConstraint("nominations_open_at < nominations_close_at", name="open_before_close"),
        CheckConstraint("nominations_close_at <= screening_close_at", name="close_before_screening"),
        CheckConstraint("screening_close_at <= evaluation_close_at", name="screening_before_evaluation"),
        CheckConstraint("evaluation_close_at <= results_final_at", name="evaluation_before_results"),
        CheckConstraint("results_final_at <= ceremony_at", name="results_before_ceremony"),
        CheckConstraint("year BETWEEN 1380 AND 1500", name="jalali_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    nominations_open_at: Mapped[datetime] = mapped_column(UTCDateTime)
    nominations_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    screening_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    evaluation_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    results_final_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ceremony_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ceremony_postponed_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ceremony_postponed_reason: Mapped[str | None] = mapped_column(Text)
    conflict_same_province: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Archived: the cycle is finished and read-only (see awards/guards.py).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    categories: Mapped[list[Category]] = relationship(
        back_populates="cycle", order_by="Category.position", cascade="all, delete-orphan"
    )
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="cycle", order_by="Signatory.position", cascade="all, delete-orphan"
    )
    # The provincial round's switch and dates (None: the round is off). Joined, so that deriving the phase
    # costs no statement of its own.
    provincial_round: Mapped[ProvincialRound | None] = relationship(
        back_populates="cycle", lazy="joined", cascade="all, delete-orphan", uselist=False
    )

    @property
    def has_provincial_round(self) -> bool:
        return self.provincial_round is not None and self.provincial_round.enabled

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def phase_at(self, moment: datetime) -> Phase:
        """Name the phase the timeline is in at ``moment`` (aware UTC)."""
        if moment < self.nominations_open_at:
            return Phase.NOT_OPEN
        if moment < self.nominations_close_at:
            return Phase.NOMINATION
        if self.has_provincial_round:
            if moment < self.provincial_round.scoring_close_at:
                return Phase.PROVINCIAL_SCORING
            if moment < self.provincial_round.selection_close_at:
                return Phase.PROVINCIAL_SELECTION
        if moment < self.screening_close_at:
            return Phase.SCREENING
        if moment < self.evaluation_close_at:
            return Phase.EVALUATION
        if moment < self.results_final_at:
            return Phase.RESULTS
        return Phase.FINAL

    def __repr__(self) -> str:
        return f"<Cycle {self.year}>"


class Signatory(Base):
    """Who signs the certificates of a cycle, in printed order."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    signature_file: Mapped[str | None] = mapped_column(String(200))

    cycle: Mapped[Cycle] = relationship(back_populates="signatories")
