"""Reads for a category's results: a fixed number of set-based queries, then pure scoring in Python.

To compute a result, :func:`load_results` issues the same queries whatever the number of nominations, sheets or members:
committee settings, criteria, nominations with their province, submitted score values, active conflicts,
memberships with names, assignments, tie resolutions and awards. Sheet scores are summed in Python over the
one fetched set of values rather than in SQL: SQLite's NUMERIC arithmetic is binary floating point, so an SQL
weighted sum would round differently at two decimals on SQLite, on PostgreSQL and by hand, and the digest
of a result must not depend on the database. Medians and trimmed means need the individual sheets anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import String, cast, func, select, type_coerce
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.types import NullType

from awards.collector import paused
from awards.enums import CommitteeCode, IndicatorRule, NominationState, SheetState
from awards.evaluation import indicators
from awards.evaluation.scoring import (
    CategoryInput,
    CategoryResult,
    CommitteeSpec,
    CriterionSpec,
    NomineeInput,
    NomineeResult,
    SheetInput,
    compute_category,
)
from awards.models import (
    Assignment,
    Award,
    Category,
    CategoryCommittee,
    Committee,
    Conflict,
    Criterion,
    CriterionBand,
    Cycle,
    IndicatorValue,
    Membership,
    Nomination,
    Province,
    Score,
    ScoreSheet,
    TieResolution,
    User,
)
from awards.pagination import Page
from awards.permissions import EVALUATED_STATES
from awards.queues import page_number
from awards.results import cache


@dataclass(frozen=True)
class NomineeRow:
    id: int
    name: str
    province: str
    state: NominationState
    ineligible_reason: str | None


@dataclass(frozen=True)
class CommitteeRow:
    code: CommitteeCode
    name: str
    weight: Decimal
    aggregation: str
    quorum: int | None
    normalise: bool
    reviewers_per_nomination: int | None


@dataclass(frozen=True)
class CriterionRow:
    id: int
    committee: CommitteeCode
    title: str
    max_points: Decimal
    weight: Decimal
    #: Set for a criterion computed from an indicator (its points are never typed).
    rule: IndicatorRule | None = None
    indicator_id: int | None = None
    linear_origin: Decimal | None = None
    linear_slope: Decimal | None = None

    @property
    def is_computed(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True)
class SheetRow:
    id: int
    nomination_id: int
    committee: CommitteeCode
    member_id: int
    #: The stored submission time as the driver gives it, read into a datetime only when asked for: only the
    #: export shows it, and reading 23,500 of them was a tenth of the largest category's computation.
    submitted_raw: object = None

    @property
    def submitted_at(self) -> datetime | None:
        """The submission time, aware in UTC (what ``UTCDateTime`` would give)."""
        raw = self.submitted_raw
        if raw is None:
            return None
        if isinstance(raw, str):  # SQLite keeps the naive UTC moment as ISO text
            raw = datetime.fromisoformat(raw)
        return raw.replace(tzinfo=UTC)


@dataclass
class CategoryResults:
    """Everything the results page, the exports and finalisation need for one category."""

    category: Category
    nominees: dict[int, NomineeRow]
    committees: list[CommitteeRow]
    criteria: list[CriterionRow]
    sheets: list[SheetRow]
    #: Member id -> full name, for everyone sitting on a committee in the cycle.
    member_names: dict[int, str]
    scoring_input: CategoryInput
    result: CategoryResult
    awards: dict[int, Award]
    tie_resolutions: list[TieResolution]
    #: The category's ``results_version`` the figures were computed for (a key for what derives from them).
    version: int = 0

    @property
    def committee_rows(self) -> dict[CommitteeCode, CommitteeRow]:
        return {c.code: c for c in self.committees}

    @property
    def scored_committees(self) -> list[CommitteeRow]:
        """Committees with criteria in the category (they get a column), in display order."""
        rows = self.committee_rows
        return [rows[CommitteeCode(code)] for code in self.result.committees]

    @property
    def computed_criteria(self) -> list[CriterionRow]:
        """Criteria of scored committees computed from an indicator, in rubric order."""
        scored = set(self.result.committees)
        return [c for c in self.criteria if c.is_computed and c.committee in scored]

    def computed_share(self, nominee: NomineeResult) -> Decimal | None:
        """The part of the nominee's F that comes from verified figures (the rest is judged); None without F."""
        if nominee.final is None or not self.computed_criteria:
            return None
        points = {cid: p for (nid, cid), p in self.scoring_input.indicator_points.items() if nid == nominee.id}
        return indicators.computed_share([(c.id, c.committee, c.max_points, c.weight) for c in self.criteria],
                                         points, self.result.weights)


