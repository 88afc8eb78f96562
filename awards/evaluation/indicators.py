"""Points of a computed criterion from an indicator's figure, as pure functions over Decimal: no database, no Flask.

The rules (PROCESS.md, «Indicators»), and the choices made where it leaves room:

* Banded table: the points of the first band (in table order) whose limits hold the figure. A band's lower and
  upper limits are each inclusive or exclusive, and either may be open (None: no bound on that side). A figure
  in no band gets 0 points, and so does a missing figure.
* Linear scale with a cap: ``(figure - origin) * slope``, clamped to [0, m_c]: below the origin nothing, and
  never more than the criterion's maximum.
* Whatever the table says, the points are clamped to [0, m_c] and rounded half up to two decimals, so computed
  points never exceed the criterion's maximum (the rubric also refuses a band worth more than the maximum).
  Rounding is monotone, so a table whose points rise with its limits gives points that never fall as the
  figure rises.
* Only a *verified* figure scores (``awards.evaluation.scoring``: a computed criterion without a verified figure
  leaves every sheet of its committee on that nominee short of a value, so the nominee is incomplete).
* A computed criterion's points sit in each counted sheet of its committee as if the member had typed them, so
  S, C_K, normalisation, F and ties are those of the national machinery, unchanged. The part of F that comes from
  computed criteria (:func:`computed_share`) is the same in every sheet: with the mean, median or trimmed mean it
  is exactly the computed part of C_K; with severity normalisation the judged part absorbs the normalisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from awards.enums import IndicatorRule

PRECISION = 40
TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Band:
    """Points for figures between ``lower`` and ``upper`` (None: open on that side)."""

    lower: Decimal | None
    upper: Decimal | None
    points: Decimal
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, figure: Decimal) -> bool:
        if self.lower is not None and (figure < self.lower or (figure == self.lower and not self.lower_inclusive)):
            return False
        return not (self.upper is not None
                    and (figure > self.upper or (figure == self.upper and not self.upper_inclusive)))


@dataclass(frozen=True)
class Rule:
    """How one computed criterion scores: a banded table, or a linear scale capped at ``max_points``."""

    kind: IndicatorRule
    max_points: Decimal
    bands: tuple[Band, ...] = ()
    origin: Decimal | None = None
    slope: Decimal | None = None


def _clamp(points: Decimal, cap: Decimal) -> Decimal:
    return min(cap, max(ZERO, points)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_points(figure: Decimal, bands: Iterable[Band]) -> Decimal:
    """The points of the first band holding ``figure``; 0 when none does."""
    return next((band.points for band in bands if band.contains(figure)), ZERO)


def linear_points(figure: Decimal, *, origin: Decimal, slope: Decimal, cap: Decimal) -> Decimal:
    """``(figure - origin) * slope`` within [0, cap]."""
    with localcontext(prec=PRECISION):
        return _clamp((Decimal(figure) - origin) * slope, cap)


def points(rule: Rule, figure: Decimal | None) -> Decimal:
    """The criterion's points for ``figure`` (0 for none), within [0, m_c], at two decimals."""
    if figure is None:
        return ZERO
    if rule.kind is IndicatorRule.LINEAR:
        return linear_points(figure, origin=rule.origin or ZERO, slope=rule.slope or ZERO, cap=rule.max_points)
    return _clamp(band_points(Decimal(figure), rule.bands), rule.max_points)


#: What :func:`band_problems` can find, by key (the service turns each into a Persian message).
OVERLAP, ABOVE_MAX, EMPTY = "overlap", "above_max", "empty"


def band_problems(bands: Sequence[Band], max_points: Decimal) -> list[tuple[int, str]]:
    """(index, problem) of bands that hold no figure, are worth more than m_c, or overlap an earlier band."""
    problems: list[tuple[int, str]] = []
    for index, band in enumerate(bands):
        if band.points > max_points:
            problems.append((index, ABOVE_MAX))
        if band.lower is not None and band.upper is not None and (
                band.lower == band.upper and not (band.lower_inclusive and band.upper_inclusive)):
            problems.append((index, EMPTY))
        elif any(_overlap(other, band) for other in bands[:index]):
            problems.append((index, OVERLAP))
    return problems


def _overlap(a: Band, b: Band) -> bool:
    """Some figure lies in both bands."""
    return not (_before(a, b) or _before(b, a))


def _before(a: Band, b: Band) -> bool:
    """Every figure of ``a`` lies below every figure of ``b``."""
    if a.upper is None or b.lower is None:
        return False
    return a.upper < b.lower or (a.upper == b.lower and not (a.upper_inclusive and b.lower_inclusive))


def computed_share(criteria: Sequence[tuple[int, str, Decimal, Decimal]], computed: Mapping[int, Decimal],
                   weights: Mapping[str, Decimal]) -> Decimal | None:
    """The part of F that comes from computed criteria, from ``criteria`` as (id, committee, m_c, w_c).

    ``computed`` maps a computed criterion's id to its points; ``weights`` are the W_K entering F. Each
    committee's computed part is ``100 * sum(w_c * p_c / m_c) / sum(w_c)`` over its computed and judged criteria.
    None when no committee enters F; 0 when nothing is computed.
    """
    total_weight = sum(weights.values(), ZERO)
    if total_weight <= 0:
        return None
    with localcontext(prec=PRECISION):
        share = ZERO
        for code, committee_weight in weights.items():
            own = [c for c in criteria if c[1] == code]
            criteria_weight = sum((w for _id, _code, _m, w in own), ZERO)
            if not criteria_weight:
                continue
            part = sum((w * computed[cid] / m for cid, _code, m, w in own if cid in computed), ZERO)
            share += committee_weight * HUNDRED * part / criteria_weight
        return share / total_weight
