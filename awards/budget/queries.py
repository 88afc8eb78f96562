"""Reads for the award budget: its lines with their figures, the award counts, what printing may rely on.

The counts come from the awards (one grouped query): per tier, the awards not revoked. They are known once every
category of the cycle that is not retired has a confirmed result; until then each per-award line's count, its
subtotal and the total are "not yet known" (a proposed count could still change, and the finance committee
approves an amount, not an estimate).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from awards.enums import BudgetLineKind, BudgetState, NomineeKind, Tier
from awards.models import Award, Budget, BudgetLine, Category, Cycle, Nomination, Province
from awards.persian import amount_in_words

#: The tier whose awards get a statuette (PROCESS.md: the golden statuette and the certificate).
STATUETTE_TIER = Tier.GOLD


@dataclass(frozen=True)
class LineFigure:
    """One line as the budget shows it: its quantity (the award count, or 1 for a fixed line) and subtotal,
    both None while the count is not yet known."""

    line: BudgetLine
    quantity: int | None
    subtotal: int | None


@dataclass(frozen=True)
class BudgetSheet:
    """The cycle's budget with its figures: lines, award counts per tier, the categories still to confirm."""

    budget: Budget | None
    lines: list[LineFigure]
    counts: dict[Tier, int]
    pending: list[Category]
    total: int | None

    @property
    def counts_known(self) -> bool:
        return not self.pending

    @property
    def total_in_words(self) -> str | None:
        return amount_in_words(self.total) if self.total is not None else None

    @property
    def state(self) -> BudgetState:
        return self.budget.state if self.budget is not None else BudgetState.DRAFTING


def budget_of(session: Session, *, cycle: Cycle) -> Budget | None:
    """The cycle's budget with its lines (two queries), or None before the first line."""
    return session.scalar(select(Budget).where(Budget.cycle_id == cycle.id).options(selectinload(Budget.lines)))


def award_counts(session: Session, *, cycle: Cycle) -> dict[Tier, int]:
    """Per tier, the cycle's awards that are not revoked (one grouped query); every tier present, 0 if none."""
    rows = session.execute(select(Award.tier, func.count(Award.id))
                           .where(Award.cycle_id == cycle.id, Award.revoked_at.is_(None)).group_by(Award.tier))
    return {tier: 0 for tier in Tier} | dict(rows.all())


def pending_categories(session: Session, *, cycle: Cycle) -> list[Category]:
    """The categories whose result is not yet confirmed (retired ones aside), in the cycle's order."""
    return list(session.scalars(
        select(Category).where(Category.cycle_id == cycle.id, Category.finalised_at.is_(None),
                               Category.retired_at.is_(None))
        .order_by(Category.position, Category.id)))


def figures(lines: list[BudgetLine], counts: dict[Tier, int] | None) -> tuple[list[LineFigure], int | None]:
    """Each line's quantity and subtotal, and the total: unit cost times the tier's award count, or the fixed
    amount; with ``counts`` None (not yet known) the per-award lines and the total are None."""
    rows = []
    for line in lines:
        known = line.kind is BudgetLineKind.FIXED or counts is not None
        quantity = (1 if line.kind is BudgetLineKind.FIXED else counts[line.tier]) if known else None
        rows.append(LineFigure(line=line, quantity=quantity,
                               subtotal=line.unit_cost * quantity if quantity is not None else None))
    subtotals = [row.subtotal for row in rows]
    total = sum(subtotals) if None not in subtotals else None
    return rows, total


def budget_sheet(session: Session, *, cycle: Cycle) -> BudgetSheet:
    """The budget page's figures (four queries, whatever the number of lines or awards)."""
    budget = budget_of(session, cycle=cycle)
    counts = award_counts(session, cycle=cycle)
    pending = pending_categories(session, cycle=cycle)
    rows, total = figures(list(budget.lines) if budget else [], None if pending else counts)
    return BudgetSheet(budget=budget, lines=rows, counts=counts, pending=pending, total=total)


def covered_tiers(session: Session, *, cycle: Cycle) -> set[Tier]:
    """The tiers the cycle's budget covers: it is approved and has a per-award line for the tier (one query)."""
    return set(session.scalars(
        select(BudgetLine.tier).distinct().join(Budget, Budget.id == BudgetLine.budget_id)
        .where(Budget.cycle_id == cycle.id, Budget.state == BudgetState.APPROVED,
               BudgetLine.kind == BudgetLineKind.PER_AWARD)))


@dataclass(frozen=True)
class StatuetteRow:
    """One statuette to make: the award's serial and whom it names."""

    serial: str
    category_title: str
    nominee_name: str
    recipient: str
    recipient_title: str | None
    province_fa: str


def _recipient(kind: NomineeKind, nominee: str, salutation: str | None, representative: str | None) -> str:
    # The certificate's recipient line (awards.certificates.services.recipient_line; a test keeps them equal):
    # the person nominee, or the representative of a unit, cluster or project, after the salutation.
    name = nominee if kind is NomineeKind.PERSON or not representative else representative
    return f"{salutation} {name}" if salutation else name


def statuettes(session: Session, *, cycle: Cycle) -> list[StatuetteRow]:
    """The statuettes to make: the cycle's awards of :data:`STATUETTE_TIER` not revoked, by serial (one query)."""
    rows = session.execute(
        select(Award.serial, Category.title, Category.nominee_kind, Nomination.nominee_name, Nomination.salutation,
               Nomination.representative_name, Nomination.representative_title, Province.name_fa)
        .join(Category, Category.id == Award.category_id)
        .join(Nomination, Nomination.id == Award.nomination_id)
        .join(Province, Province.id == Nomination.province_id)
        .where(Award.cycle_id == cycle.id, Award.tier == STATUETTE_TIER, Award.revoked_at.is_(None))
        .order_by(Award.serial))
    return [StatuetteRow(serial=serial, category_title=title, nominee_name=nominee,
                         recipient=_recipient(kind, nominee, salutation, representative),
                         recipient_title=representative_title, province_fa=province)
            for serial, title, kind, nominee, salutation, representative, representative_title, province in rows]
