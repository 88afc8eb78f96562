"""The scoring rules of PROCESS.md as pure functions over plain data: no database, no Flask.

Numbers are :class:`decimal.Decimal` throughout. Inputs (r_c, m_c, w_c, W_K) come from ``Numeric`` columns and
are exact; every computation runs in a local context of :data:`PRECISION` significant digits and nothing is
rounded on the way. Figures are rounded (half up) to two decimals only at the edges: for display, in the digest,
and where PROCESS.md ranks "by F (two decimals)". F is therefore computed from the unrounded committee scores,
so re-adding the two-decimal C_K shown on the page may differ from the shown F by 0.01.

The rules, and the choices made where PROCESS.md leaves room:

* Sheet score ``S = 100 * sum(w_c * r_c / m_c) / sum(w_c)`` over the committee's criteria in the category. A
  sheet lacking a value for one of those criteria (the rubric changed after it was written) does not count.
* A sheet *counts* for a nomination and committee when it is submitted, complete, written by an *expected
  reviewer* and that reviewer has no active conflict with the nomination. Expected reviewers are the members of
  the committee in the cycle (or, when the committee uses k reviewers per nomination, the members assigned to
  that nomination), minus those with an active conflict: a conflict excludes every sheet of that member on that
  nomination, whenever the sheet was written.
* Quorum q_K: the configured value, or by default ``min(3, number of expected reviewers)``, and never below 1
  (a committee score always rests on at least one sheet). C_K exists only with at least q_K counted sheets.
* Aggregation: ``mean``; ``median`` (the mean of the two middle sheets when their number is even);
  ``trimmed_mean`` (drop one highest and one lowest sheet when there are 5 or more, else the plain mean).
* Severity normalisation (when the committee has it on), per committee and category: the pool is every counted
  sheet of the committee in the category (ineligible nominations included, since a member's severity does not
  depend on an oversight decision). A member with at least 3 sheets in the pool has each sheet turned into a
  z-score over their own sheets, then mapped back as ``mean_K + z * sd_K`` where mean_K and sd_K are over the
  whole pool. Standard deviations are *population* ones (divide by n): they describe exactly these sheets, not a
  sample. A member whose own sheets are all equal (sd 0) expressed no preference, so z = 0 and every sheet maps to
  the committee mean. Mapped values are clamped to [0, 100] to stay on the sheet scale. Members with fewer than 3
  sheets keep their raw scores. C_K (normalised) aggregates the mapped sheet scores with the committee's method;
  the raw C_K is always computed and shown beside it.
* Final score ``F = sum(W_K * C_K) / sum(W_K)`` over the committees *entering F*: weight > 0 and at least one
  criterion in the category. C_K is the normalised one when the committee normalises. A nominee lacking any such
  committee's score is *incomplete*: no F, not ranked, flagged with the committees that lack quorum.
* Ranking: eligible, complete nominees by F rounded to two decimals, descending; equal F broken by the winners
  committee score (also at two decimals; a missing one sorts last); nominees still equal form a *tie*. The winners
  chair's latest ordering whose set of nominations equals the tied set exactly is applied; an unresolved tie
  shares the best rank of its positions (1, 2, 2, 4). Ineligible nominees are never ranked.
* Tiers: walking the ranking, the first ``gold_quota`` nominees with F at or above the minimum score get gold, the
  next ``certificate_quota`` certificate. An unresolved tie whose positions would get different tiers gets none
  (the tie decides it); a tie containing any tiered position *blocks* the proposal.
* Criteria computed from an indicator (``computed_criteria``): their value in every counted sheet of their
  committee is the points of the nominee's *verified* figure (``indicator_points``, see
  ``awards.evaluation.indicators``), never a typed one; without a verified figure the sheets lack that value, so
  they do not count and the nominee is incomplete (``NomineeResult.unverified`` names the criteria). With no
  computed criteria nothing here changes.
* Agreement per committee: ICC(2,k), Shrout & Fleiss (1979): two-way random effects, absolute agreement, mean of
  k raters, ``(BMS - EMS) / (BMS + (JMS - EMS) / n)``. It needs the same raters on every nomination, so it is
  computed on the largest block (n x k sheets) of n >= 2 nominations all scored by one set of k >= 2 raters,
  over raw counted sheet scores; ``None`` ("—") when no such block exists or the denominator is 0.
* Severity of a member: the mean, over their counted sheets, of (their sheet score - the mean of the committee's
  counted sheets on that nomination). Negative means harsher than colleagues.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from awards.enums import Aggregation, CommitteeCode, Tier

#: Significant digits of every intermediate computation.
PRECISION = 40
TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
DEFAULT_QUORUM = 3
#: A trimmed mean drops the extremes only from this many sheets on.
TRIM_FROM = 5
#: A member is normalised only with at least this many sheets in the committee and category.
NORMALISE_FROM = 3


def round2(value: Decimal) -> Decimal:
    """Round half up to two decimals, the precision of every figure shown or ranked."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round2_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else round2(value)


# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    """One rubric line: max points m_c > 0 and weight w_c > 0, for one committee."""

    id: int
    committee: str
    max_points: Decimal
    weight: Decimal


@dataclass(frozen=True)
class CommitteeSpec:
    """How one committee takes part in the category, and who sits on it in the cycle."""

    code: str
    weight: Decimal
    aggregation: str = Aggregation.MEAN
    quorum: int | None = None
    normalise: bool = False
    reviewers_per_nomination: int | None = None
    members: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SheetInput:
    """A submitted sheet: criterion id -> r_c."""

    id: int
    nomination_id: int
    committee: str
    member_id: int
    values: Mapping[int, Decimal]


@dataclass(frozen=True)
class NomineeInput:
    id: int
    ineligible_reason: str | None = None

    @property
    def ineligible(self) -> bool:
        return self.ineligible_reason is not None


@dataclass
class CategoryInput:
    """Everything the result of one category depends on."""

    nominees: Sequence[NomineeInput]
    committees: Sequence[CommitteeSpec]
    criteria: Sequence[CriterionSpec]
    sheets: Sequence[SheetInput]
    #: Active conflicts as (nomination id, member id).
    conflicts: frozenset[tuple[int, int]] = frozenset()
    #: Assignments as (nomination id, committee code, member id); used by committees with k reviewers.
    assignments: frozenset[tuple[int, str, int]] = frozenset()
    #: The winners chair's orderings of tied nominations, oldest first (the latest matching one applies).
    tie_orders: Sequence[Sequence[int]] = ()
    gold_quota: int = 1
    certificate_quota: int = 0
    min_score: Decimal | None = None
    winners_code: str = CommitteeCode.WINNERS
    #: Criteria computed from an indicator (``awards.evaluation.indicators``): their values never come from sheets.
    computed_criteria: frozenset[int] = frozenset()
    #: (nomination id, computed criterion id) -> points from the verified figure; absent while unverified.
    indicator_points: Mapping[tuple[int, int], Decimal] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------------


def sheet_score(values: Mapping[int, Decimal], criteria: Sequence[CriterionSpec]) -> Decimal | None:
    """Return S = 100 * sum(w_c * r_c / m_c) / sum(w_c), or None when a criterion has no value."""
    if not criteria or any(c.id not in values for c in criteria):
        return None
    with localcontext(prec=PRECISION):
        total = sum((c.weight * Decimal(values[c.id]) / c.max_points for c in criteria), ZERO)
        return HUNDRED * total / sum((c.weight for c in criteria), ZERO)


class SheetScorer:
    """:func:`sheet_score` over many sheets of one committee's criteria, each equal to what that function returns.

    Each term ``w_c * r_c / m_c`` is computed once per (criterion, value) pair and the terms are summed in the same
    order, in the same context, over the same sum of weights: only the repetition is gone. A category at ten
    times the national scale has 117,000 values on 23,500 sheets but a few thousand distinct pairs, and the
    sheet scores were a third of its computation.
    """

    def __init__(self, criteria: Sequence[CriterionSpec]) -> None:
        self.criteria = tuple(criteria)
        #: Per criterion, in rubric order: (id, w_c, m_c, value -> term).
        self._lines = tuple((c.id, c.weight, c.max_points, {}) for c in self.criteria)
        with localcontext(prec=PRECISION):
            self._weight = sum((c.weight for c in self.criteria), ZERO)

    def __call__(self, values: Mapping[int, Decimal]) -> Decimal | None:
        """S of one sheet, or None when a criterion has no value (as :func:`sheet_score`)."""
        with localcontext(prec=PRECISION):
            return self.score(values)

    def score(self, values: Mapping[int, Decimal]) -> Decimal | None:
        """As calling the scorer, for a caller already in a ``localcontext(prec=PRECISION)`` (many sheets)."""
        if not self._lines:
            return None
        total = ZERO
        for criterion_id, weight, max_points, terms in self._lines:
            value = values.get(criterion_id)
            if value is None:
                return None
            term = terms.get(value)
            if term is None:
                term = terms[value] = weight * Decimal(value) / max_points
            total += term
        return HUNDRED * total / self._weight


