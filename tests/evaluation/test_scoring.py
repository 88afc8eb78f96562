"""Scoring math: worked examples by hand, and Hypothesis against a plain reference reading of PROCESS.md."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.enums import Aggregation, Tier
from awards.evaluation.scoring import (
    CategoryInput,
    CommitteeSpec,
    CriterionSpec,
    NomineeInput,
    RankCandidate,
    SheetInput,
    SheetScorer,
    aggregate,
    agreement,
    compute_category,
    final_score,
    icc_2k,
    median,
    normalise_pool,
    quorum_for,
    rank_candidates,
    round2,
    severities,
    sheet_score,
    trimmed_mean,
)

D = Decimal


# ---------------------------------------------------------------------------------------------------------------
# Worked examples, computed by hand in the comments
# ---------------------------------------------------------------------------------------------------------------


def test_sheet_score_worked_example():
    # A: m=20, w=3, r=15; B: m=10, w=1, r=5.
    # S = 100 * (3*15/20 + 1*5/10) / (3+1) = 100 * (2.25 + 0.5) / 4 = 68.75
    criteria = [CriterionSpec(1, "winners", D(20), D(3)), CriterionSpec(2, "winners", D(10), D(1))]
    assert sheet_score({1: D(15), 2: D(5)}, criteria) == D("68.75")


def test_sheet_score_missing_criterion_is_none():
    criteria = [CriterionSpec(1, "winners", D(20), D(3)), CriterionSpec(2, "winners", D(10), D(1))]
    assert sheet_score({1: D(15)}, criteria) is None


def test_sheet_score_bounds():
    criteria = [CriterionSpec(1, "media", D("7.5"), D("0.5"))]
    assert sheet_score({1: D(0)}, criteria) == D(0)
    assert sheet_score({1: D("7.5")}, criteria) == D(100)


_money = st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_money, _money), min_size=1, max_size=5),
       st.lists(st.lists(st.decimals(min_value=0, max_value=D("999.99"), places=2), min_size=5, max_size=5),
                min_size=1, max_size=12))
def test_sheet_scorer_equals_sheet_score_digit_for_digit(lines, sheets):
    # The scorer reuses each (criterion, value) term across sheets: every sheet's S must be the same Decimal,
    # representation included, as sheet_score's (sheets repeat values, so terms are taken from the memo).
    criteria = [CriterionSpec(i, "winners", m, w) for i, (m, w) in enumerate(lines)]
    scorer = SheetScorer(criteria)
    for raw in sheets + sheets:
        values = {i: raw[i] for i in range(len(criteria))}
        expected, got = sheet_score(values, criteria), scorer(values)
        assert (got, str(got)) == (expected, str(expected))
    partial = {0: D(1)} if len(criteria) > 1 else {}
    assert scorer(partial) is None and sheet_score(partial, criteria) is None


def test_aggregations_worked_example():
    # Five sheets 40, 70, 72, 80, 98: mean 360/5 = 72; median 72;
    # trimmed mean drops 40 and 98: (70 + 72 + 80) / 3 = 74.
    five = [D(40), D(70), D(72), D(80), D(98)]
    assert aggregate(five, Aggregation.MEAN) == D(72)
    assert aggregate(five, Aggregation.MEDIAN) == D(72)
    assert aggregate(five, Aggregation.TRIMMED_MEAN) == D(74)
    # Four sheets 40, 70, 80, 98: too few to trim, so the trimmed mean is the mean 288/4 = 72;
    # median of an even count is the mean of the middle two (70 + 80) / 2 = 75.
    four = [D(40), D(70), D(80), D(98)]
    assert trimmed_mean(four) == D(72)
    assert median(four) == D(75)


def test_quorum_default_is_three_or_all_expected():
    assert quorum_for(None, 5) == 3
    assert quorum_for(None, 2) == 2
    assert quorum_for(None, 0) == 1  # never a score from no sheet
    assert quorum_for(4, 2) == 4


def test_final_score_worked_example():
    # winners 80 (W=3), finance 70 (W=2), media 60 (W=1); oversight has weight 0 and is left out.
    # F = (3*80 + 2*70 + 1*60) / 6 = 440 / 6 = 73.333… -> 73.33
    weights = {"winners": D(3), "finance": D(2), "media": D(1)}
    scores = {"winners": D(80), "finance": D(70), "media": D(60), "oversight": None}
    assert round2(final_score(scores, weights)) == D("73.33")
    assert final_score({"winners": D(80), "finance": None, "media": D(60)}, weights) is None


def test_normalisation_worked_example():
    # Member A scored three nominees 60, 70, 80; member B (more lenient) scored them 80, 90, 100.
    # Pool: mean 80, population variance (400+100+0+0+100+400)/6 = 500/3, sd = sqrt(500/3).
    # Each member: mean 70 (A) / 90 (B), sd sqrt(200/3); z = -sqrt(1.5), 0, +sqrt(1.5).
    # Mapped: 80 + z * sqrt(500/3) = 80 -/+ sqrt(250) = 64.19, 80, 95.81 for both members.
    sheets = [(1, "a1", D(60)), (1, "a2", D(70)), (1, "a3", D(80)),
              (2, "b1", D(80)), (2, "b2", D(90)), (2, "b3", D(100))]
    mapped = normalise_pool(sheets)
    assert {k: round2(v) for k, v in mapped.items()} == {
        "a1": D("64.19"), "a2": D("80.00"), "a3": D("95.81"),
        "b1": D("64.19"), "b2": D("80.00"), "b3": D("95.81"),
    }


def test_normalisation_keeps_members_with_fewer_than_three_sheets_raw():
    sheets = [(1, "a1", D(60)), (1, "a2", D(70)), (2, "b1", D(80)), (2, "b2", D(90)), (2, "b3", D(100))]
    mapped = normalise_pool(sheets)
    assert mapped["a1"] == D(60) and mapped["a2"] == D(70)
    assert mapped["b2"] == D(80)  # z = 0 maps to the pool mean (60+70+80+90+100)/5 = 80


def test_normalisation_member_with_equal_scores_maps_to_pool_mean():
    sheets = [(1, "a1", D(50)), (1, "a2", D(50)), (1, "a3", D(50)), (2, "b1", D(80))]
    mapped = normalise_pool(sheets)
    # pool mean (50*3 + 80) / 4 = 57.5
    assert mapped["a1"] == mapped["a2"] == mapped["a3"] == D("57.5")


def test_icc_worked_example():
    # n=3 nominations, k=2 raters: [[1,2],[3,4],[5,6]]; grand mean 3.5.
    # SSR = 2*((−2)²+0²+2²) = 16, BMS = 16/2 = 8; SSC = 3*(0.5²+0.5²) = 1.5, JMS = 1.5;
    # SST = 17.5, SSE = 17.5 − 16 − 1.5 = 0, EMS = 0; ICC(2,k) = (8 − 0) / (8 + (1.5 − 0)/3) = 8/8.5 = 0.9412
    assert round(icc_2k([[D(1), D(2)], [D(3), D(4)], [D(5), D(6)]]), 4) == D("0.9412")


def test_icc_is_none_when_undefined():
    assert icc_2k([[D(5), D(5)], [D(5), D(5)]]) is None
    assert icc_2k([[D(5), D(6)]]) is None


def test_agreement_uses_largest_block_with_same_raters():
    scores = {(1, 10): D(1), (1, 11): D(2), (2, 10): D(3), (2, 11): D(4), (3, 10): D(5), (3, 11): D(6),
              (4, 12): D(50)}
    result = agreement(scores)
    assert (result.nominations, result.raters, result.sheets) == (3, 2, 6)
    assert round(result.value, 4) == D("0.9412")


def test_agreement_block_includes_nominations_with_extra_raters():
    # Nominations 1 and 2 were scored by raters 10 and 11; nomination 2 also by 12. The block {10, 11} covers
    # both (n=2, k=2: 4 sheets) and beats {10, 11, 12} on nomination 2 alone (n=1).
    scores = {(1, 10): D(1), (1, 11): D(2), (2, 10): D(3), (2, 11): D(4), (2, 12): D(9)}
    result = agreement(scores)
    assert (result.nominations, result.raters) == (2, 2)
    # [[1,2],[3,4]]: grand 2.5; SSR = 2*(1+1) = 4, BMS = 4; SSC = 2*(0.25+0.25) = 1, JMS = 1; SST = 5, SSE = 0;
    # ICC = 4 / (4 + 1/2) = 0.8889
    assert round(result.value, 4) == D("0.8889")


def test_severity_worked_example():
    # Nominee 1: A 60, B 80 (mean 70); 2: A 70, B 90 (80); 3: A 80, B 100 (90). A is always 10 below.
    scores = {(1, 1): D(60), (1, 2): D(80), (2, 1): D(70), (2, 2): D(90), (3, 1): D(80), (3, 2): D(100)}
    assert severities(scores) == {1: D(-10), 2: D(10)}


def test_ranking_breaks_equal_f_by_winners_score():
    ranking = rank_candidates([RankCandidate(1, D("75.00"), D("78.00")), RankCandidate(2, D("75.00"), D("80.00")),
                               RankCandidate(3, D("60.00"), D("90.00"))],
                              gold_quota=1, certificate_quota=1, min_score=None)
    assert ranking.order == [2, 1, 3]
    assert ranking.ranks == {2: 1, 1: 2, 3: 3}
    assert ranking.tiers == {2: Tier.GOLD, 1: Tier.CERTIFICATE, 3: None}
    assert ranking.ties == []


def test_ranking_flags_tie_and_applies_chairs_order():
    candidates = [RankCandidate(1, D("75.00"), D("80.00")), RankCandidate(2, D("75.00"), D("80.00")),
                  RankCandidate(3, D("70.00"), D("70.00"))]
    tied = rank_candidates(candidates, gold_quota=1, certificate_quota=1, min_score=None)
    assert [t.nomination_ids for t in tied.ties] == [(1, 2)]
    assert tied.ranks == {1: 1, 2: 1, 3: 3}
    assert tied.tiers == {1: None, 2: None, 3: None}  # gold or certificate: the tie decides
    assert tied.ties[0].blocking is True

    resolved = rank_candidates(candidates, tie_orders=[(1, 2), (2, 1)], gold_quota=1, certificate_quota=1,
                               min_score=None)
    assert resolved.order == [2, 1, 3]
    assert resolved.ranks == {2: 1, 1: 2, 3: 3}
    assert resolved.tiers == {2: Tier.GOLD, 1: Tier.CERTIFICATE, 3: None}
    assert resolved.ties[0].resolved is True


def test_ranking_tie_inside_one_tier_does_not_block():
    candidates = [RankCandidate(1, D("90.00")), RankCandidate(2, D("75.00")), RankCandidate(3, D("75.00"))]
    ranking = rank_candidates(candidates, gold_quota=1, certificate_quota=2, min_score=None)
    assert ranking.tiers == {1: Tier.GOLD, 2: Tier.CERTIFICATE, 3: Tier.CERTIFICATE}
    assert ranking.ties[0].blocking is True  # tiered positions: ranks of award holders must be decided


def test_ranking_tie_below_tiers_does_not_block():
    candidates = [RankCandidate(1, D("90.00")), RankCandidate(2, D("50.00")), RankCandidate(3, D("50.00"))]
    ranking = rank_candidates(candidates, gold_quota=1, certificate_quota=0, min_score=None)
    assert ranking.ties[0].blocking is False


def test_ranking_a_resolution_of_another_set_is_ignored():
    candidates = [RankCandidate(1, D("75.00")), RankCandidate(2, D("75.00")), RankCandidate(3, D("75.00"))]
    ranking = rank_candidates(candidates, tie_orders=[(2, 1)], gold_quota=1, certificate_quota=0, min_score=None)
    assert ranking.ties[0].resolved is False


def test_tiers_respect_minimum_score():
    candidates = [RankCandidate(1, D("80.00")), RankCandidate(2, D("59.99")), RankCandidate(3, D("60.00"))]
    ranking = rank_candidates(candidates, gold_quota=1, certificate_quota=3, min_score=D(60))
    assert ranking.tiers == {1: Tier.GOLD, 3: Tier.CERTIFICATE, 2: None}


def _winners_only_case(**overrides) -> CategoryInput:
    """One committee of three members (100, 101, 102), one criterion out of 10, weight 1."""
    base = dict(
        nominees=[NomineeInput(1), NomineeInput(2), NomineeInput(3, ineligible_reason="بدهی مالیاتی")],
        committees=[CommitteeSpec("winners", D(1), members=frozenset({100, 101, 102}))],
        criteria=[CriterionSpec(1, "winners", D(10), D(1))],
        sheets=[],
        gold_quota=1, certificate_quota=1,
    )
    base.update(overrides)
    return CategoryInput(**base)


def _sheets(rows):
    ids = itertools.count(1)
    return [SheetInput(next(ids), nom, "winners", member, {1: D(value)}) for nom, member, value in rows]


def test_conflicted_sheet_never_counts_even_if_written_first():
    # Nominee 1: sheets 9, 8, 2 (member 102 conflicted). Without 102: expected = {100, 101}, q = 2,
    # C = (90 + 80) / 2 = 85. With 102 counted it would be (90+80+20)/3 = 63.33.
    case = _winners_only_case(sheets=_sheets([(1, 100, 9), (1, 101, 8), (1, 102, 2), (2, 100, 5), (2, 101, 5),
                                              (2, 102, 5)]), conflicts=frozenset({(1, 102)}))
    result = compute_category(case)
    first = result.nominee(1)
    assert first.committees["winners"].raw == D(85)
    assert first.committees["winners"].expected == (100, 101)
    assert first.committees["winners"].quorum == 2


def test_incomplete_nominee_is_flagged_with_committee_and_not_ranked():
    case = _winners_only_case(sheets=_sheets([(1, 100, 9), (1, 101, 8), (1, 102, 7), (2, 100, 5), (2, 101, 5)]))
    result = compute_category(case)
    assert result.nominee(2).is_incomplete
    assert result.nominee(2).incomplete == ("winners",)
    assert result.nominee(2).rank is None
    assert result.nominee(1).rank == 1 and result.nominee(1).tier is Tier.GOLD
    assert result.nominee(3).ineligible and result.nominee(3).rank is None
    assert [n.id for n in result.nominees] == [1, 2, 3]
    assert result.stats["winners"].missing == {102: (2,)}  # the ineligible nominee needs no more sheets


def test_committee_without_criteria_or_weight_does_not_enter_final():
    case = _winners_only_case(
        committees=[CommitteeSpec("winners", D(1), members=frozenset({100, 101, 102})),
                    CommitteeSpec("oversight", D(0), members=frozenset({200})),
                    CommitteeSpec("media", D(5), members=frozenset({300}))],
        sheets=_sheets([(1, 100, 9), (1, 101, 8), (1, 102, 7)]),
    )
    result = compute_category(case)
    assert result.committees == ["winners"]
    assert result.nominee(1).final == D(80)


# ---------------------------------------------------------------------------------------------------------------
# A plain reference implementation of PROCESS.md (loops and fractions), for the property tests
# ---------------------------------------------------------------------------------------------------------------

REF_PREC = 60


def ref_decimal(value: Fraction) -> Decimal:
    with localcontext(prec=REF_PREC):
        return Decimal(value.numerator) / Decimal(value.denominator)


def ref_sqrt(value: Fraction) -> Decimal:
    with localcontext(prec=REF_PREC):
        return ref_decimal(value).sqrt()


def ref_round2(value) -> Fraction:
    decimal = ref_decimal(value) if isinstance(value, Fraction) else value
    return Fraction(decimal.quantize(D("0.01"), rounding=ROUND_HALF_UP))


def ref_mean(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)


def ref_aggregate(values, method):
    values = sorted(values)
    if method == "median":
        n = len(values)
        if n % 2 == 1:
            return values[n // 2]
        return (values[n // 2 - 1] + values[n // 2]) / 2
    if method == "trimmed_mean" and len(values) >= 5:
        return ref_mean(values[1:-1])
    return ref_mean(values)


def reference(case: CategoryInput):
    """Return {nominee id: {"raw": {code: x}, "norm": {code: x}, "final": x, "incomplete": set, "rank", "tier"}}."""
    committees_with_criteria = []
    for spec in case.committees:
        crits = [c for c in case.criteria if c.committee == spec.code]
        if crits:
            committees_with_criteria.append((spec, crits))

    out = {}
    for nominee in case.nominees:
        out[nominee.id] = {"raw": {}, "norm": {}, "final": None, "incomplete": set(), "rank": None, "tier": None}
    for spec, crits in committees_with_criteria:
        _ref_committee(case, spec, crits, out)
    _ref_finals(case, committees_with_criteria, out)
    _ref_rank(case, committees_with_criteria, out)
    return out


def _ref_committee(case: CategoryInput, spec, crits, out) -> None:
    """One committee's raw (and normalised) C_K per nominee, into ``out``."""
    nominee_ids = [n.id for n in case.nominees]
    # who is expected on which nominee
    expected = {}
    for nid in nominee_ids:
        if spec.reviewers_per_nomination is None:
            pool = list(spec.members)
        else:
            pool = [m for (n, code, m) in case.assignments if n == nid and code == spec.code]
        expected[nid] = [m for m in pool if (nid, m) not in case.conflicts]
    counted = _ref_counted(case, spec, crits, expected)
    mapped = _ref_normalised(counted) if spec.normalise and counted else {}
    for nid in nominee_ids:
        scores = [counted[(nid, m)] for m in expected[nid] if (nid, m) in counted]
        q = spec.quorum if spec.quorum is not None else min(3, len(expected[nid]))
        q = max(q, 1)
        if len(scores) >= q:
            out[nid]["raw"][spec.code] = ref_aggregate(scores, spec.aggregation)
            if spec.normalise:
                with localcontext(prec=REF_PREC):
                    out[nid]["norm"][spec.code] = ref_aggregate(
                        [mapped[(nid, m)] for m in expected[nid] if (nid, m) in counted], spec.aggregation)