#: Rows of the ranking per page: a category of 2,000 nominees stays a page of well under 300 KB.
RANKING_PAGE_SIZE = 50


def needs_attention(nominee: NomineeResult) -> bool:
    """A row the winners chair must see first: it gets a tier, is tied, ineligible or lacks quorum."""
    return nominee.tier is not None or nominee.tie is not None or nominee.ineligible or nominee.is_incomplete


def ranking_page(result: CategoryResult, number: int, size: int = RANKING_PAGE_SIZE) -> Page:
    """One page of the ranking: rows needing attention first (in ranking order), then the others in order."""
    rows = sorted(result.nominees, key=lambda n: not needs_attention(n))  # stable: ranking order within each
    number = page_number(len(rows), number, size)
    return Page(items=rows[(number - 1) * size:number * size], total=len(rows), number=number, size=size)


def load_category(session: Session, category_id: int) -> Category | None:
    """Return the category with its cycle and the proposer and finaliser (one query)."""
    return session.scalar(
        select(Category)
        .where(Category.id == category_id)
        .options(joinedload(Category.cycle),
                 joinedload(Category.proposed_by).lazyload(User.memberships),
                 joinedload(Category.finalised_by).lazyload(User.memberships))
    )


def cycle_by_year(session: Session, year: int) -> Cycle | None:
    return session.scalar(select(Cycle).where(Cycle.year == year))


def categories_of(session: Session, cycle: Cycle) -> list[Category]:
    """The cycle's categories in order, with the proposer and finaliser loaded (one query)."""
    return list(session.scalars(
        select(Category)
        .where(Category.cycle_id == cycle.id)
        .options(joinedload(Category.proposed_by).lazyload(User.memberships),
                 joinedload(Category.finalised_by).lazyload(User.memberships))
        .order_by(Category.position, Category.id)
    ).unique())


@dataclass(frozen=True)
class _Computed:
    """The part of :class:`CategoryResults` computed from the inputs: plain data, shared between requests.

    The nominees' rows (name, province, state) are not part of it: they are read afresh on every load (one small
    query), so that a change the computation does not depend on, such as a proposal shortlisting its tiered
    nominees, leaves the computed result in the cache (``cache._nomination_changes_result``)."""

    committees: list[CommitteeRow]
    criteria: list[CriterionRow]
    sheets: list[SheetRow]
    member_names: dict[int, str]
    scoring_input: CategoryInput
    result: CategoryResult


def load_results(session: Session, *, category: Category, fresh: bool = False) -> CategoryResults:
    """The category's result: computed for the category's current ``results_version`` at most once per process.

    Four queries when cached (the stamp, the nominees, tie orderings and awards), eight more when computed (two
    more when the category has criteria computed from indicators); ``fresh`` computes without the cache
    (verification and the tests comparing both use it).
    """
    version = cache.current_version(session, category)
    tie_resolutions = list(session.scalars(
        select(TieResolution).where(TieResolution.category_id == category.id).order_by(TieResolution.id)
    ))
    awards = {award.nomination_id: award for award in session.scalars(
        select(Award).where(Award.category_id == category.id).order_by(Award.rank, Award.id)
    )}
    tie_orders = [tuple(t.ordered_nomination_ids) for t in tie_resolutions]
    # Quotas and the minimum score are read from the row itself; the stamp covers every other input.
    key = (str(session.get_bind().url), category.id, version, category.gold_quota, category.certificate_quota,
           category.min_score, tuple(tie_orders))
    nominees = _nominee_rows(session, category)
    computed = (_compute(session, category, tie_orders, nominees) if fresh
                else cache.cached(key, lambda: _compute(session, category, tie_orders, nominees)))
    return CategoryResults(
        category=category, nominees=nominees, committees=computed.committees, criteria=computed.criteria,
        sheets=computed.sheets, member_names=computed.member_names, scoring_input=computed.scoring_input,
        result=computed.result, awards=awards, tie_resolutions=tie_resolutions, version=version,
    )