def mean(values: Sequence[Decimal]) -> Decimal:
    """Arithmetic mean of a non-empty sequence."""
    if not values:
        raise ValueError("mean of no values")
    with localcontext(prec=PRECISION):
        return sum(values, ZERO) / len(values)


def median(values: Sequence[Decimal]) -> Decimal:
    """Middle value; the mean of the two middle ones for an even count."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    with localcontext(prec=PRECISION):
        return (ordered[middle - 1] + ordered[middle]) / 2


def trimmed_mean(values: Sequence[Decimal]) -> Decimal:
    """Mean after dropping one highest and one lowest value, from 5 values on; the plain mean below that."""
    if len(values) < TRIM_FROM:
        return mean(values)
    return mean(sorted(values)[1:-1])


def aggregate(values: Sequence[Decimal], method: str) -> Decimal:
    """Combine a committee's sheet scores for one nomination with its aggregation method."""
    method = Aggregation(method)
    if method is Aggregation.MEDIAN:
        return median(values)
    if method is Aggregation.TRIMMED_MEAN:
        return trimmed_mean(values)
    return mean(values)


def quorum_for(configured: int | None, expected_reviewers: int) -> int:
    """Return q_K: the configured quorum, else min(3, expected reviewers); at least 1 either way."""
    if configured is not None:
        return max(1, configured)
    return max(1, min(DEFAULT_QUORUM, expected_reviewers))


def pstdev(values: Sequence[Decimal]) -> Decimal:
    """Population standard deviation (divide by n) of a non-empty sequence."""
    with localcontext(prec=PRECISION):
        centre = mean(values)
        return (sum(((v - centre) ** 2 for v in values), ZERO) / len(values)).sqrt()


def normalise_pool(sheets: Sequence[tuple[int, object, Decimal]]) -> dict[object, Decimal]:
    """Map each counted sheet of one committee and category onto the pool's mean and standard deviation.

    ``sheets`` holds (member id, sheet key, raw S). Returns sheet key -> normalised S; members with fewer than
    :data:`NORMALISE_FROM` sheets keep their raw scores (see the module docstring for the other choices).
    """
    if not sheets:
        return {}
    with localcontext(prec=PRECISION):
        everything = [score for _member, _key, score in sheets]
        pool_mean, pool_sd = mean(everything), pstdev(everything)
        by_member: dict[int, list[tuple[object, Decimal]]] = defaultdict(list)
        for member, key, score in sheets:
            by_member[member].append((key, score))
        result: dict[object, Decimal] = {}
        for own in by_member.values():
            scores = [score for _key, score in own]
            if len(scores) < NORMALISE_FROM:
                result.update(own)
                continue
            own_mean, own_sd = mean(scores), pstdev(scores)
            for key, score in own:
                z = (score - own_mean) / own_sd if own_sd else ZERO
                result[key] = min(HUNDRED, max(ZERO, pool_mean + z * pool_sd))
        return result


