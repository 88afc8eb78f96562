"""Reads of the evaluation area, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from awards.enums import CommitteeCode, ConflictSource, NominationState, SheetState
from awards.evaluation.conflicts import conflicted_pairs
from awards.evaluation.figures import ComputedLine, computed_lines
from awards.evaluation.scoring import CriterionSpec, round2, sheet_score
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
    Province,
    ScoreSheet,
    User,
)
from awards.pagination import Page
from awards.queues import QueueFilters, narrow, page_number

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
    rows: list[InboxRow] = field(default_factory=list)  # one page of them
    assigned_only: set[int] = field(default_factory=set)  # categories where k reviewers are assigned
    total: int = 0  # nominations to score, on every page, whatever the filters
    submitted: int = 0  # of which the user has submitted a sheet
    page: Page | None = None  # the filtered rows; page.total counts those the filters keep

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def _scored_categories(session: Session, *, cycle_id: int,
                       committee_ids: list[int]) -> tuple[dict[int, set[int]], set[tuple[int, int]]]:
    """Return, per committee, the categories of the cycle where it has criteria, and the (category, committee)
    pairs that set k reviewers per nomination: two statements."""
    scored = defaultdict(set)  # committee id -> category ids where it has criteria
    for category_id, committee_id in session.execute(
            select(Criterion.category_id, Criterion.committee_id).distinct()
            .join(Category, Category.id == Criterion.category_id)
            .where(Category.cycle_id == cycle_id, Criterion.committee_id.in_(committee_ids))):
        scored[committee_id].add(category_id)
    with_k = {(s.category_id, s.committee_id) for s in session.scalars(
        select(CategoryCommittee).join(Category, Category.id == CategoryCommittee.category_id)
        .where(Category.cycle_id == cycle_id, CategoryCommittee.committee_id.in_(committee_ids),
               CategoryCommittee.reviewers_per_nomination.is_not(None)))}
    return scored, with_k


def _to_score(*, user_id: int, committee_id: int, categories: set[int], assigned_only: set[int],
              conflicts: bool = True) -> list:
    """The conditions of the member's inbox for one committee: in evaluation in a scored category, no active
    conflict (unless ``conflicts`` is false), and assigned to the member where the category sets k reviewers."""
    conditions = [
        Nomination.category_id.in_(categories),
        Nomination.state == NominationState.IN_EVALUATION,
    ]
    if conflicts:
        conditions.append(~exists().where(Conflict.nomination_id == Nomination.id, Conflict.user_id == user_id,
                                          Conflict.overridden_at.is_(None)))
    if assigned_only:
        conditions.append(or_(
            Nomination.category_id.not_in(assigned_only),
            exists().where(Assignment.nomination_id == Nomination.id, Assignment.member_id == user_id,
                           Assignment.committee_id == committee_id),
        ))
    return conditions


#: The inbox's order, which the previous and next links of a sheet follow.
INBOX_ORDER = (Nomination.category_id, Nomination.id)


#: The inbox's orders: the first is the default (category, then dossier number, the order "next" follows).
INBOX_SORTS = ("category", "name", "province", "newest")
#: The member's own sheet on a row: none yet, a saved draft, or submitted.
INBOX_SHEET_FILTERS = ("todo", "draft", "submitted")


def _inbox_ordered(query: Select, sort: str) -> Select:
    if sort == "name":
        return query.order_by(Nomination.search_name, Nomination.id)
    if sort == "province":
        return (query.join(Province, Province.id == Nomination.province_id)
                .order_by(Province.name_fa, Nomination.category_id, Nomination.id))
    if sort == "newest":
        return query.order_by(Nomination.submitted_at.desc(), Nomination.id.desc())
    return query.order_by(*INBOX_ORDER)


def _sheet_condition(sheet_filter: str | None):
    if sheet_filter == "todo":
        return ScoreSheet.id.is_(None)
    if sheet_filter == "draft":
        return ScoreSheet.state == SheetState.DRAFT
    if sheet_filter == "submitted":
        return ScoreSheet.state == SheetState.SUBMITTED
    return None


def _inbox_size(*, user_id: int, committee_id: int, categories: set[int], assigned_only: set[int], where=()):
    """How many nominations (meeting ``where`` too) the member's inbox for one committee holds, as a scalar subquery.

    Each part is read from where it is small or indexed rather than by looking up, for every nomination of the
    cycle, its conflict and assignment: the nominations of the categories open to every member (an index alone),
    plus the member's assignments (categories with k reviewers), less the member's active conflicts on either."""
    free = categories - assigned_only
    parts = []
    if free:
        parts.append(select(func.count(Nomination.id)).where(
            Nomination.state == NominationState.IN_EVALUATION, Nomination.category_id.in_(free), *where
        ).scalar_subquery())
    if assigned_only:
        parts.append(select(func.count(Assignment.id)).where(
            Assignment.member_id == user_id, Assignment.committee_id == committee_id,
            select(Nomination.id).where(Nomination.id == Assignment.nomination_id,
                                        Nomination.state == NominationState.IN_EVALUATION,
                                        Nomination.category_id.in_(assigned_only), *where).exists(),
        ).scalar_subquery())
    unconflicted = _to_score(user_id=user_id, committee_id=committee_id, categories=categories,
                             assigned_only=assigned_only, conflicts=False)
    conflicted = select(func.count(Conflict.id)).where(
        Conflict.user_id == user_id, Conflict.overridden_at.is_(None),
        select(Nomination.id).where(Nomination.id == Conflict.nomination_id, *unconflicted, *where).exists(),
    ).scalar_subquery()
    total = literal(0)
    for part in parts:
        total = total + part
    return total - conflicted


def _inbox_counts(session: Session, *, user_id: int, committee_id: int, categories: set[int], assigned_only: set[int],
                  sheet_filter: str | None, narrowed) -> tuple[int, int, int]:
    """The member's inbox for one committee: nominations to score, sheets submitted, and the rows the filters keep,
    in one statement.

    The size as :func:`_inbox_size` reads it, the sheets from the member's own. Only a province, category or
    search filter (``narrowed``, with the sheet filter) counts the kept rows row by row, over what those filters
    leave."""
    conditions = _to_score(user_id=user_id, committee_id=committee_id, categories=categories,
                           assigned_only=assigned_only)

    def scored(nomination_id, *more) -> object:
        """The nomination ``nomination_id`` is in the inbox (and meets ``more``)."""
        return select(Nomination.id).where(Nomination.id == nomination_id, *conditions, *more).exists()

    zero = literal(0)
    def sheets(state: SheetState):
        return select(func.count(ScoreSheet.id)).where(
            ScoreSheet.member_id == user_id, ScoreSheet.committee_id == committee_id, ScoreSheet.state == state,
            scored(ScoreSheet.nomination_id)).scalar_subquery()

    kept = zero
    if narrowed is not None:
        kept = (select(func.count(Nomination.id))
                .outerjoin(ScoreSheet, and_(ScoreSheet.nomination_id == Nomination.id, ScoreSheet.member_id == user_id,
                                            ScoreSheet.committee_id == committee_id))
                .where(*conditions, narrowed).scalar_subquery())
    total, submitted, drafts, kept = session.execute(select(
        _inbox_size(user_id=user_id, committee_id=committee_id, categories=categories, assigned_only=assigned_only),
        sheets(SheetState.SUBMITTED), sheets(SheetState.DRAFT), kept)).one()
    if narrowed is not None:
        return total, submitted, kept
    shown = {"todo": total - submitted - drafts, "draft": drafts, "submitted": submitted}.get(sheet_filter, total)
    return total, submitted, shown


def inbox(session: Session, *, user: User, cycle: Cycle, pages: dict[str, int] | None = None,
          page_size: int = 25, filters: QueueFilters | None = None, sheet_filter: str | None = None,
          sort: str = "category") -> list[CommitteeInbox]:
    """Return, per committee the user sits on in the cycle, one page of the nominations to score with the user's
    sheets, and the committee's totals.

    A committee scores the nominations in evaluation of every category where it has criteria; where the
    category sets k reviewers per nomination, only those assigned to the user. Nominations the user has an
    active conflict with are left out. ``pages`` maps a committee code to the page wanted. ``filters`` (province,
    category, the tolerant search) and ``sheet_filter`` (one of :data:`INBOX_SHEET_FILTERS`) narrow the rows but
    not the progress totals; ``sort`` is one of :data:`INBOX_SORTS`. Two queries, then three per committee seat,
    whatever the number of nominations.
    """
    pages = pages or {}
    filters = filters or QueueFilters()
    seats = [m for m in user.memberships if m.cycle_id == cycle.id and m.committee.code != CommitteeCode.OVERSIGHT]
    if not seats:
        return []
    scored, with_k = _scored_categories(session, cycle_id=cycle.id, committee_ids=[m.committee_id for m in seats])

    result = []
    for seat in sorted(seats, key=lambda m: m.committee.position):
        committee_id = seat.committee_id
        box = CommitteeInbox(committee=seat.committee, is_chair=seat.is_chair,
                             assigned_only={c for c in scored[committee_id] if (c, committee_id) in with_k})
        if not scored[committee_id]:
            box.page = Page(items=[], total=0, number=1, size=page_size)
            result.append(box)
            continue
        conditions = _to_score(user_id=user.id, committee_id=committee_id, categories=scored[committee_id],
                               assigned_only=box.assigned_only)
        sheet_of_user = and_(ScoreSheet.nomination_id == Nomination.id, ScoreSheet.member_id == user.id,
                             ScoreSheet.committee_id == committee_id)
        # The filters, as one condition, applied to the page.
        narrowed = narrow(select(Nomination.id), filters).whereclause
        kept = narrowed
        if (sheet_condition := _sheet_condition(sheet_filter)) is not None:
            kept = sheet_condition if kept is None else and_(kept, sheet_condition)
        box.total, box.submitted, shown = _inbox_counts(
            session, user_id=user.id, committee_id=committee_id, categories=scored[committee_id],
            assigned_only=box.assigned_only, sheet_filter=sheet_filter,
            narrowed=None if narrowed is None else and_(narrowed, *([] if sheet_condition is None
                                                                      else [sheet_condition])))
        number = page_number(shown, pages.get(seat.committee.code.value, 1), page_size)
        rows = (select(Nomination, ScoreSheet)
                .outerjoin(ScoreSheet, sheet_of_user)
                .options(joinedload(Nomination.category), joinedload(Nomination.province))
                .where(*conditions))
        if kept is not None:
            rows = rows.where(kept)
        box.rows = [InboxRow(nomination=n, sheet=sheet) for n, sheet in session.execute(
            _inbox_ordered(rows, sort).limit(page_size).offset((number - 1) * page_size))]
        box.page = Page(items=box.rows, total=shown, number=number, size=page_size)
        result.append(box)
    return result


@dataclass
class Neighbours:
    """Where a sheet stands in the member's inbox for its committee, and the sheets either side of it."""

    previous_id: int | None = None
    next_id: int | None = None
    position: int | None = None  # 1-based; None when the nomination is not in the inbox (then next is the first)
    total: int = 0