def _compute(session: Session, category: Category, tie_orders: list[tuple[int, ...]],
             nominees: dict[int, NomineeRow]) -> _Computed:
    """Fetch the rest of the category's scoring data (seven queries) and compute its result.

    The cyclic garbage collector waits meanwhile (``awards.collector``): the few hundred thousand objects built
    here hold no cycles, and the collections their allocation triggered were about 40% of the time."""
    with paused():
        return _fetch_and_compute(session, category, tie_orders, nominees)


def _fetch_and_compute(session: Session, category: Category, tie_orders: list[tuple[int, ...]],
                       nominees: dict[int, NomineeRow]) -> _Computed:
    committees = _committee_rows(session, category)
    criteria = _criterion_rows(session, category)
    codes = {committee_id: code for committee_id, code in session.execute(select(Committee.id, Committee.code))}
    sheets, values = _submitted_sheets(session, category, codes)
    indicator_points = _indicator_points(session, category, criteria)
    conflicts = _active_conflicts(session, category)
    members, member_names = _cycle_members(session, category)
    assignments = _assignments(session, category, codes)
    scoring_input = CategoryInput(
        nominees=[NomineeInput(n.id, n.ineligible_reason) for n in nominees.values()],
        committees=[CommitteeSpec(code=c.code, weight=c.weight, aggregation=c.aggregation, quorum=c.quorum,
                                  normalise=c.normalise, reviewers_per_nomination=c.reviewers_per_nomination,
                                  members=frozenset(members.get(c.code, ()))) for c in committees],
        criteria=[CriterionSpec(c.id, c.committee, c.max_points, c.weight) for c in criteria],
        sheets=[SheetInput(s.id, s.nomination_id, s.committee, s.member_id, values[s.id]) for s in sheets.values()],
        conflicts=conflicts,
        assignments=assignments,
        tie_orders=tie_orders,
        gold_quota=category.gold_quota,
        certificate_quota=category.certificate_quota,
        min_score=category.min_score,
        computed_criteria=frozenset(c.id for c in criteria if c.is_computed),
        indicator_points=indicator_points,
    )
    return _Computed(committees=committees, criteria=criteria, sheets=list(sheets.values()),
                     member_names=member_names, scoring_input=scoring_input, result=compute_category(scoring_input))


def export_size(session: Session, *, category: Category) -> int:
    """How many rows the category's export has: nominees in the pool plus their submitted sheets (the ranking and
    sheets tables), counted in one statement without computing the result, whatever the category's size."""
    nominees = select(func.count(Nomination.id)).where(*_in_pool(category)).scalar_subquery()
    sheets = (select(func.count(ScoreSheet.id)).join(Nomination, Nomination.id == ScoreSheet.nomination_id)
              .where(*_in_pool(category), ScoreSheet.state == SheetState.SUBMITTED).scalar_subquery())
    counts = session.execute(select(nominees, sheets)).one()
    return int(counts[0]) + int(counts[1])


def _in_pool(category: Category):
    """Nominations of the category in the scoring pool (evaluated states)."""
    return Nomination.category_id == category.id, Nomination.state.in_(EVALUATED_STATES)


def _committee_rows(session: Session, category: Category) -> list[CommitteeRow]:
    return [
        CommitteeRow(code=row.code, name=row.name_fa, weight=row.weight, aggregation=row.aggregation,
                     quorum=row.quorum, normalise=row.normalise, reviewers_per_nomination=row.reviewers_per_nomination)
        for row in session.execute(
            select(Committee.code, Committee.name_fa, CategoryCommittee.weight, CategoryCommittee.aggregation,
                   CategoryCommittee.quorum, CategoryCommittee.normalise, CategoryCommittee.reviewers_per_nomination)
            .join(Committee, Committee.id == CategoryCommittee.committee_id)
            .where(CategoryCommittee.category_id == category.id)
            .order_by(Committee.position, Committee.id)
        )
    ]