def final_score(committee_scores: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Return F = sum(W_K * C_K) / sum(W_K) over ``weights``; None if any of those C_K is missing or no weight."""
    total_weight = sum(weights.values(), ZERO)
    if not weights or total_weight <= 0:
        return None
    if any(committee_scores.get(code) is None for code in weights):
        return None
    with localcontext(prec=PRECISION):
        return sum((w * committee_scores[code] for code, w in weights.items()), ZERO) / total_weight


@dataclass(frozen=True)
class Agreement:
    """An ICC(2,k) value and the block it rests on (``value`` None when not computable)."""

    value: Decimal | None
    nominations: int = 0
    raters: int = 0

    @property
    def sheets(self) -> int:
        return self.nominations * self.raters


def icc_2k(matrix: Sequence[Sequence[Decimal]]) -> Decimal | None:
    """ICC(2,k) of an n x k matrix (rows: nominations, columns: raters); None when undefined."""
    n = len(matrix)
    k = len(matrix[0]) if n else 0
    if n < 2 or k < 2:
        return None
    with localcontext(prec=PRECISION):
        grand = sum((x for row in matrix for x in row), ZERO) / (n * k)
        row_means = [sum(row, ZERO) / k for row in matrix]
        col_means = [sum((row[j] for row in matrix), ZERO) / n for j in range(k)]
        ss_rows = k * sum(((m - grand) ** 2 for m in row_means), ZERO)
        ss_cols = n * sum(((m - grand) ** 2 for m in col_means), ZERO)
        ss_total = sum(((x - grand) ** 2 for row in matrix for x in row), ZERO)
        ss_error = ss_total - ss_rows - ss_cols
        bms = ss_rows / (n - 1)
        jms = ss_cols / (k - 1)
        ems = ss_error / ((n - 1) * (k - 1))
        denominator = bms + (jms - ems) / n
        if denominator == 0:
            return None
        return (bms - ems) / denominator


#: Rater sets whose pairwise intersections are also tried as agreement blocks (the most frequent ones).
AGREEMENT_INTERSECT_TOP = 20


def agreement(scores: Mapping[tuple[int, int], Decimal]) -> Agreement:
    """ICC(2,k) over the largest block of nominations all scored by one set of raters; ``scores``: (nom, member) -> S.

    A block is a set R of k >= 2 raters and the n >= 2 nominations each of them scored; candidates for R are the
    nominations' own rater sets and the intersections of pairs of the most frequent ones (so a nomination with an
    extra sheet still joins the block of its colleagues). The largest n x k wins; ties prefer more nominations.
    """
    raters_of: dict[int, set[int]] = defaultdict(set)
    for nomination, member in scores:
        raters_of[nomination].add(member)
    frequency: dict[frozenset[int], int] = defaultdict(int)
    for raters in raters_of.values():
        if len(raters) >= 2:
            frequency[frozenset(raters)] += 1
    ordered = sorted(frequency, key=lambda r: (-frequency[r], sorted(r)))
    candidates = set(ordered)
    top = ordered[:AGREEMENT_INTERSECT_TOP]
    for i, first in enumerate(top):
        for second in top[i + 1:]:
            if len(common := first & second) >= 2:
                candidates.add(common)
    # Nominations grouped by their own rater set: a candidate is checked against each distinct set once, not
    # against every nomination (a few dozen sets against a category's thousands of nominations).
    by_set: dict[frozenset[int], list[int]] = defaultdict(list)
    for nom, own in raters_of.items():
        by_set[frozenset(own)].append(nom)
    best: tuple | None = None
    for raters in candidates:
        noms = sorted(nom for own, group in by_set.items() if raters <= own for nom in group)
        if len(noms) < 2:
            continue
        key = (len(noms) * len(raters), len(noms), [-r for r in sorted(raters)])
        if best is None or key > best[0]:
            best = (key, tuple(sorted(raters)), noms)
    if best is None:
        return Agreement(None)
    _key, raters, noms = best
    matrix = [[scores[(nom, member)] for member in raters] for nom in noms]
    return Agreement(icc_2k(matrix), nominations=len(noms), raters=len(raters))


def severities(scores: Mapping[tuple[int, int], Decimal]) -> dict[int, Decimal]:
    """Each member's mean deviation from the committee's mean sheet score on the nominations they scored."""
    by_nomination: dict[int, list[Decimal]] = defaultdict(list)
    for (nomination, _member), score in scores.items():
        by_nomination[nomination].append(score)
    with localcontext(prec=PRECISION):  # the sums as mean() takes them, in one context for all
        nomination_mean = {nom: sum(values, ZERO) / len(values) for nom, values in by_nomination.items()}
        deviations: dict[int, list[Decimal]] = defaultdict(list)
        for (nomination, member), score in scores.items():
            deviations[member].append(score - nomination_mean[nomination])
        return {member: sum(values, ZERO) / len(values) for member, values in deviations.items()}


# ---------------------------------------------------------------------------------------------------------------
# Ranking and tiers
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankCandidate:
    """A complete, eligible nominee: F and the winners score, both already at two decimals."""

    id: int
    final: Decimal
    winners: Decimal | None = None


@dataclass
class TieGroup:
    """Nominees equal on F and on the winners score, in display order."""

    nomination_ids: tuple[int, ...]
    final: Decimal
    winners: Decimal | None
    resolved: bool
    #: An unresolved tie in which some position gets a tier: the proposal must wait for the chair.
    blocking: bool = False


@dataclass
class Ranking:
    order: list[int]
    ranks: dict[int, int]
    tiers: dict[int, Tier | None]
    ties: list[TieGroup]
    #: Nominee id -> index into ``ties``.
    tie_of: dict[int, int]


def _sort_key(candidate: RankCandidate) -> tuple:
    has_winners = candidate.winners is not None
    return (-candidate.final, not has_winners, -(candidate.winners or ZERO), candidate.id)


def rank_candidates(candidates: Iterable[RankCandidate], *, tie_orders: Sequence[Sequence[int]] = (),
                    gold_quota: int, certificate_quota: int, min_score: Decimal | None) -> Ranking:
    """Order, rank and tier the candidates; ties resolved by the latest ordering of exactly the tied set."""
    ordered = sorted(candidates, key=_sort_key)
    ranking, group_spans = _place_groups(_equal_groups(ordered), tie_orders)
    by_id = {c.id: c for c in ordered}
    position_tier = _position_tiers([by_id[nid].final for nid in ranking.order], gold_quota=gold_quota,
                                    certificate_quota=certificate_quota, min_score=min_score)
    for start, size, tie in group_spans:
        span = position_tier[start - 1:start - 1 + size]
        ids = ranking.order[start - 1:start - 1 + size]
        if tie is None or tie.resolved:
            ranking.tiers.update(zip(ids, span, strict=True))
            continue
        common = span[0] if len(set(span)) == 1 else None
        ranking.tiers.update(dict.fromkeys(ids, common))
        tie.blocking = any(t is not None for t in span)
    return ranking


def _equal_groups(ordered: list[RankCandidate]) -> list[list[RankCandidate]]:
    """Runs of sorted candidates with the same F and the same winners' score (a run of two or more is a tie)."""
    groups: list[list[RankCandidate]] = []
    for candidate in ordered:
        last = groups[-1][0] if groups else None
        if last is not None and (last.final, last.winners) == (candidate.final, candidate.winners):
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    return groups