def _ref_counted(case: CategoryInput, spec, crits, expected):
    """Counted sheets, exact: {(nomination, member): S} as Fractions."""
    counted = {}
    for sheet in case.sheets:
        if sheet.committee != spec.code or sheet.nomination_id not in expected:
            continue
        if sheet.member_id not in expected[sheet.nomination_id]:
            continue
        if any(c.id not in sheet.values for c in crits):
            continue
        num = Fraction(0)
        den = Fraction(0)
        for c in crits:
            num += Fraction(c.weight) * Fraction(sheet.values[c.id]) / Fraction(c.max_points)
            den += Fraction(c.weight)
        counted[(sheet.nomination_id, sheet.member_id)] = 100 * num / den
    return counted


def _ref_normalised(counted):
    """Normalised sheets (Decimal at high precision: square roots)."""
    mapped = {}
    everything = list(counted.values())
    pool_mean = ref_mean(everything)
    pool_var = ref_mean([(x - pool_mean) ** 2 for x in everything])
    pool_sd = ref_sqrt(pool_var)
    members = {m for (_n, m) in counted}
    for member in members:
        own = {key: x for key, x in counted.items() if key[1] == member}
        if len(own) < 3:
            for key, x in own.items():
                mapped[key] = ref_decimal(x)
            continue
        own_mean = ref_mean(list(own.values()))
        own_var = ref_mean([(x - own_mean) ** 2 for x in own.values()])
        for key, x in own.items():
            with localcontext(prec=REF_PREC):
                z = D(0) if own_var == 0 else (ref_decimal(x) - ref_decimal(own_mean)) / ref_sqrt(own_var)
                value = ref_decimal(pool_mean) + z * pool_sd
            mapped[key] = min(D(100), max(D(0), value))
    return mapped