def neighbours(session: Session, *, user: User, committee: Committee, nomination: Nomination) -> Neighbours:
    """Return the previous and next nominations of the member's inbox (its order, conflicts left out) around this
    one, its position and the inbox's size: three statements whatever the size of the inbox (the neighbours are
    read in order from an index, the position and size counted as the inbox counts them)."""
    scored, with_k = _scored_categories(session, cycle_id=nomination.cycle_id, committee_ids=[committee.id])
    categories = scored[committee.id]
    if not categories:
        return Neighbours()
    assigned_only = {c for c in categories if (c, committee.id) in with_k}
    conditions = _to_score(user_id=user.id, committee_id=committee.id, categories=categories,
                           assigned_only=assigned_only)
    # Row values, so the database reads the inbox's index from this nomination onwards (or backwards).
    order, here = tuple_(*INBOX_ORDER), tuple_(literal(nomination.category_id), literal(nomination.id))
    before, after = order < here, order > here

    def size(*where):
        return _inbox_size(user_id=user.id, committee_id=committee.id, categories=categories,
                           assigned_only=assigned_only, where=where)

    def first(*where, descending: bool = False):
        order = [column.desc() for column in INBOX_ORDER] if descending else list(INBOX_ORDER)
        return select(Nomination.id).where(*conditions, *where).order_by(*order).limit(1).scalar_subquery()

    inside, previous_id, next_id, position, total, first_id = session.execute(select(
        select(Nomination.id).where(Nomination.id == nomination.id, *conditions).exists(),
        first(before, descending=True), first(after), size(before), size(), first())).one()
    if inside:
        return Neighbours(previous_id=previous_id, next_id=next_id, position=position + 1, total=total)
    return Neighbours(next_id=first_id, total=total) if first_id is not None else Neighbours()


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
    #: Criteria computed from an indicator, with the figures (none without indicators).
    computed: list[ComputedLine] = field(default_factory=list)

    @property
    def judged(self) -> list[Criterion]:
        """The criteria a member types a value for."""
        return [c for c in self.criteria if not c.is_computed]

    @property
    def locked(self) -> bool:
        return self.sheet is not None and self.sheet.state == SheetState.SUBMITTED

    @property
    def total(self) -> Decimal:
        """S of the saved values (two decimals), an empty criterion counting as 0: where the live total starts.

        A computed criterion counts with the points of its verified figure (0 while unverified)."""
        specs = [CriterionSpec(id=c.id, committee=self.committee.code.value, max_points=c.max_points,
                               weight=c.weight) for c in self.criteria]
        values = {c.id: Decimal(self.scores.get(c.id) or 0) for c in self.criteria}
        values.update({line.criterion.id: line.points or Decimal(0) for line in self.computed})
        score = sheet_score(values, specs)
        return round2(score) if score is not None else Decimal(0)


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
                     scores=scores, computed=computed_lines(session, nomination=nomination, criteria=criteria))