def _place_groups(groups: list[list[RankCandidate]], tie_orders: Sequence[Sequence[int]]
                  ) -> tuple[Ranking, list[tuple[int, int, TieGroup | None]]]:
    """Order and rank the groups (tiers still empty); return the ranking and each group's (start, size, tie)."""
    ranking = Ranking(order=[], ranks={}, tiers={}, ties=[], tie_of={})
    group_spans: list[tuple[int, int, TieGroup | None]] = []
    for group in groups:
        ids = [c.id for c in group]
        start = len(ranking.order) + 1
        tie = None
        if len(group) > 1:
            chosen = next((list(o) for o in reversed(tie_orders) if sorted(o) == sorted(ids)), None)
            if chosen is not None:
                ids = chosen
            tie = TieGroup(tuple(ids), group[0].final, group[0].winners, resolved=chosen is not None)
            for nid in ids:
                ranking.tie_of[nid] = len(ranking.ties)
            ranking.ties.append(tie)
        for offset, nid in enumerate(ids):
            ranking.ranks[nid] = start if tie is not None and not tie.resolved else start + offset
        ranking.order.extend(ids)
        group_spans.append((start, len(ids), tie))
    return ranking, group_spans


def _position_tiers(finals: list[Decimal], *, gold_quota: int, certificate_quota: int,
                    min_score: Decimal | None) -> list[Tier | None]:
    """The tier of each position in rank order: gold, then certificate, among those reaching ``min_score``."""
    qualified = 0
    position_tier: list[Tier | None] = []
    for final in finals:
        tier = None
        if min_score is None or final >= min_score:
            if qualified < gold_quota:
                tier = Tier.GOLD
            elif qualified < gold_quota + certificate_quota:
                tier = Tier.CERTIFICATE
            qualified += 1
        position_tier.append(tier)
    return position_tier