def _ref_finals(case: CategoryInput, committees_with_criteria, out) -> None:
    """F over the weighted committees."""
    for nominee in case.nominees:
        row = out[nominee.id]
        total = Fraction(0)
        weight = Fraction(0)
        for spec, _crits in committees_with_criteria:
            if spec.weight <= 0:
                continue
            c = row["norm"].get(spec.code) if spec.normalise else row["raw"].get(spec.code)
            if c is None:
                row["incomplete"].add(spec.code)
                continue
            total += Fraction(spec.weight) * Fraction(c)
            weight += Fraction(spec.weight)
        if weight > 0 and not row["incomplete"]:
            row["final"] = total / weight


def _ref_rank(case: CategoryInput, committees_with_criteria, out) -> None:
    """Rank by F (2 decimals), then the winners score (2 decimals, missing last); tiers by quota and minimum."""
    entries = _ref_entries(case, committees_with_criteria, out)
    entries.sort(key=lambda e: (-e[1], e[2] is None, -(e[2] or 0), e[0]))
    groups = []
    for entry in entries:
        if groups and (groups[-1][0][1], groups[-1][0][2]) == (entry[1], entry[2]):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    position = 0
    qualified = 0
    for group in groups:
        ids = [e[0] for e in group]
        resolved = len(group) == 1
        if len(group) > 1:
            for order in reversed(list(case.tie_orders)):
                if sorted(order) == sorted(ids):
                    ids = list(order)
                    resolved = True
                    break
        tiers_here = []
        for offset, nid in enumerate(ids):
            position += 1
            out[nid]["rank"] = position if resolved else position - offset
            tier = None
            if case.min_score is None or group[0][1] >= Fraction(case.min_score):
                if qualified < case.gold_quota:
                    tier = Tier.GOLD
                elif qualified < case.gold_quota + case.certificate_quota:
                    tier = Tier.CERTIFICATE
                qualified += 1
            tiers_here.append(tier)
        for nid, tier in zip(ids, tiers_here, strict=True):
            out[nid]["tier"] = tier if resolved or len(set(tiers_here)) == 1 else None