#: The assignment page's row filters, for the committee shown: no reviewer yet, fewer than k reviewers (the
#: unassigned too), or k reviewers or more (one when the category sets no k).
ASSIGNMENT_STATES = ("unassigned", "short", "complete")


@dataclass
class AssignmentFilters:
    """What the assignment page's rows are narrowed to; ``None`` or empty means no narrowing."""

    province_id: int | None = None
    search: str = ""
    state: str | None = None  # one of ASSIGNMENT_STATES
    member_id: int | None = None  # nominations this member reviews


@dataclass
class CommitteeTab:
    """A committee with criteria in the category, with its counts over every nomination in evaluation."""

    committee: Committee
    k: int | None  # reviewers per nomination, or None: every member scores
    unassigned: int = 0  # nominations without a reviewer of this committee
    short: int = 0  # nominations with fewer than k reviewers (0 when k is not set)


@dataclass
class AssignmentBoard:
    """One committee's board: its members and their load over the category, and one page of the nominations
    (the filters applied) with their reviewers and who may still be added."""

    committee: Committee
    k: int | None
    members: list[User]
    load: dict[int, int]  # member id -> nominations in evaluation of the category assigned to them
    page: Page  # items: (nomination, its assignments, members who may be added)
    in_evaluation: int = 0  # nominations in evaluation in the category, whatever the filters

    @property
    def names(self) -> dict[int, str]:
        return {u.id: u.full_name for u in self.members}