# ---------------------------------------------------------------------------------------------------------------
# The whole category
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class CommitteeScore:
    """One committee's figures for one nominee."""

    raw: Decimal | None
    normalised: Decimal | None
    normalising: bool
    sheets: int
    quorum: int
    expected: tuple[int, ...]
    #: Expected reviewers without a counted sheet on this nominee.
    missing: tuple[int, ...]

    @property
    def effective(self) -> Decimal | None:
        """The C_K that enters F: the normalised one when the committee normalises."""
        return self.normalised if self.normalising else self.raw


@dataclass
class NomineeResult:
    id: int
    ineligible_reason: str | None
    committees: dict[str, CommitteeScore]
    final: Decimal | None
    #: Committees entering F that lack a score (below quorum): why the nominee is incomplete.
    incomplete: tuple[str, ...]
    rank: int | None = None
    tier: Tier | None = None
    tie: int | None = None
    #: Computed criteria (of scored committees) whose figure is not verified yet: they keep the nominee incomplete.
    unverified: tuple[int, ...] = ()

    @property
    def ineligible(self) -> bool:
        return self.ineligible_reason is not None

    @property
    def final2(self) -> Decimal | None:
        return round2_or_none(self.final)

    @property
    def is_incomplete(self) -> bool:
        return not self.ineligible and self.final is None

    @property
    def is_ranked(self) -> bool:
        return self.rank is not None


@dataclass
class CommitteeStats:
    code: str
    agreement: Agreement
    #: Member id -> mean deviation, and the number of sheets it rests on.
    severity: dict[int, Decimal]
    severity_sheets: dict[int, int]
    #: Member id -> nominations (eligible ones) still lacking this member's counted sheet.
    missing: dict[int, tuple[int, ...]]
    #: Members whose sheets were normalised (>= 3 sheets, committee normalising).
    normalised_members: frozenset[int]
    counted_sheets: int

    @property
    def missing_total(self) -> int:
        return sum(len(noms) for noms in self.missing.values())


@dataclass
class CategoryResult:
    #: Ranked nominees in rank order, then incomplete ones, then ineligible ones (each by id).
    nominees: list[NomineeResult]
    #: Committees with criteria in the category, in the input order; those entering F with their weights.
    committees: list[str]
    weights: dict[str, Decimal]
    stats: dict[str, CommitteeStats]
    ties: list[TieGroup]

    @property
    def ranked(self) -> list[NomineeResult]:
        return [n for n in self.nominees if n.is_ranked]

    @property
    def blocking_ties(self) -> list[TieGroup]:
        return [t for t in self.ties if t.blocking]

    @property
    def unresolved_ties(self) -> list[TieGroup]:
        return [t for t in self.ties if not t.resolved]

    def nominee(self, nomination_id: int) -> NomineeResult:
        """The nominee's result (an index built on first use: the exports ask once per sheet, 23,500 times in
        the largest category at ten times the national scale, and a scan each time made that quadratic)."""
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.nominees):
            index = self.__dict__["_by_id"] = {n.id: n for n in self.nominees}
        return index[nomination_id]


def assigned_reviewers(inp: CategoryInput) -> dict[tuple[int, str], set[int]]:
    """The assignments indexed once by (nomination, committee): one pass, so looking one up costs nothing."""
    index: dict[tuple[int, str], set[int]] = defaultdict(set)
    for nomination_id, code, member in inp.assignments:
        index[(nomination_id, code)].add(member)
    return index


def expected_reviewers(spec: CommitteeSpec, nomination_id: int, inp: CategoryInput,
                       assigned: Mapping[tuple[int, str], set[int]] | None = None) -> tuple[int, ...]:
    """Members expected to score this nomination for this committee (conflicted ones excluded).

    ``assigned`` is :func:`assigned_reviewers` of ``inp``; pass it when asking about many nominations, since
    scanning every assignment for each nominee made a category's cost grow with its square."""
    if spec.reviewers_per_nomination is None:
        pool = spec.members
    else:
        pool = (assigned if assigned is not None else assigned_reviewers(inp)).get((nomination_id, spec.code), set())
    return tuple(sorted(m for m in pool if (nomination_id, m) not in inp.conflicts))


