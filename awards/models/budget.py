"""The finance committee's award budget of a cycle: cost lines per award tier and fixed lines, in rials."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime
from awards.enums import BudgetLineKind, BudgetState, Tier
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.cycle import Cycle
    from awards.models.user import User

#: The largest unit cost a line takes (100 trillion rials): any total of a real cycle stays far below the
#: largest amount ``awards.persian.amount_in_words`` writes, and below BIGINT.
MAX_UNIT_COST = 100_000_000_000_000


class Budget(Base):
    """One per cycle. The organizer lists the cost lines and sends the budget to the finance committee, whose
    chair approves it (recording the total of that moment) or returns it with a reason. Certificates of a tier
    print only under an approved budget with a line for that tier."""

    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint("(submitted_at IS NULL) = (submitted_by_id IS NULL)", name="submission_complete"),
        CheckConstraint("(approved_at IS NULL) = (approved_by_id IS NULL)", name="approval_complete"),
        CheckConstraint("(approved_at IS NULL) = (approved_total IS NULL)", name="approval_has_total"),
        CheckConstraint("approved_total IS NULL OR approved_total >= 0", name="approved_total_not_negative"),
        CheckConstraint("(state = 'budget_approved') = (approved_at IS NOT NULL)", name="approved_state_has_approval"),
        CheckConstraint("state = 'drafting' OR submitted_at IS NOT NULL", name="reviewed_state_was_submitted"),
        CheckConstraint("(returned_at IS NULL) = (returned_by_id IS NULL)", name="return_complete"),
        CheckConstraint("(returned_at IS NULL) = (return_reason IS NULL)", name="return_has_reason"),
        CheckConstraint("return_reason IS NULL OR length(return_reason) > 0", name="return_reason_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), unique=True)
    state: Mapped[BudgetState] = mapped_column(enum_column(BudgetState, "budget_state"),
                                               default=BudgetState.DRAFTING)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The total the finance chair approved, in rials (the award counts may change later: a revocation).
    approved_total: Mapped[int | None] = mapped_column(BigInteger)
    #: The finance chair's latest return, kept (with its reason) until the budget is approved.
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(Text)

    cycle: Mapped[Cycle] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    lines: Mapped[list[BudgetLine]] = relationship(back_populates="budget", cascade="all, delete-orphan",
                                                   order_by="(BudgetLine.position, BudgetLine.id)")

    def __repr__(self) -> str:
        return f"<Budget cycle={self.cycle_id} {self.state}>"


class BudgetLine(Base):
    """A cost line: a unit cost per award of one tier (e.g. the gold tier's statuette), or a fixed amount
    (venue, printing, transport). Whole rials."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint("(kind = 'per_award') = (tier IS NOT NULL)", name="tier_iff_per_award"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
        CheckConstraint(f"unit_cost >= 0 AND unit_cost <= {MAX_UNIT_COST}", name="unit_cost_in_range"),
        # One line per item and tier; a fixed item once (tier is NULL there, so a partial index).
        UniqueConstraint("budget_id", "tier", "label"),
        Index("uq_budget_lines_fixed_label", "budget_id", "label", unique=True,
              sqlite_where=text("tier IS NULL"), postgresql_where=text("tier IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[BudgetLineKind] = mapped_column(enum_column(BudgetLineKind, "budget_line_kind"))
    tier: Mapped[Tier | None] = mapped_column(enum_column(Tier, "tier"))
    label: Mapped[str] = mapped_column(String(120))
    unit_cost: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)

    budget: Mapped[Budget] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"<BudgetLine {self.kind} {self.tier} {self.label!r} {self.unit_cost}>"