def _in_evaluation(category: Category) -> tuple:
    return Nomination.category_id == category.id, Nomination.state == NominationState.IN_EVALUATION


def assignment_tabs(session: Session, *, category: Category) -> tuple[list[CommitteeTab], int]:
    """Return the committees with criteria in the category, each with its unassigned and short counts, and the
    number of nominations in evaluation: three statements, the counts computed by the database."""
    committees = session.execute(
        select(Committee, CategoryCommittee.reviewers_per_nomination)
        .outerjoin(CategoryCommittee, and_(CategoryCommittee.committee_id == Committee.id,
                                           CategoryCommittee.category_id == category.id))
        .where(Committee.id.in_(select(Criterion.committee_id).where(Criterion.category_id == category.id)))
        .order_by(Committee.position)).all()
    total = session.scalar(select(func.count(Nomination.id)).where(*_in_evaluation(category))) or 0
    # Grouped in the order of the unique (nomination, committee, member) index, which then covers the query.
    reviewers = (select(Assignment.committee_id, Assignment.nomination_id, func.count().label("n"))
                 .join(Nomination, Nomination.id == Assignment.nomination_id).where(*_in_evaluation(category))
                 .group_by(Assignment.nomination_id, Assignment.committee_id).subquery())
    counts = {row.committee_id: row for row in session.execute(
        select(reviewers.c.committee_id, func.count().label("assigned"),
               func.count(case((reviewers.c.n >= CategoryCommittee.reviewers_per_nomination, 1))).label("complete"))
        .select_from(reviewers)
        .outerjoin(CategoryCommittee, and_(CategoryCommittee.category_id == category.id,
                                           CategoryCommittee.committee_id == reviewers.c.committee_id))
        .group_by(reviewers.c.committee_id))}
    tabs = []
    for committee, k in committees:
        row = counts.get(committee.id)
        assigned, complete = (row.assigned, row.complete) if row is not None else (0, 0)
        tabs.append(CommitteeTab(committee=committee, k=k, unassigned=total - assigned,
                                 short=total - complete if k else 0))
    return tabs, total