def _ref_entries(case: CategoryInput, committees_with_criteria, out) -> list[tuple]:
    """Rankable: eligible and complete, as (id, F to 2 decimals, winners score to 2 decimals or None)."""
    entries = []
    for nominee in case.nominees:
        row = out[nominee.id]
        if nominee.ineligible_reason is not None or row["final"] is None:
            continue
        winners_spec = next((s for s, _ in committees_with_criteria if s.code == "winners"), None)
        w = None
        if winners_spec is not None:
            w = row["norm"].get("winners") if winners_spec.normalise else row["raw"].get("winners")
        entries.append((nominee.id, ref_round2(row["final"]), None if w is None else ref_round2(Fraction(w))))
    return entries


# ---------------------------------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------------------------------

CODES = ["winners", "finance", "media"]
MAX_POINTS = [D(5), D(10), D(20), D("7.5")]
WEIGHTS = [D(1), D(2), D(3), D("0.5")]
COMMITTEE_WEIGHTS = [D(0), D(1), D(2), D("1.5"), D(3)]


@st.composite
def category_inputs(draw, *, normalise=None, coarse=None):
    member_ids = itertools.count(100)
    criterion_ids = itertools.count(1)
    sheet_ids = itertools.count(1)
    coarse = draw(st.booleans()) if coarse is None else coarse
    nominees = [NomineeInput(i, ineligible_reason=draw(st.sampled_from([None, None, None, "رد انطباق"])))
                for i in range(1, draw(st.integers(1, 8 if coarse else 6)) + 1)]
    committees, criteria, sheets = [], [], []
    conflicts, assignments = set(), set()
    # Coarse cases (few values, one criterion, nearly every sheet written) make ties common.
    for code in CODES[:draw(st.integers(1, 2 if coarse else 3))]:
        members = [next(member_ids) for _ in range(draw(st.integers(1, 6)))]
        crits = [CriterionSpec(next(criterion_ids), code, draw(st.sampled_from(MAX_POINTS)),
                               draw(st.sampled_from(WEIGHTS)))
                 for _ in range(1 if coarse else draw(st.integers(0 if code != "winners" else 1, 3)))]
        criteria += crits
        k = None if coarse else draw(st.sampled_from([None, None, 2]))
        spec = CommitteeSpec(
            code, weight=draw(st.sampled_from(COMMITTEE_WEIGHTS)) if code != "winners" else D(3),
            aggregation=draw(st.sampled_from(list(Aggregation))), quorum=draw(st.sampled_from([None, None, 1, 2, 4])),
            normalise=draw(st.booleans()) if normalise is None else normalise, reviewers_per_nomination=k,
            members=frozenset(members))
        committees.append(spec)
        for nominee in nominees:
            if k is not None:
                for member in draw(st.lists(st.sampled_from(members), max_size=3, unique=True)):
                    assignments.add((nominee.id, code, member))
            for member in [*members, 999]:  # 999 sits on no committee: its sheets never count
                if not draw(st.integers(0, 19 if coarse else 4)):
                    continue
                if draw(st.integers(0, 9)) == 0:
                    conflicts.add((nominee.id, member))
                values = {}
                for c in crits:
                    if coarse:
                        values[c.id] = draw(st.sampled_from([D(0), c.max_points / 2, c.max_points]))
                    else:
                        values[c.id] = D(draw(st.integers(0, int(c.max_points * 2)))) / 2
                if values and draw(st.integers(0, 19)) == 0:
                    values.pop(next(iter(values)))  # an incomplete sheet never counts
                sheets.append(SheetInput(next(sheet_ids), nominee.id, code, member, values))
    return CategoryInput(
        nominees=nominees, committees=committees, criteria=criteria, sheets=sheets,
        conflicts=frozenset(conflicts), assignments=frozenset(assignments),
        gold_quota=draw(st.integers(0, 2)), certificate_quota=draw(st.integers(0, 3)),
        min_score=draw(st.sampled_from([None, D(0), D(50), D("62.5")])),
    )