def compute_category(inp: CategoryInput) -> CategoryResult:
    """Compute every committee score, F, rank, tier, tie, agreement and severity of one category."""
    criteria_of: dict[str, list[CriterionSpec]] = defaultdict(list)
    for criterion in inp.criteria:
        criteria_of[criterion.committee].append(criterion)
    specs = [s for s in inp.committees if criteria_of.get(s.code)]
    weights = {s.code: s.weight for s in specs if s.weight > 0}

    assigned = assigned_reviewers(inp)
    expected = {(s.code, n.id): expected_reviewers(s, n.id, inp, assigned) for s in specs for n in inp.nominees}
    counted = _counted_scores(inp, specs, criteria_of, expected)
    normalised: dict[str, dict[tuple[int, int], Decimal]] = {}
    stats: dict[str, CommitteeStats] = {}
    for spec in specs:
        scores = counted[spec.code]
        if spec.normalise:
            normalised[spec.code] = normalise_pool([(member, (nom, member), s) for (nom, member), s in scores.items()])
        stats[spec.code] = _committee_stats(spec, scores, inp, expected)

    results: dict[int, NomineeResult] = {}
    for nominee in inp.nominees:
        committee_scores = {spec.code: _committee_score(spec, nominee.id, expected[(spec.code, nominee.id)],
                                                        counted[spec.code], normalised.get(spec.code))
                            for spec in specs}
        effective = {code: cs.effective for code, cs in committee_scores.items()}
        incomplete = tuple(code for code in weights if effective.get(code) is None)
        results[nominee.id] = NomineeResult(
            id=nominee.id, ineligible_reason=nominee.ineligible_reason, committees=committee_scores,
            final=final_score(effective, weights), incomplete=incomplete,
            unverified=tuple(c.id for spec in specs for c in criteria_of[spec.code]
                             if c.id in inp.computed_criteria and (nominee.id, c.id) not in inp.indicator_points),
        )

    ranking = _rank_results(results, inp)
    ordered = [results[nid] for nid in ranking.order]
    ordered += sorted((r for r in results.values() if r.is_incomplete), key=lambda r: r.id)
    ordered += sorted((r for r in results.values() if r.ineligible), key=lambda r: r.id)
    return CategoryResult(nominees=ordered, committees=[s.code for s in specs], weights=weights, stats=stats,
                          ties=ranking.ties)


def _counted_scores(inp: CategoryInput, specs: list[CommitteeSpec], criteria_of: dict[str, list[CriterionSpec]],
                    expected: dict[tuple[str, int], tuple[int, ...]]
                    ) -> dict[str, dict[tuple[int, int], Decimal]]:
    """Counted raw sheet scores: committee -> {(nomination, member): S}, from expected reviewers' full sheets."""
    nominee_ids = {n.id for n in inp.nominees}
    counted: dict[str, dict[tuple[int, int], Decimal]] = {s.code: {} for s in specs}
    computed: dict[int, dict[int, Decimal]] = defaultdict(dict)  # nomination -> verified computed points
    for (nomination_id, criterion_id), points in inp.indicator_points.items():
        computed[nomination_id][criterion_id] = points
    scorers = {s.code: SheetScorer(criteria_of[s.code]) for s in specs}
    with localcontext(prec=PRECISION):
        for sheet in inp.sheets:
            if sheet.committee not in counted or sheet.nomination_id not in nominee_ids:
                continue
            if sheet.member_id not in expected[(sheet.committee, sheet.nomination_id)]:
                continue
            values = sheet.values
            if inp.computed_criteria:  # a computed criterion's value is its verified points, never a typed one
                values = {cid: v for cid, v in values.items() if cid not in inp.computed_criteria}
                values.update(computed.get(sheet.nomination_id, {}))
            score = scorers[sheet.committee].score(values)
            if score is not None:
                counted[sheet.committee][(sheet.nomination_id, sheet.member_id)] = score
    return counted