def assignment_board(session: Session, *, category: Category, tab: CommitteeTab, in_evaluation: int,
                     filters: AssignmentFilters | None = None, page: int = 1, page_size: int = 25) -> AssignmentBoard:
    """One committee's board for the category: its members and their load, then one page of the nominations in
    evaluation the filters keep, with their reviewers of this committee and the members who may still be added
    (not yet assigned, no active conflict). Six statements whatever the number of nominations (five unfiltered)."""
    filters = filters or AssignmentFilters()
    committee = tab.committee
    members = list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.cycle_id == category.cycle_id, Membership.committee_id == committee.id)
        .order_by(User.id)))
    load = dict(session.execute(
        select(Assignment.member_id, func.count())
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .where(Assignment.committee_id == committee.id, *_in_evaluation(category))
        .group_by(Assignment.member_id)).all())

    def base(*columns) -> Select:
        query = narrow(select(*columns).select_from(Nomination).where(*_in_evaluation(category)),
                       QueueFilters(province_id=filters.province_id, search=filters.search))
        mine = (Assignment.nomination_id == Nomination.id, Assignment.committee_id == committee.id)
        if filters.member_id is not None:
            query = query.where(exists().where(*mine, Assignment.member_id == filters.member_id))
        if filters.state in ASSIGNMENT_STATES:
            reviewers = select(func.count(Assignment.id)).where(*mine).scalar_subquery()
            needed = tab.k or 1
            query = query.where({"unassigned": reviewers == 0, "short": reviewers < needed,
                                 "complete": reviewers >= needed}[filters.state])
        return query

    narrowed = filters != AssignmentFilters()
    total = (session.scalar(base(func.count(Nomination.id))) or 0) if narrowed else in_evaluation
    number = page_number(total, page, page_size)
    nominations = list(session.scalars(
        base(Nomination).options(joinedload(Nomination.province))
        .order_by(Nomination.id).limit(page_size).offset((number - 1) * page_size)))
    ids = [n.id for n in nominations]
    by_nomination = defaultdict(list)
    for assignment in session.scalars(select(Assignment).where(
            Assignment.nomination_id.in_(ids), Assignment.committee_id == committee.id)
            .order_by(Assignment.member_id)):
        by_nomination[assignment.nomination_id].append(assignment)
    conflicts = conflicted_pairs(session, nomination_ids=ids)
    rows = []
    for n in nominations:
        assigned = by_nomination[n.id]
        taken = {a.member_id for a in assigned}
        rows.append((n, assigned, [u for u in members if u.id not in taken and (n.id, u.id) not in conflicts]))
    return AssignmentBoard(committee=committee, k=tab.k, members=members,
                           load={u.id: load.get(u.id, 0) for u in members},
                           page=Page(items=rows, total=total, number=number, size=page_size),
                           in_evaluation=in_evaluation)


#: The conflicts page's state filter: a rule flag not overridden (what an organizer may still decide on), active
#: (declared, or a rule flag not overridden), or overridden.
CONFLICT_STATES = ("open", "active", "overridden")


@dataclass
class ConflictFilters:
    """What the conflicts page is narrowed to; ``None`` or empty means no narrowing."""

    province_id: int | None = None
    category_id: int | None = None
    search: str = ""  # the nominee, as the queues search
    committee_id: int | None = None  # members seated on this committee in the cycle
    member_id: int | None = None
    source: ConflictSource | None = None
    state: str | None = None  # one of CONFLICT_STATES


@dataclass
class ConflictSummary:
    """The cycle's conflicts counted by the database, whatever the filters."""

    declared: int = 0
    flags_active: int = 0  # rule flags not overridden: what an organizer may still decide on
    overridden: int = 0

    @property
    def total(self) -> int:
        return self.declared + self.flags_active + self.overridden


def conflict_summary(session: Session, *, cycle: Cycle) -> ConflictSummary:
    """Count the cycle's conflicts: declared, rule flags still active, and overridden; one statement."""
    summary = ConflictSummary()
    for source, overridden, count in session.execute(
            select(Conflict.source, Conflict.overridden_at.is_not(None), func.count(Conflict.id))
            .join(Nomination, Nomination.id == Conflict.nomination_id).where(Nomination.cycle_id == cycle.id)
            .group_by(Conflict.source, Conflict.overridden_at.is_not(None))):
        if overridden:
            summary.overridden += count
        elif source == ConflictSource.DECLARED:
            summary.declared += count
        else:
            summary.flags_active += count
    return summary


