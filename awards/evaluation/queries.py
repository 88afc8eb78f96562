"""Reads of the evaluation area, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from awards.enums import CommitteeCode, NominationState, SheetState
from awards.evaluation.conflicts import conflicted_pairs
from awards.evaluation.services import criteria_of
from awards.models import (
    Assignment,
    Category,
    CategoryCommittee,
    Citation,
    Committee,
    Conflict,
    Criterion,
    Cycle,
    Membership,
    Nomination,
    ScoreSheet,
    User,
)

#: Nominations the content committee prepares citations for (IN_EVALUATION too, to start early).
CITATION_STATES = (NominationState.IN_EVALUATION, NominationState.SHORTLISTED)


@dataclass
class InboxRow:
    nomination: Nomination
    sheet: ScoreSheet | None

    @property
    def state(self) -> SheetState | None:
        return self.sheet.state if self.sheet is not None else None


@dataclass
class CommitteeInbox:
    committee: Committee
    is_chair: bool
    rows: list[InboxRow] = field(default_factory=list)
    assigned_only: set[int] = field(default_factory=set)  # categories where k reviewers are assigned

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.state == SheetState.SUBMITTED)

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def inbox(session: Session, *, user: User, cycle: Cycle) -> list[CommitteeInbox]:
    """Return, per committee the user sits on in the cycle, the nominations to score and the user's sheets.

    A committee scores the nominations in evaluation of every category where it has criteria; where the
    category sets k reviewers per nomination, only those assigned to the user. Nominations the user has an
    active conflict with are left out. Six queries, whatever the number of nominations.
    """
    seats = [m for m in user.memberships if m.cycle_id == cycle.id and m.committee.code != CommitteeCode.OVERSIGHT]
    if not seats:
        return []
    committee_ids = [m.committee_id for m in seats]
    scored = defaultdict(set)  # committee id -> category ids where it has criteria
    for category_id, committee_id in session.execute(
            select(Criterion.category_id, Criterion.committee_id).distinct()
            .join(Category, Category.id == Criterion.category_id)
            .where(Category.cycle_id == cycle.id, Criterion.committee_id.in_(committee_ids))):
        scored[committee_id].add(category_id)
    with_k = {(s.category_id, s.committee_id) for s in session.scalars(
        select(CategoryCommittee).join(Category, Category.id == CategoryCommittee.category_id)
        .where(Category.cycle_id == cycle.id, CategoryCommittee.committee_id.in_(committee_ids),
               CategoryCommittee.reviewers_per_nomination.is_not(None)))}
    category_ids = set().union(*scored.values()) if scored else set()
    nominations = list(session.scalars(
        select(Nomination)
        .options(joinedload(Nomination.category), joinedload(Nomination.province))
        .where(Nomination.category_id.in_(category_ids), Nomination.state == NominationState.IN_EVALUATION)
        .order_by(Nomination.category_id, Nomination.id)
    )) if category_ids else []
    nomination_ids = [n.id for n in nominations]
    assigned = set(session.execute(
        select(Assignment.nomination_id, Assignment.committee_id)
        .where(Assignment.member_id == user.id, Assignment.nomination_id.in_(nomination_ids))
    ).all()) if nomination_ids else set()
    conflicted = {nid for nid, uid in conflicted_pairs_for_user(session, user_id=user.id,
                                                                nomination_ids=nomination_ids)}
    sheets = {(s.nomination_id, s.committee_id): s for s in session.scalars(
        select(ScoreSheet).where(ScoreSheet.member_id == user.id, ScoreSheet.nomination_id.in_(nomination_ids))
    )} if nomination_ids else {}

    result = []
    for seat in sorted(seats, key=lambda m: m.committee.position):
        box = CommitteeInbox(committee=seat.committee, is_chair=seat.is_chair,
                             assigned_only={c for c in scored[seat.committee_id] if (c, seat.committee_id) in with_k})
        for nomination in nominations:
            if nomination.category_id not in scored[seat.committee_id] or nomination.id in conflicted:
                continue
            if nomination.category_id in box.assigned_only and (nomination.id, seat.committee_id) not in assigned:
                continue
            box.rows.append(InboxRow(nomination=nomination, sheet=sheets.get((nomination.id, seat.committee_id))))
        result.append(box)
    return result


def conflicted_pairs_for_user(session: Session, *, user_id: int, nomination_ids: list[int]) -> set[tuple[int, int]]:
    if not nomination_ids:
        return set()
    return set(session.execute(
        select(Conflict.nomination_id, Conflict.user_id)
        .where(Conflict.user_id == user_id, Conflict.nomination_id.in_(nomination_ids),
               Conflict.overridden_at.is_(None))
    ).all())


@dataclass
class SheetView:
    nomination: Nomination
    committee: Committee
    criteria: list[Criterion]
    sheet: ScoreSheet | None
    others: list[ScoreSheet]  # other members' submitted, conflict-free sheets: shown only after one's own submit
    committee_sheets: list[ScoreSheet]  # every sheet of the committee on the nomination (the chair's view)
    scores: dict[int, object]  # criterion id -> value of the user's sheet

    @property
    def locked(self) -> bool:
        return self.sheet is not None and self.sheet.state == SheetState.SUBMITTED


def sheet_view(session: Session, *, nomination_id: int, committee: Committee, user: User,
               is_chair: bool) -> SheetView:
    """Load what the sheet page shows; other members' values only once the user's own sheet is submitted."""
    nomination = session.scalar(
        select(Nomination)
        .options(joinedload(Nomination.category), joinedload(Nomination.province),
                 selectinload(Nomination.documents))
        .where(Nomination.id == nomination_id)
    )
    criteria = criteria_of(session, category_id=nomination.category_id, committee_id=committee.id)
    sheets = list(session.scalars(
        select(ScoreSheet)
        .options(selectinload(ScoreSheet.scores), joinedload(ScoreSheet.member))
        .where(ScoreSheet.nomination_id == nomination.id, ScoreSheet.committee_id == committee.id)
        .order_by(ScoreSheet.id)
    ))
    mine = next((s for s in sheets if s.member_id == user.id), None)
    others: list[ScoreSheet] = []
    if mine is not None and mine.state == SheetState.SUBMITTED:
        conflicted = conflicted_pairs(session, nomination_ids=[nomination.id])
        others = [s for s in sheets if s.member_id != user.id and s.state == SheetState.SUBMITTED
                  and (nomination.id, s.member_id) not in conflicted]
    scores = {score.criterion_id: score.value for score in mine.scores} if mine is not None else {}
    return SheetView(nomination=nomination, committee=committee, criteria=criteria, sheet=mine, others=others,
                     committee_sheets=sheets if is_chair else [],
                     scores=scores)


@dataclass
class AssignmentBoard:
    committee: Committee
    setting: CategoryCommittee | None
    members: list[User]
    rows: list[tuple[Nomination, list[Assignment], list[User]]]  # nomination, its reviewers, who may be added
    load: dict[int, int]

    @property
    def names(self) -> dict[int, str]:
        return {u.id: u.full_name for u in self.members}


def assignment_boards(session: Session, *, category: Category) -> list[AssignmentBoard]:
    """Per committee with criteria in the category: its members, the nominations and their reviewers."""
    committee_ids = set(session.scalars(select(Criterion.committee_id).where(Criterion.category_id == category.id)))
    committees = list(session.scalars(select(Committee).where(Committee.id.in_(committee_ids))
                                      .order_by(Committee.position))) if committee_ids else []
    settings = {s.committee_id: s for s in session.scalars(
        select(CategoryCommittee).where(CategoryCommittee.category_id == category.id))}
    members = defaultdict(list)
    for membership in session.scalars(
            select(Membership).options(joinedload(Membership.user))
            .where(Membership.cycle_id == category.cycle_id, Membership.committee_id.in_(committee_ids))
            .order_by(Membership.user_id)):
        members[membership.committee_id].append(membership.user)
    nominations = list(session.scalars(
        select(Nomination).options(joinedload(Nomination.province))
        .where(Nomination.category_id == category.id, Nomination.state == NominationState.IN_EVALUATION)
        .order_by(Nomination.id)))
    by_pair = defaultdict(list)
    load: dict[tuple[int, int], int] = defaultdict(int)
    for assignment in session.scalars(select(Assignment).where(
            Assignment.nomination_id.in_([n.id for n in nominations])).order_by(Assignment.member_id)):
        by_pair[(assignment.nomination_id, assignment.committee_id)].append(assignment)
        load[(assignment.committee_id, assignment.member_id)] += 1
    conflicts = conflicted_pairs(session, nomination_ids=[n.id for n in nominations])
    boards = []
    for c in committees:
        rows = []
        for n in nominations:
            assigned = by_pair[(n.id, c.id)]
            taken = {a.member_id for a in assigned}
            free = [u for u in members[c.id] if u.id not in taken and (n.id, u.id) not in conflicts]
            rows.append((n, assigned, free))
        boards.append(AssignmentBoard(committee=c, setting=settings.get(c.id), members=members[c.id], rows=rows,
                                      load={u.id: load[(c.id, u.id)] for u in members[c.id]}))
    return boards


def conflict_list(session: Session, *, cycle: Cycle) -> list[Conflict]:
    """Every conflict in the cycle, rule flags first, with the member and the nomination loaded."""
    return list(session.scalars(
        select(Conflict)
        .options(joinedload(Conflict.user))
        .join(Nomination, Nomination.id == Conflict.nomination_id)
        .where(Nomination.cycle_id == cycle.id)
        .order_by(Conflict.overridden_at.is_not(None), Conflict.source, Conflict.nomination_id, Conflict.user_id)
    ))


def nominations_by_id(session: Session, ids: set[int]) -> dict[int, Nomination]:
    if not ids:
        return {}
    return {n.id: n for n in session.scalars(
        select(Nomination).options(joinedload(Nomination.category), joinedload(Nomination.province))
        .where(Nomination.id.in_(ids)))}


def citation_rows(session: Session, *, cycle: Cycle) -> list[tuple[Nomination, Citation | None]]:
    """Nominations the content committee writes citations for, each with its citation (if any)."""
    rows = session.execute(
        select(Nomination, Citation)
        .options(joinedload(Nomination.category), joinedload(Nomination.province))
        .outerjoin(Citation, Citation.nomination_id == Nomination.id)
        .where(Nomination.cycle_id == cycle.id, Nomination.state.in_(CITATION_STATES))
        .order_by(Nomination.state.desc(), Nomination.category_id, Nomination.id)
    ).all()
    return [(n, c) for n, c in rows]