def counted_sheets(inp: CategoryInput) -> dict[str, list[SheetInput]]:
    """The sheets that count, per committee with criteria: the same rule as the scores, as whole sheets.

    A chair's sign-off seals these (with the committee scores they give), so it must ask exactly what
    :func:`compute_category` asks: a sheet of the pool, by an expected reviewer, with a value for every criterion.
    """
    criteria_of: dict[str, list[CriterionSpec]] = defaultdict(list)
    for criterion in inp.criteria:
        criteria_of[criterion.committee].append(criterion)
    specs = {s.code: s for s in inp.committees if criteria_of.get(s.code)}
    assigned = assigned_reviewers(inp)
    nominee_ids = {n.id for n in inp.nominees}
    expected: dict[tuple[str, int], tuple[int, ...]] = {}
    counted: dict[str, list[SheetInput]] = {code: [] for code in specs}
    scorers = {code: SheetScorer(criteria_of[code]) for code in specs}
    for sheet in inp.sheets:
        spec = specs.get(sheet.committee)
        if spec is None or sheet.nomination_id not in nominee_ids:
            continue
        key = (sheet.committee, sheet.nomination_id)
        if key not in expected:
            expected[key] = expected_reviewers(spec, sheet.nomination_id, inp, assigned)
        if sheet.member_id in expected[key] and scorers[sheet.committee](sheet.values) is not None:
            counted[sheet.committee].append(sheet)
    return counted


def _committee_stats(spec: CommitteeSpec, scores: dict[tuple[int, int], Decimal], inp: CategoryInput,
                     expected: dict[tuple[str, int], tuple[int, ...]]) -> CommitteeStats:
    """Agreement, severity and missing sheets of one committee over the category's counted sheets."""
    per_member: dict[int, int] = defaultdict(int)
    for _nom, member in scores:
        per_member[member] += 1
    missing: dict[int, list[int]] = defaultdict(list)
    for nominee in inp.nominees:
        if nominee.ineligible:
            continue
        for member in expected[(spec.code, nominee.id)]:
            if (nominee.id, member) not in scores:
                missing[member].append(nominee.id)
    return CommitteeStats(
        code=spec.code, agreement=agreement(scores), severity=severities(scores),
        severity_sheets=dict(per_member), missing={m: tuple(n) for m, n in sorted(missing.items())},
        normalised_members=frozenset(m for m, c in per_member.items() if spec.normalise and c >= NORMALISE_FROM),
        counted_sheets=len(scores),
    )


def _committee_score(spec: CommitteeSpec, nomination_id: int, reviewers: tuple[int, ...],
                     counted: dict[tuple[int, int], Decimal],
                     normalised: dict[tuple[int, int], Decimal] | None) -> CommitteeScore:
    """C_K of one nominee (raw and normalised), or None below quorum."""
    scored = [m for m in reviewers if (nomination_id, m) in counted]
    raw_scores = [counted[(nomination_id, m)] for m in scored]
    q = quorum_for(spec.quorum, len(reviewers))
    raw = norm = None
    if len(raw_scores) >= q:
        raw = aggregate(raw_scores, spec.aggregation)
        if spec.normalise:
            norm = aggregate([normalised[(nomination_id, m)] for m in scored], spec.aggregation)
    return CommitteeScore(
        raw=raw, normalised=norm, normalising=spec.normalise, sheets=len(raw_scores), quorum=q,
        expected=reviewers,
        missing=tuple(m for m in reviewers if m not in scored),
    )


def _rank_results(results: dict[int, NomineeResult], inp: CategoryInput) -> Ranking:
    """Rank the eligible nominees with an F and write rank, tier and tie onto their results."""
    candidates = []
    for res in results.values():
        if res.ineligible or res.final is None:
            continue
        winners = res.committees.get(inp.winners_code)
        candidates.append(RankCandidate(res.id, round2(res.final),
                                        round2_or_none(winners.effective) if winners else None))
    ranking = rank_candidates(candidates, tie_orders=inp.tie_orders, gold_quota=inp.gold_quota,
                              certificate_quota=inp.certificate_quota, min_score=inp.min_score)
    for nid in ranking.order:
        results[nid].rank = ranking.ranks[nid]
        results[nid].tier = ranking.tiers[nid]
        results[nid].tie = ranking.tie_of.get(nid)
    return ranking