def _criterion_rows(session: Session, category: Category) -> list[CriterionRow]:
    return [
        CriterionRow(id=row.id, committee=row.code, title=row.title, max_points=row.max_points, weight=row.weight,
                     rule=row.rule, indicator_id=row.indicator_id, linear_origin=row.linear_origin,
                     linear_slope=row.linear_slope)
        for row in session.execute(
            select(Criterion.id, Committee.code, Criterion.title, Criterion.max_points, Criterion.weight,
                   Criterion.rule, Criterion.indicator_id, Criterion.linear_origin, Criterion.linear_slope)
            .join(Committee, Committee.id == Criterion.committee_id)
            .where(Criterion.category_id == category.id)
            .order_by(Committee.position, Criterion.position, Criterion.id)
        )
    ]


def _indicator_points(session: Session, category: Category, criteria: list[CriterionRow]
                      ) -> dict[tuple[int, int], Decimal]:
    """(nomination, computed criterion) -> points of the verified figure; two queries, none without such criteria."""
    computed = [c for c in criteria if c.is_computed]
    if not computed:
        return {}
    rules = _rules(session, category, criteria)
    by_indicator: dict[int, list[CriterionRow]] = defaultdict(list)
    for criterion in computed:
        by_indicator[criterion.indicator_id].append(criterion)
    result: dict[tuple[int, int], Decimal] = {}
    for row in session.execute(
        select(IndicatorValue.nomination_id, IndicatorValue.indicator_id, IndicatorValue.verified_value)
        .join(Nomination, Nomination.id == IndicatorValue.nomination_id)
        .where(*_in_pool(category), IndicatorValue.indicator_id.in_(sorted(by_indicator)),
               IndicatorValue.verified_value.is_not(None))
    ):
        for criterion in by_indicator[row.indicator_id]:
            result[(row.nomination_id, criterion.id)] = indicators.points(rules[criterion.id], row.verified_value)
    return result


def _rules(session: Session, category: Category, criteria: list[CriterionRow]) -> dict[int, indicators.Rule]:
    """Each computed criterion's rule, with its bands (one query)."""
    bands: dict[int, list[indicators.Band]] = defaultdict(list)
    for band in session.scalars(
        select(CriterionBand).join(Criterion, Criterion.id == CriterionBand.criterion_id)
        .where(Criterion.category_id == category.id).order_by(CriterionBand.position, CriterionBand.id)
    ):
        bands[band.criterion_id].append(indicators.Band(band.lower, band.upper, band.points, band.lower_inclusive,
                                                        band.upper_inclusive))
    return {c.id: indicators.Rule(c.rule, c.max_points, tuple(bands[c.id]), c.linear_origin, c.linear_slope)
            for c in criteria if c.is_computed}


def _nominee_rows(session: Session, category: Category) -> dict[int, NomineeRow]:
    return {
        row.id: NomineeRow(id=row.id, name=row.nominee_name, province=row.name_fa, state=row.state,
                           ineligible_reason=(row.ineligible_reason or "—")
                           if row.state == NominationState.INELIGIBLE else None)
        for row in session.execute(
            select(Nomination.id, Nomination.nominee_name, Nomination.state, Nomination.ineligible_reason,
                   Province.name_fa)
            .join(Province, Province.id == Nomination.province_id)
            .where(*_in_pool(category))
            .order_by(Nomination.id)
        )
    }