TOLERANCE = D("1e-20")


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    b = ref_decimal(b) if isinstance(b, Fraction) else b
    with localcontext(prec=REF_PREC):
        return abs(a - b) < TOLERANCE


def assert_matches_reference(case: CategoryInput):
    result = compute_category(case)
    expected = reference(case)
    for nominee in case.nominees:
        got, want = result.nominee(nominee.id), expected[nominee.id]
        for code, cs in got.committees.items():
            assert close(cs.raw, want["raw"].get(code)), (nominee.id, code, "raw")
            if cs.normalising:
                assert close(cs.normalised, want["norm"].get(code)), (nominee.id, code, "normalised")
        assert close(got.final, want["final"]), (nominee.id, "F")
        if not nominee.ineligible:
            assert set(got.incomplete) == want["incomplete"], nominee.id
        assert got.rank == want["rank"], (nominee.id, "rank")
        assert got.tier == want["tier"], (nominee.id, "tier")
    return result


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(category_inputs())
def test_category_matches_reference(case):
    assert_matches_reference(case)


@PROPERTY_SETTINGS
@given(category_inputs(normalise=True))
def test_normalised_category_matches_reference(case):
    assert_matches_reference(case)


@PROPERTY_SETTINGS
@given(category_inputs(coarse=True))
def test_ties_are_flagged_and_the_chairs_order_is_applied(case):
    first = assert_matches_reference(case)
    for tie in first.ties:
        assert len(tie.nomination_ids) >= 2
        assert len({first.nominee(n).rank for n in tie.nomination_ids}) == 1
    orders = [tuple(reversed(t.nomination_ids)) for t in first.ties]
    case.tie_orders = orders
    second = assert_matches_reference(case)
    assert second.unresolved_ties == []
    assert second.blocking_ties == []
    for order in orders:
        positions = [second.ranked.index(second.nominee(n)) for n in order]
        assert positions == sorted(positions)
    ranks = [n.rank for n in second.ranked]
    assert ranks == list(range(1, len(ranks) + 1))