def conflict_rows(session: Session, *, cycle: Cycle, filters: ConflictFilters | None = None, page: int = 1,
                  page_size: int = 25) -> Page:
    """One page of the cycle's conflicts the filters keep, the rule flags still to decide on first, then the declared
    ones, then the overridden ones, as ``(conflict, nomination)`` items with the member, the category and the
    province loaded: two statements whatever their number."""
    filters = filters or ConflictFilters()

    def base(*columns) -> Select:
        query = narrow(select(*columns).select_from(Conflict)
                       .join(Nomination, Nomination.id == Conflict.nomination_id)
                       .where(Nomination.cycle_id == cycle.id),
                       QueueFilters(province_id=filters.province_id, category_id=filters.category_id,
                                    search=filters.search))
        if filters.committee_id is not None:
            query = query.where(exists().where(Membership.user_id == Conflict.user_id,
                                               Membership.cycle_id == cycle.id,
                                               Membership.committee_id == filters.committee_id))
        if filters.member_id is not None:
            query = query.where(Conflict.user_id == filters.member_id)
        if filters.source is not None:
            query = query.where(Conflict.source == filters.source)
        if filters.state == "open":
            query = query.where(Conflict.overridden_at.is_(None), Conflict.source != ConflictSource.DECLARED)
        elif filters.state == "active":
            query = query.where(Conflict.overridden_at.is_(None))
        elif filters.state == "overridden":
            query = query.where(Conflict.overridden_at.is_not(None))
        return query

    total = session.scalar(base(func.count(Conflict.id))) or 0
    number = page_number(total, page, page_size)
    rows = session.execute(
        base(Conflict, Nomination)
        .options(joinedload(Conflict.user), joinedload(Nomination.category), joinedload(Nomination.province))
        .order_by(case((Conflict.overridden_at.is_not(None), 2), (Conflict.source == ConflictSource.DECLARED, 1),
                       else_=0), Conflict.nomination_id, Conflict.user_id, Conflict.id)
        .limit(page_size).offset((number - 1) * page_size)).all()
    return Page(items=[(c, n) for c, n in rows], total=total, number=number, size=page_size)


def cycle_members(session: Session, *, cycle: Cycle) -> list[User]:
    """The members seated on any committee of the cycle, by name: one statement."""
    return list(session.scalars(
        select(User).where(User.id.in_(select(Membership.user_id).where(Membership.cycle_id == cycle.id)))
        .order_by(User.full_name, User.id)))


def citation_rows(session: Session, *, cycle: Cycle, filters: QueueFilters | None = None,
                  state: NominationState | None = None, page: int = 1, page_size: int = 25) -> Page:
    """One page of the nominations the content committee writes citations for, each with its citation (if any):
    ``(nomination, citation)`` items, two statements whatever the number of nominations.

    The page's ids are chosen first, in a subquery that orders only (state, category, id) from an index, and the
    rows, with their category, province and citation, are read for those ids alone: ordering the whole joined
    rows sorted every nomination in evaluation wide (25 ms at ten times the national scale, 2 ms at a tenth)."""
    filters = filters or QueueFilters()
    states = (state,) if state in CITATION_STATES else CITATION_STATES

    def base(*columns):
        return narrow(select(*columns).select_from(Nomination)
                      .where(Nomination.cycle_id == cycle.id, Nomination.state.in_(states)), filters)

    total = session.scalar(base(func.count(Nomination.id))) or 0
    number = page_number(total, page, page_size)
    order = (Nomination.state.desc(), Nomination.category_id, Nomination.id)
    page_ids = base(Nomination.id).order_by(*order).limit(page_size).offset((number - 1) * page_size)
    rows = session.execute(
        select(Nomination, Citation)
        .options(joinedload(Nomination.category), joinedload(Nomination.province))
        .outerjoin(Citation, Citation.nomination_id == Nomination.id)
        .where(Nomination.id.in_(page_ids))
        .order_by(*order)
    ).all()
    return Page(items=[(n, c) for n, c in rows], total=total, number=number, size=page_size)
