"""The screening and compliance queues: set-based reads, a fixed number of queries whatever their length."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from awards.enums import ComplianceOutcome, NominationState, ScreeningOutcome
from awards.models import (
    ComplianceDecision,
    Cycle,
    EvidenceDocument,
    Nomination,
    Province,
    ScreeningDecision,
    User,
)
from awards.nominations.queries import DuplicateNominee, duplicate_nominees
from awards.pagination import Page
from awards.queues import QueueFilters, narrow, page_number

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





#: How a queue may be ordered; the first is the default (oldest submission first: fair to the provinces).
SORTS = ("oldest", "newest", "name", "province")


def _ordered(query: Select, sort: str) -> Select:
    if sort == "newest":
        return query.order_by(Nomination.submitted_at.desc(), Nomination.id.desc())
    if sort == "name":
        return query.order_by(Nomination.search_name, Nomination.id)
    if sort == "province":
        return (query.join(Province, Province.id == Nomination.province_id)
                .order_by(Province.name_fa, Nomination.submitted_at, Nomination.id))
    return query.order_by(Nomination.submitted_at, Nomination.id)


@dataclass
class QueuePage(Page):
    """A page of a queue with what its rows show beside each nomination."""

    documents: dict[int, int] = field(default_factory=dict)  # nomination id -> number of documents
    pending: int = 0  # compliance: undecided nominations among all that match the filters


def _page_options():
    return joinedload(Nomination.province), joinedload(Nomination.category)


def document_counts(session: Session, nomination_ids: list[int]) -> dict[int, int]:
    """How many documents each of the given nominations has (one grouped statement)."""
    if not nomination_ids:
        return {}
    rows = session.execute(
        select(EvidenceDocument.nomination_id, func.count(EvidenceDocument.id))
        .where(EvidenceDocument.nomination_id.in_(nomination_ids))
        .group_by(EvidenceDocument.nomination_id)
    )
    return {nomination_id: count for nomination_id, count in rows}


def _screening_base(cycle: Cycle, filters: QueueFilters) -> Select:
    return narrow(
        # With the provincial round on, national screening takes the dossiers the provinces' groups forwarded.
        select(Nomination).where(Nomination.cycle_id == cycle.id, Nomination.state == (
            NominationState.FORWARDED if cycle.has_provincial_round else NominationState.SUBMITTED)),
        filters,
    )


def screening_queue(session: Session, *, cycle: Cycle, filters: QueueFilters | None = None, page: int = 1,
                    page_size: int = 25) -> Page:
    """One page of the submitted nominations of ``cycle`` (four statements, whatever the queue's length).

    Items are :class:`ScreeningRow`.
    """
    filters = filters or QueueFilters()
    base = _screening_base(cycle, filters)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    number = page_number(total, page, page_size)
    nominations = list(session.scalars(
        _ordered(base, filters.sort).options(*_page_options()).limit(page_size).offset((number - 1) * page_size)
    ))
    ids = [n.id for n in nominations]
    returns: dict[int, ScreeningDecision] = {}
    if ids:
        for decision in session.scalars(
            select(ScreeningDecision)
            .where(ScreeningDecision.nomination_id.in_(ids), ScreeningDecision.outcome == ScreeningOutcome.RETURNED)
            .order_by(ScreeningDecision.decided_at, ScreeningDecision.id)
        ):
            returns[decision.nomination_id] = decision  # later ones overwrite: the latest wins
    duplicates = duplicate_nominees(session, nominations=nominations)
    rows = [ScreeningRow(n, returns.get(n.id), tuple(duplicates.get(n.id, ()))) for n in nominations]
    return QueuePage(items=rows, total=total, number=number, size=page_size, documents=document_counts(session, ids))


def _compliance_base(cycle: Cycle, filters: QueueFilters, *columns) -> Select:
    query = (
        select(*columns)
        .select_from(Nomination)
        .outerjoin(ComplianceDecision, ComplianceDecision.nomination_id == Nomination.id)
        .where(Nomination.cycle_id == cycle.id, Nomination.state.in_(COMPLIANCE_STATES),
               # an ineligible nomination without a decision of ours is not this queue's business
               or_(ComplianceDecision.id.is_not(None), Nomination.state.in_(DECIDABLE_STATES)))
    )
    if filters.status == "pending":
        query = query.where(ComplianceDecision.id.is_(None))
    elif filters.status in ("passed", "failed"):
        query = query.where(ComplianceDecision.outcome == ComplianceOutcome(filters.status))
    return narrow(query, filters)


def compliance_queue(session: Session, *, cycle: Cycle, filters: QueueFilters | None = None, page: int = 1,
                     page_size: int = 25) -> Page:
    """One page of the nominations in evaluation (or shortlisted, or failed) with their decision, undecided
    first (three statements whatever the queue's length: the counts, the page, the documents).

    Undecided first is not read from an index: so the page is the undecided rows up to its end, then the
    decided ones, each part taken in order (and cut) on its own before the few rows left are ordered, rather
    than the whole queue being sorted for every page."""
    filters = filters or QueueFilters()
    total, pending = session.execute(_compliance_base(
        cycle, filters, func.count(Nomination.id), func.count(case((ComplianceDecision.id.is_(None), 1))))).one()
    number = page_number(total, page, page_size)
    offset = (number - 1) * page_size
    undecided = _ordered(_compliance_base(cycle, filters, Nomination.id).where(ComplianceDecision.id.is_(None)),
                         filters.sort).limit(offset + page_size)
    decided = _ordered(_compliance_base(cycle, filters, Nomination.id).where(ComplianceDecision.id.is_not(None)),
                       filters.sort).limit(max(0, offset + page_size - pending))
    query = (
        select(Nomination, ComplianceDecision)
        .outerjoin(ComplianceDecision, ComplianceDecision.nomination_id == Nomination.id)
        .where(or_(Nomination.id.in_(undecided.scalar_subquery()), Nomination.id.in_(decided.scalar_subquery())))
        .options(*_page_options(), joinedload(ComplianceDecision.decided_by).lazyload(User.memberships))
        .order_by(ComplianceDecision.id.is_not(None))
    )
    rows = [ComplianceRow(n, d) for n, d in session.execute(
        _ordered(query, filters.sort).limit(page_size).offset(offset)
    )]
    return QueuePage(items=rows, total=total, number=number, size=page_size, pending=pending,
                     documents=document_counts(session, [r.nomination.id for r in rows]))


def nomination_for_decision(session: Session, nomination_id: int) -> Nomination | None:
    """Load a nomination for a screening or compliance decision, locking its row against a racing decision."""
    return session.scalar(
        select(Nomination).where(Nomination.id == nomination_id).with_for_update(of=Nomination)
    )