@PROPERTY_SETTINGS
@given(category_inputs())
def test_scores_stay_within_bounds_and_tiers_respect_quotas(case):
    result = compute_category(case)
    for nominee in result.nominees:
        for cs in nominee.committees.values():
            for value in (cs.raw, cs.normalised):
                assert value is None or D(0) <= value <= D(100)
            assert cs.sheets >= cs.quorum or cs.raw is None
        if nominee.final is not None:
            assert D(0) <= nominee.final <= D(100)
    tiers = [n.tier for n in result.nominees if n.tier is not None]
    assert tiers.count(Tier.GOLD) <= case.gold_quota
    assert tiers.count(Tier.CERTIFICATE) <= case.certificate_quota
    assert all(n.rank is None for n in result.nominees if n.ineligible)


@PROPERTY_SETTINGS
@given(st.lists(st.integers(0, 200), min_size=1, max_size=9), st.sampled_from(list(Aggregation)))
def test_aggregate_matches_reference(halves, method):
    values = [D(h) / 2 for h in halves]
    assert close(aggregate(values, method), ref_aggregate([Fraction(h, 2) for h in halves], method))


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.sampled_from([1, 2, 3]), st.integers(0, 200)), min_size=1, max_size=12))
def test_normalisation_preserves_pool_mean_for_normalised_members(rows):
    sheets = [(member, index, D(h) / 2) for index, (member, h) in enumerate(rows)]
    mapped = normalise_pool(sheets)
    assert set(mapped) == {key for _m, key, _s in sheets}
    for member in {1, 2, 3}:
        own = [key for m, key, _s in sheets if m == member]
        if len(own) < 3:
            assert all(mapped[key] == next(s for _m, k, s in sheets if k == key) for key in own)


