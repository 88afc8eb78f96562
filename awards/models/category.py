"""Categories (رشته) of a cycle, with quotas, committee weights and the rubric."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime
from awards.enums import Aggregation, IndicatorRule, NomineeKind
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.committee import Committee
    from awards.models.cycle import Cycle
    from awards.models.indicator import CriterionBand, Indicator
    from awards.models.user import User


def new_results_version() -> int:
    """A fresh results stamp (62 random bits: fits a signed BIGINT on both backends)."""
    return secrets.randbits(62)


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("cycle_id", "code"),
        CheckConstraint("province_quota >= 0", name="province_quota_non_negative"),
        CheckConstraint("gold_quota >= 0", name="gold_quota_non_negative"),
        CheckConstraint("certificate_quota >= 0", name="certificate_quota_non_negative"),
        CheckConstraint("min_score IS NULL OR (min_score >= 0 AND min_score <= 100)", name="min_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    nominee_kind: Mapped[NomineeKind] = mapped_column(enum_column(NomineeKind, "nominee_kind"))
    province_quota: Mapped[int] = mapped_column(default=3)
    gold_quota: Mapped[int] = mapped_column(default=1)
    certificate_quota: Mapped[int] = mapped_column(default=3)
    min_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    position: Mapped[int] = mapped_column(default=0)
    # Finalisation: the winners chair proposes, an organizer confirms; the digest seals the result.
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_digest: Mapped[str | None] = mapped_column(String(64))
    # The audit chain's head when the result was sealed (part of the digest): an outside witness holding the
    # digest also holds the log up to this event.
    audit_head_event_id: Mapped[int | None] = mapped_column()
    audit_head_hash: Mapped[str | None] = mapped_column(String(64))
    rubric_reset_reason: Mapped[str | None] = mapped_column(Text)
    # Retired: no longer offered for new nominations or imports; its dossiers stay.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A stamp replaced (by awards.results.cache, at flush) whenever an input of the category's result changes:
    # the key of the computed result cached per process. Random, so a rolled-back or reused value never recurs.
    results_version: Mapped[int] = mapped_column(BigInteger, default=new_results_version,
                                                 server_default="0")

    cycle: Mapped[Cycle] = relationship(back_populates="categories")
    committee_settings: Mapped[list[CategoryCommittee]] = relationship(
        back_populates="category", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="category", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def __repr__(self) -> str:
        return f"<Category {self.code}>"


class CategoryCommittee(Base):
    """How one committee takes part in one category: its weight W_K and how its sheets aggregate."""

    __tablename__ = "category_committees"
    __table_args__ = (
        UniqueConstraint("category_id", "committee_id"),
        CheckConstraint("weight >= 0", name="weight_non_negative"),
        CheckConstraint("quorum IS NULL OR quorum >= 1", name="quorum_positive"),
        CheckConstraint("reviewers_per_nomination IS NULL OR reviewers_per_nomination >= 1", name="k_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    aggregation: Mapped[Aggregation] = mapped_column(
        enum_column(Aggregation, "aggregation"), default=Aggregation.MEAN
    )
    # None means the default: 3, or all members when fewer.
    quorum: Mapped[int | None] = mapped_column()
    normalise: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: every member scores every nomination; k: a balanced assignment of k reviewers.
    reviewers_per_nomination: Mapped[int | None] = mapped_column()

    category: Mapped[Category] = relationship(back_populates="committee_settings")
    committee: Mapped[Committee] = relationship(lazy="joined")


class Criterion(Base):
    """One line of a committee's rubric in a category: max points m_c and weight w_c, both positive."""

    __tablename__ = "criteria"
    __table_args__ = (
        CheckConstraint("max_points > 0", name="max_points_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
        # A computed criterion names its indicator and rule together; a linear one has its slope.
        CheckConstraint("(indicator_id IS NULL) = (rule IS NULL)", name="indicator_has_rule"),
        CheckConstraint("rule IS NULL OR rule <> 'linear' OR (linear_slope IS NOT NULL AND linear_slope > 0 "
                        "AND linear_origin IS NOT NULL)", name="linear_has_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    position: Mapped[int] = mapped_column(default=0)
    # Computed from an indicator (never typed): the rule is None for a judged criterion. Linear: points =
    # (figure - origin) * slope, from 0 up to max_points; bands: the CriterionBand rows.
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"), index=True)
    rule: Mapped[IndicatorRule | None] = mapped_column(enum_column(IndicatorRule, "indicator_rule"))
    linear_origin: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    linear_slope: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))

    category: Mapped[Category] = relationship(back_populates="criteria")
    committee: Mapped[Committee] = relationship(lazy="joined")
    indicator: Mapped[Indicator | None] = relationship()
    bands: Mapped[list[CriterionBand]] = relationship(
        back_populates="criterion", order_by="CriterionBand.position", cascade="all, delete-orphan"
    )

    @property
    def is_computed(self) -> bool:
        """Points come from an indicator's verified figure, not from members' sheets."""
        return self.rule is not None
