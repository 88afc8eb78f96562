"""Points from an indicator: the banded table at every edge, the capped linear scale, and Hypothesis properties
against a Fraction reference; and how verified points enter the category's scoring."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards.enums import IndicatorRule
from awards.evaluation.indicators import (
    ABOVE_MAX,
    EMPTY,
    OVERLAP,
    Band,
    Rule,
    band_points,
    band_problems,
    computed_share,
    linear_points,
    points,
)
from awards.evaluation.scoring import (
    CategoryInput,
    CommitteeSpec,
    CriterionSpec,
    NomineeInput,
    SheetInput,
    compute_category,
)

D = Decimal

#: Sales growth of the 1404 table: over 40% -> 8, 25..40 -> 6, 15..25 -> 4, 5..15 -> 2, under 5 -> 1.
GROWTH = (
    Band(D(40), None, D(8), lower_inclusive=False),
    Band(D(25), D(40), D(6), lower_inclusive=True, upper_inclusive=True),
    Band(D(15), D(25), D(4), lower_inclusive=True, upper_inclusive=False),
    Band(D(5), D(15), D(2), lower_inclusive=False, upper_inclusive=False),
    Band(None, D(5), D(1), upper_inclusive=True),
)


@pytest.mark.parametrize(("figure", "expected"), [
    # over 40 (exclusive): 40 itself belongs to the band below, which includes it.
    ("40.01", 8), ("40", 6), ("1000", 8),
    # 25 to 40, both inclusive.
    ("25", 6), ("39.99", 6),
    # 15 inclusive to 25 exclusive.
    ("15", 4), ("24.99", 4),
    # 5 exclusive to 15 exclusive: 15 is taken by the band above, 5 by the band below.
    ("14.99", 2), ("5.01", 2),
    # up to 5 inclusive, open below (growth may be negative).
    ("5", 1), ("0", 1), ("-30", 1),
])
def test_banded_table_at_every_edge(figure, expected):
    assert band_points(D(figure), GROWTH) == D(expected)
    assert points(Rule(IndicatorRule.BANDS, D(8), GROWTH), D(figure)) == D(expected)


def test_exclusive_limits_on_both_sides_leave_the_edges_to_no_band():
    bands = (Band(D(0), D(10), D(3), lower_inclusive=False, upper_inclusive=False),)
    assert [band_points(D(x), bands) for x in ("0", "0.01", "9.99", "10")] == [0, 3, 3, 0]


def test_inclusive_limits_on_both_sides_hold_the_edges():
    bands = (Band(D(0), D(10), D(3), lower_inclusive=True, upper_inclusive=True),)
    assert [band_points(D(x), bands) for x in ("-0.01", "0", "10", "10.01")] == [0, 3, 3, 0]


def test_figure_in_no_band_and_missing_figure_get_nothing():
    bands = (Band(D(100), None, D(4)),)
    assert points(Rule(IndicatorRule.BANDS, D(4), bands), D(99)) == 0
    assert points(Rule(IndicatorRule.BANDS, D(4), bands), None) == 0


def test_band_worth_more_than_the_maximum_is_capped():
    assert points(Rule(IndicatorRule.BANDS, D(5), (Band(None, None, D(9)),)), D(1)) == D(5)


def test_linear_scale_worked_example():
    # Exports in thousand USD: 0.8 points per million from 0, capped at 4 -> 2,500 k$ = 2 points, 6,000 k$ = 4.
    rule = Rule(IndicatorRule.LINEAR, D(4), origin=D(0), slope=D("0.0008"))
    assert points(rule, D(2500)) == D(2)
    assert points(rule, D(6000)) == D(4)
    assert points(rule, D(-10)) == D(0)
    assert linear_points(D("1234.5"), origin=D(0), slope=D("0.0008"), cap=D(4)) == D("0.99")


def test_band_problems_find_overlap_empty_band_and_points_above_max():
    bands = [Band(D(0), D(10), D(2), upper_inclusive=True), Band(D(10), D(20), D(3)),
             Band(D(5), D(5), D(1)), Band(D(20), None, D(9))]
    assert band_problems(bands, D(8)) == [(1, OVERLAP), (2, EMPTY), (3, ABOVE_MAX)]
    assert band_problems(list(GROWTH), D(8)) == []


def test_computed_share_worked_example():
    # Finance: computed growth m=8 w=1 at 6 points, judged m=10 w=1. Part of C = 100 * (1*6/8) / 2 = 37.5.
    # Winners (no computed) and finance weigh 1 each: share of F = 37.5 / 2 = 18.75.
    criteria = [(1, "finance", D(8), D(1)), (2, "finance", D(10), D(1)), (3, "winners", D(10), D(1))]
    assert computed_share(criteria, {1: D(6)}, {"finance": D(1), "winners": D(1)}) == D("18.75")
    assert computed_share(criteria, {}, {"finance": D(1)}) == 0


# ---------------------------------------------------------------------------------------------------------------
# Properties, against a reference reading of the rule in Fractions
# ---------------------------------------------------------------------------------------------------------------


def ref_points(bands, figure: Fraction, cap: Fraction) -> Fraction:
    for lower, upper, pts, lower_inc, upper_inc in bands:
        above = lower is None or figure > lower or (lower_inc and figure == lower)
        below = upper is None or figure < upper or (upper_inc and figure == upper)
        if above and below:
            return min(cap, max(Fraction(0), pts))
    return Fraction(0)


figures = st.decimals(min_value=-1000, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
halves = st.integers(min_value=0, max_value=40).map(lambda n: D(n) / 2)


@st.composite
def banded_tables(draw, *, rising: bool):
    """A table partitioning the whole line at sorted cuts; each cut belongs to exactly one side."""
    cuts = sorted(set(draw(st.lists(figures, min_size=0, max_size=6))))
    values = draw(st.lists(halves, min_size=len(cuts) + 1, max_size=len(cuts) + 1))
    if rising:
        values = sorted(values)
    cut_goes_up = draw(st.lists(st.booleans(), min_size=len(cuts), max_size=len(cuts)))
    limits = [None, *cuts, None]
    bands = []
    for i, value in enumerate(values):
        lower_inc = i > 0 and cut_goes_up[i - 1]
        upper_inc = i < len(cuts) and not cut_goes_up[i]
        bands.append(Band(limits[i], limits[i + 1], value, lower_inclusive=lower_inc, upper_inclusive=upper_inc))
    return tuple(draw(st.permutations(bands)))


@given(banded_tables(rising=False), figures, halves.filter(lambda m: m > 0))
def test_points_never_exceed_the_maximum_and_match_the_reference(bands, figure, cap):
    got = points(Rule(IndicatorRule.BANDS, cap, bands), figure)
    assert 0 <= got <= cap
    ref = ref_points([(None if b.lower is None else Fraction(b.lower), None if b.upper is None else Fraction(b.upper),
                       Fraction(b.points), b.lower_inclusive, b.upper_inclusive) for b in bands],
                     Fraction(figure), Fraction(cap))
    assert Fraction(got) == ref


@given(banded_tables(rising=True), figures, figures, halves.filter(lambda m: m > 0))
def test_points_are_monotone_in_the_figure_when_the_bands_are(bands, a, b, cap):
    low, high = sorted((a, b))
    rule = Rule(IndicatorRule.BANDS, cap, bands)
    assert points(rule, low) <= points(rule, high)
    assert band_problems(list(bands), D(20)) == []


@given(figures, figures, st.decimals(min_value=D("0.0001"), max_value=10, places=4), halves.filter(lambda m: m > 0),
       figures)
def test_linear_points_are_capped_and_monotone(a, b, slope, cap, origin):
    low, high = sorted((a, b))
    rule = Rule(IndicatorRule.LINEAR, cap, origin=origin, slope=slope)
    assert 0 <= points(rule, low) <= points(rule, high) <= cap


# ---------------------------------------------------------------------------------------------------------------
# In the category's scoring
# ---------------------------------------------------------------------------------------------------------------


def _case(**overrides) -> CategoryInput:
    """Finance scores nominee 1 with a judged criterion (10) and a computed one (growth, 8)."""
    fields = dict(
        nominees=[NomineeInput(1)],
        committees=[CommitteeSpec("finance", D(1), members=frozenset({10, 11}))],
        criteria=[CriterionSpec(1, "finance", D(10), D(1)), CriterionSpec(2, "finance", D(8), D(1))],
        sheets=[SheetInput(100, 1, "finance", 10, {1: D(5)}), SheetInput(101, 1, "finance", 11, {1: D(7)})],
        computed_criteria=frozenset({2}),
    )
    fields.update(overrides)
    return CategoryInput(**fields)


def test_unverified_computed_criterion_leaves_the_nominee_incomplete():
    result = compute_category(_case())
    nominee = result.nominee(1)
    assert nominee.final is None
    assert nominee.incomplete == ("finance",)
    assert nominee.unverified == (2,)


def test_verified_points_enter_every_counted_sheet_of_the_committee():
    # Sheets: 100*(5/10 + 6/8)/2 = 62.5 and 100*(7/10 + 6/8)/2 = 72.5; the mean is 67.5.
    nominee = compute_category(_case(indicator_points={(1, 2): D(6)})).nominee(1)
    assert nominee.final == D("67.5")
    assert nominee.unverified == ()
    assert nominee.rank == 1


def test_a_typed_value_for_a_computed_criterion_is_ignored():
    sheets = [SheetInput(100, 1, "finance", 10, {1: D(5), 2: D(0)}), SheetInput(101, 1, "finance", 11, {1: D(7)})]
    assert compute_category(_case(sheets=sheets, indicator_points={(1, 2): D(6)})).nominee(1).final == D("67.5")


def test_without_computed_criteria_nothing_changes():
    plain = _case(criteria=[CriterionSpec(1, "finance", D(10), D(1))], computed_criteria=frozenset())
    assert compute_category(plain).nominee(1).final == D(60)