@pytest.mark.parametrize("method", list(Aggregation))
def test_aggregate_single_sheet_is_that_sheet(method):
    assert aggregate([D("66.5")], method) == D("66.5")


# --- expected reviewers: the assignments indexed once (issue 14: the scan per nominee was quadratic) ---------

_assignment = st.tuples(st.integers(1, 6), st.sampled_from(["winners", "media"]), st.integers(100, 104))


@given(assignments=st.frozensets(_assignment, max_size=40),
       conflicts=st.frozensets(st.tuples(st.integers(1, 6), st.integers(100, 104)), max_size=8))
def test_expected_reviewers_from_the_index_equal_a_scan_of_every_assignment(assignments, conflicts):
    from awards.evaluation.scoring import CategoryInput, assigned_reviewers, expected_reviewers

    inp = CategoryInput(nominees=[], committees=[], criteria=[], sheets=[], conflicts=conflicts,
                        assignments=assignments)
    index = assigned_reviewers(inp)
    for code in ("winners", "media"):
        spec = CommitteeSpec(code, D(1), reviewers_per_nomination=2, members=frozenset(range(100, 105)))
        for nomination_id in range(1, 7):
            scanned = sorted(m for (n, c, m) in assignments
                             if n == nomination_id and c == code and (nomination_id, m) not in conflicts)
            assert list(expected_reviewers(spec, nomination_id, inp, index)) == scanned
            assert list(expected_reviewers(spec, nomination_id, inp)) == scanned
