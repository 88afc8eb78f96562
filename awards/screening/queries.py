"""The screening and compliance queues: set-based reads, a fixed number of queries whatever their length."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from awards.enums import ComplianceOutcome, NominationState, ScreeningOutcome
from awards.models import ComplianceDecision, Cycle, Nomination, Province, ScreeningDecision, User
from awards.nominations.queries import DuplicateNominee, duplicate_nominees

#: Nominations the compliance queue lists: those the oversight committee can still decide, and those it failed.
COMPLIANCE_STATES = (NominationState.IN_EVALUATION, NominationState.SHORTLISTED, NominationState.INELIGIBLE)
DECIDABLE_STATES = frozenset({NominationState.IN_EVALUATION, NominationState.SHORTLISTED})
COMPLIANCE_STATUSES = ("pending", "passed", "failed")


@dataclass(frozen=True)
class ScreeningRow:
    nomination: Nomination
    last_return: ScreeningDecision | None  # the latest earlier return, so the screener can check the fix
    duplicates: tuple[DuplicateNominee, ...] = ()  # other dossiers of the cycle naming the same nominee


@dataclass(frozen=True)
class ComplianceRow:
    nomination: Nomination
    decision: ComplianceDecision | None

    @property
    def decidable(self) -> bool:
        return self.decision is None and self.nomination.state in DECIDABLE_STATES


def provinces(session: Session) -> list[Province]:
    return list(session.scalars(select(Province).order_by(Province.name_fa)))


def _dossier_options():
    return (
        joinedload(Nomination.province),
        joinedload(Nomination.category),
        selectinload(Nomination.documents),
    )


def screening_queue(session: Session, *, cycle: Cycle, province_id: int | None = None,
                    category_id: int | None = None) -> list[ScreeningRow]:
    """Submitted nominations of ``cycle`` from every province, oldest submission first (four queries)."""
    query = (
        select(Nomination)
        .where(Nomination.cycle_id == cycle.id, Nomination.state == NominationState.SUBMITTED)
        .options(*_dossier_options())
        .order_by(Nomination.submitted_at, Nomination.id)
    )
    if province_id is not None:
        query = query.where(Nomination.province_id == province_id)
    if category_id is not None:
        query = query.where(Nomination.category_id == category_id)
    nominations = list(session.scalars(query))
    returns: dict[int, ScreeningDecision] = {}
    if nominations:
        for decision in session.scalars(
            select(ScreeningDecision)
            .where(ScreeningDecision.nomination_id.in_([n.id for n in nominations]),
                   ScreeningDecision.outcome == ScreeningOutcome.RETURNED)
            .order_by(ScreeningDecision.decided_at, ScreeningDecision.id)
        ):
            returns[decision.nomination_id] = decision  # later ones overwrite: the latest wins
    duplicates = duplicate_nominees(session, nominations=nominations)
    return [ScreeningRow(n, returns.get(n.id), tuple(duplicates.get(n.id, ()))) for n in nominations]


def compliance_queue(session: Session, *, cycle: Cycle, province_id: int | None = None,
                     category_id: int | None = None, status: str | None = None) -> list[ComplianceRow]:
    """Nominations in evaluation (or shortlisted, or failed) with their decision: undecided first (two queries)."""
    query = (
        select(Nomination, ComplianceDecision)
        .outerjoin(ComplianceDecision, ComplianceDecision.nomination_id == Nomination.id)
        .where(Nomination.cycle_id == cycle.id, Nomination.state.in_(COMPLIANCE_STATES),
               # an ineligible nomination without a decision of ours is not this queue's business
               or_(ComplianceDecision.id.is_not(None), Nomination.state.in_(DECIDABLE_STATES)))
        .options(*_dossier_options(),
                 joinedload(ComplianceDecision.decided_by).lazyload(User.memberships))
        .order_by(ComplianceDecision.id.is_not(None), Nomination.submitted_at, Nomination.id)
    )
    if province_id is not None:
        query = query.where(Nomination.province_id == province_id)
    if category_id is not None:
        query = query.where(Nomination.category_id == category_id)
    if status == "pending":
        query = query.where(ComplianceDecision.id.is_(None))
    elif status in ("passed", "failed"):
        query = query.where(ComplianceDecision.outcome == ComplianceOutcome(status))
    return [ComplianceRow(n, d) for n, d in session.execute(query)]


def nomination_for_decision(session: Session, nomination_id: int) -> Nomination | None:
    """Load a nomination for a screening or compliance decision, locking its row against a racing decision."""
    return session.scalar(
        select(Nomination).where(Nomination.id == nomination_id).with_for_update(of=Nomination)
    )

