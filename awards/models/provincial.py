"""The provincial round (PROCESS.md, «The provincial round»): before the national committees, each province's
working group (کارگروه استانی) scores its own submitted dossiers and its chair forwards the best to the national
round, within the category's per-province quota.

- :class:`ProvincialRound`: the per-cycle switch and its two dates (a cycle without a row has the round off).
- :class:`ProvincialGroup` and :class:`ProvincialSeat`: the working group of one province in one cycle, its members,
  chair and the organisation of each (the same-organisation conflict rule reads it).
- :class:`ProvincialCriterion`: the category's provincial rubric, set by the organizer like the national one.
- :class:`ProvincialSheet` and :class:`ProvincialScore`: a member's sheet on a dossier, one value per criterion.
  The numbers go through the same pure functions as the national sheets (``awards.evaluation.scoring``).
- :class:`ProvincialDecision`: the chair's forward or not, with the rank it had and the written justification.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import SheetState
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.category import Category
    from awards.models.cycle import Cycle
    from awards.models.nomination import Nomination
    from awards.models.province import Province
    from awards.models.user import User


class ProvincialRound(Base):
    """The provincial round of a cycle: on when ``enabled``; its scoring, then its selection, close on these dates.

    Both dates lie between nominations close and screening close (checked by the service that sets them, as
    they compare with the cycle's own dates).
    """

    __tablename__ = "provincial_rounds"
    __table_args__ = (CheckConstraint("scoring_close_at <= selection_close_at", name="scoring_before_selection"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    scoring_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    selection_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="provincial_round")


class ProvincialGroup(Base):
    """The working group (کارگروه استانی) of one province in one cycle."""

    __tablename__ = "provincial_groups"
    __table_args__ = (UniqueConstraint("cycle_id", "province_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    province: Mapped[Province] = relationship(lazy="joined")
    seats: Mapped[list[ProvincialSeat]] = relationship(
        back_populates="group", order_by="(ProvincialSeat.is_chair.desc(), ProvincialSeat.id)",
        cascade="all, delete-orphan",
    )

    @property
    def chair(self) -> ProvincialSeat | None:
        return next((seat for seat in self.seats if seat.is_chair), None)

    @property
    def member_ids(self) -> frozenset[int]:
        return frozenset(seat.user_id for seat in self.seats)


class ProvincialSeat(Base):
    """A user's seat on a province's working group; ``is_chair`` marks the chair (at most one per group)."""

    __tablename__ = "provincial_seats"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        Index("uq_provincial_seats_one_chair", "group_id", unique=True,
              sqlite_where=text("is_chair"), postgresql_where=text("is_chair")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("provincial_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    # The organisation the member comes from (e.g. «سازمان صمت فارس»): shown on the group page, and read by the
    # same-organisation conflict rule.
    organisation: Mapped[str] = mapped_column(String(160), default="")

    group: Mapped[ProvincialGroup] = relationship(back_populates="seats", lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class ProvincialCriterion(Base):
    """One line of a category's provincial rubric: max points m_c and weight w_c, both positive."""

    __tablename__ = "provincial_criteria"
    __table_args__ = (
        CheckConstraint("max_points > 0", name="max_points_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship()


class ProvincialSheet(Base):
    """A working-group member's sheet on one dossier of their province: a draft until submitted."""

    __tablename__ = "provincial_sheets"
    __table_args__ = (
        UniqueConstraint("nomination_id", "member_id"),
        CheckConstraint("state <> 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[SheetState] = mapped_column(enum_column(SheetState, "sheet_state"), default=SheetState.DRAFT)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_reason: Mapped[str | None] = mapped_column(Text)

    nomination: Mapped[Nomination] = relationship()
    member: Mapped[User] = relationship()
    scores: Mapped[list[ProvincialScore]] = relationship(back_populates="sheet", cascade="all, delete-orphan")


class ProvincialScore(Base):
    """r_c for one provincial criterion; ``max_points`` is copied so the database checks the range."""

    __tablename__ = "provincial_scores"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("value >= 0 AND value <= max_points", name="value_in_range"),
        CheckConstraint("value * 2 = CAST(value * 2 AS INTEGER)", name="half_steps"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("provincial_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("provincial_criteria.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    max_points: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    sheet: Mapped[ProvincialSheet] = relationship(back_populates="scores")
    criterion: Mapped[ProvincialCriterion] = relationship()


class ProvincialDecision(Base):
    """The chair's forwarding of a dossier to the national round: the rank it held and, when it was forwarded
    over a dossier ranked above it that was not, the written justification. A return from national screening
    deletes nothing: a later forward adds a new decision."""

    __tablename__ = "provincial_decisions"
    __table_args__ = (CheckConstraint("rank IS NULL OR rank >= 1", name="rank_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("provincial_groups.id"), index=True)
    forwarded: Mapped[bool] = mapped_column(Boolean)
    rank: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    justification: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProvincialAward(Base):
    """A provincial award: the certificate a province issues to one of its dossiers not forwarded, with its own
    serial series per cycle and province (``1404-FA-001``) and a token for the public verification page."""

    __tablename__ = "provincial_awards"
    __table_args__ = (
        UniqueConstraint("cycle_id", "province_id", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint("length(token) >= 22", name="token_long_enough"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revocation_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    sequence: Mapped[int] = mapped_column()
    serial: Mapped[str] = mapped_column(String(48), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    cycle: Mapped[Cycle] = relationship()
    province: Mapped[Province] = relationship(lazy="joined")
    nomination: Mapped[Nomination] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def category(self) -> Category:
        return self.nomination.category


class ProvincialSignatory(Base):
    """Who signs a province's certificates in a cycle, in printed order (the national :class:`Signatory`'s
    fields and rules: ``awards.certificates.signatories``)."""

    __tablename__ = "provincial_signatories"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    signature_file: Mapped[str | None] = mapped_column(String(200))

    cycle: Mapped[Cycle] = relationship()
    province: Mapped[Province] = relationship(lazy="joined")