def _submitted_sheets(session: Session, category: Category, codes: dict[int, CommitteeCode]
                      ) -> tuple[dict[int, SheetRow], dict[int, dict[int, Decimal]]]:
    """Submitted sheets of the pool by id, and their values (sheet id -> criterion id -> value).

    One Core row per sheet, its values aggregated in SQL as ``criterion:value`` text and read back as two-place
    decimals (what the ``NUMERIC(6, 2)`` column gives): the largest category at ten times the national scale has
    117,000 values on 23,500 sheets, and a row per value through the ORM was half the computation's time. The
    values come from a subquery per sheet (an index seek each) rather than a join grouped by sheet, which sorted
    all 117,000 values first (155 ms against 93 on SQLite). A sheet without a value row is left out, as the join
    left it out.
    """
    pairs = (select(func.aggregate_strings(cast(Score.criterion_id, String) + ":" + cast(Score.value, String), ","))
             .where(Score.sheet_id == ScoreSheet.id).scalar_subquery())
    sheets: dict[int, SheetRow] = {}
    values: dict[int, dict[int, Decimal]] = {}
    seen: dict[str, tuple[int, Decimal]] = {}
    for sheet_id, nomination_id, committee_id, member_id, submitted_at, text in session.connection().execute(
        select(ScoreSheet.id, ScoreSheet.nomination_id, ScoreSheet.committee_id, ScoreSheet.member_id,
               type_coerce(ScoreSheet.submitted_at, NullType()), pairs)
        .join(Nomination, Nomination.id == ScoreSheet.nomination_id)
        .where(*_in_pool(category), ScoreSheet.state == SheetState.SUBMITTED)
        .order_by(ScoreSheet.id)
    ).all():
        if text is None:
            continue
        sheets[sheet_id] = SheetRow(sheet_id, nomination_id, codes[committee_id], member_id, submitted_at)
        values[sheet_id] = _parse_values(text, seen)
    return sheets, values


_CENT = Decimal("0.01")


def _parse_values(text: str, pairs: dict[str, tuple[int, Decimal]] | None = None) -> dict[int, Decimal]:
    """``"3:9.5,4:10"`` -> {3: Decimal("9.50"), 4: Decimal("10.00")}.

    ``pairs`` remembers each ``criterion:value`` text already read: a category's sheets repeat a few thousand of
    them 117,000 times at ten times the national scale."""
    if pairs is None:
        pairs = {}
    parsed: dict[int, Decimal] = {}
    for pair in text.split(","):
        known = pairs.get(pair)
        if known is None:
            criterion_id, _sep, value = pair.partition(":")
            known = pairs[pair] = (int(criterion_id), Decimal(value).quantize(_CENT))
        parsed[known[0]] = known[1]
    return parsed


def _active_conflicts(session: Session, category: Category) -> frozenset[tuple[int, int]]:
    """(nomination id, user id) of the category's conflicts not overridden."""
    return frozenset(
        (row.nomination_id, row.user_id)
        for row in session.execute(
            select(Conflict.nomination_id, Conflict.user_id)
            .join(Nomination, Nomination.id == Conflict.nomination_id)
            .where(Nomination.category_id == category.id, Conflict.overridden_at.is_(None))
        )
    )


def _cycle_members(session: Session, category: Category) -> tuple[dict[str, set[int]], dict[int, str]]:
    """Committee code -> member ids in the category's cycle, and member id -> full name."""
    members: dict[str, set[int]] = defaultdict(set)
    member_names: dict[int, str] = {}
    for row in session.execute(
        select(Membership.user_id, Committee.code, User.full_name)
        .join(Committee, Committee.id == Membership.committee_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cycle_id == category.cycle_id)
    ):
        members[row.code].add(row.user_id)
        member_names[row.user_id] = row.full_name
    return members, member_names


def _assignments(session: Session, category: Category, codes: dict[int, CommitteeCode]
                 ) -> frozenset[tuple[int, str, int]]:
    """(nomination id, committee code, member id) of the category's assignments (Core rows: 26,000 of them in
    the largest category at ten times the national scale)."""
    return frozenset(
        (nomination_id, codes[committee_id], member_id)
        for nomination_id, committee_id, member_id in session.connection().execute(
            select(Assignment.nomination_id, Assignment.committee_id, Assignment.member_id)
            .join(Nomination, Nomination.id == Assignment.nomination_id)
            .where(Nomination.category_id == category.id)
        ).all()
    )
