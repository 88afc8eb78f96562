"""Indicators (شاخص‌ها): figures a dossier declares, which a committee verifies and a criterion scores.

An :class:`Indicator` is defined per cycle (code, names, unit, decimals allowed, lowest value). A nomination holds
one :class:`IndicatorValue` per indicator it declares: the declared figure and the year it refers to, and, once the
committee owning a criterion computed from it has checked the evidence, the verified figure (equal to the
declared one, or corrected with a reason). A computed criterion (``Criterion.rule`` set) takes its points from
the verified figure through its :class:`CriterionBand` rows or its linear scale (``awards.evaluation.indicators``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from awards.models.category import Criterion
    from awards.models.cycle import Cycle
    from awards.models.user import User

#: Figures are stored with two decimals; an indicator allows 0, 1 or 2 of them.
FIGURE = Numeric(18, 2)


class Indicator(Base):
    """A figure every dossier of the cycle may declare, e.g. sales growth in %, which may be negative."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("cycle_id", "code"),
        CheckConstraint("decimals BETWEEN 0 AND 2", name="decimals_range"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="min_below_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_fa: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    unit_fa: Mapped[str] = mapped_column(String(60), default="")
    unit_en: Mapped[str] = mapped_column(String(60), default="")
    #: 0: whole numbers only; 1 or 2: that many decimals allowed.
    decimals: Mapped[int] = mapped_column(default=0)
    min_value: Mapped[Decimal | None] = mapped_column(FIGURE, default=Decimal(0))
    max_value: Mapped[Decimal | None] = mapped_column(FIGURE)
    position: Mapped[int] = mapped_column(default=0)
    #: The dossier key figure (employees, annual_sales, exports_value, growth_percent) this indicator carries:
    #: the dossier form then asks the figure once, as this indicator, and the declared figure fills that field.
    dossier_field: Mapped[str | None] = mapped_column(String(32))

    cycle: Mapped[Cycle] = relationship()

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class IndicatorValue(Base):
    """A dossier's declared figure for one indicator, and the committee's verified figure once checked."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("nomination_id", "indicator_id"),
        CheckConstraint("year BETWEEN 1300 AND 1500", name="jalali_year"),
        CheckConstraint("(verified_value IS NULL) = (verified_at IS NULL)", name="verified_has_time"),
        CheckConstraint("(verified_at IS NULL) = (verified_by_id IS NULL)", name="verified_has_actor"),
        # A corrected figure always carries its reason.
        CheckConstraint("verified_value IS NULL OR reason IS NOT NULL "
                        "OR (declared_value IS NOT NULL AND verified_value = declared_value)",
                        name="correction_has_reason"),
        CheckConstraint("declared_value IS NOT NULL OR verified_value IS NOT NULL", name="has_a_figure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    # None only when the dossier declared nothing and the committee entered the figure (with a reason).
    declared_value: Mapped[Decimal | None] = mapped_column(FIGURE)
    year: Mapped[int] = mapped_column()  # Jalali year the figure refers to
    verified_value: Mapped[Decimal | None] = mapped_column(FIGURE)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship(lazy="joined")
    verified_by: Mapped[User | None] = relationship()

    @property
    def is_verified(self) -> bool:
        return self.verified_value is not None

    @property
    def corrected(self) -> bool:
        return self.verified_value is not None and self.verified_value != self.declared_value


class CriterionBand(Base):
    """One row of a computed criterion's banded table: points for figures between two limits.

    A limit left empty is open (no lower or upper bound); each limit is inclusive or exclusive on its own.
    """

    __tablename__ = "criterion_bands"
    __table_args__ = (
        CheckConstraint("points >= 0", name="points_non_negative"),
        CheckConstraint("lower IS NULL OR upper IS NULL OR lower <= upper", name="lower_below_upper"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    lower: Mapped[Decimal | None] = mapped_column(FIGURE)
    lower_inclusive: Mapped[bool] = mapped_column(Boolean, default=True)
    upper: Mapped[Decimal | None] = mapped_column(FIGURE)
    upper_inclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    position: Mapped[int] = mapped_column(default=0)

    criterion: Mapped[Criterion] = relationship(back_populates="bands")
