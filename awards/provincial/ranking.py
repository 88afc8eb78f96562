"""A province's ranking in one category on the provincial rubric, computed by the national rules.

The input is built from the provincial tables and handed to :func:`awards.evaluation.scoring.compute_category`
unchanged: one "committee" (``provincial``: the province's working group, weight 1, mean of the sheets, the
default quorum of 3 or every member when fewer), the category's provincial criteria, the submitted provincial
sheets and the active conflicts. Ties are broken by the group's own score, which is F itself, so equal scores stay
a tie (the chair may forward either; only a dossier ranked strictly below an unforwarded one needs a
justification). No tiers: a provincial ranking awards nothing by itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.enums import NominationState, SheetState
from awards.evaluation.conflicts import conflicted_pairs
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
from awards.models import Category, Nomination, ProvincialGroup, ProvincialScore, ProvincialSheet
from awards.provincial.sheets import criteria_of

GROUP = "provincial"
#: Dossiers in a province's ranking: every one that was submitted and not withdrawn.
POOL_STATES = frozenset(set(NominationState) - {NominationState.DRAFT, NominationState.WITHDRAWN})


@dataclass
class Ranking:
    category: Category
    nominations: dict[int, Nomination]
    result: CategoryResult

    def rows(self) -> list[tuple[Nomination, NomineeResult]]:
        return [(self.nominations[r.id], r) for r in self.result.nominees]

    def rank_of(self, nomination_id: int) -> int | None:
        return self.result.nominee(nomination_id).rank


def provincial_ranking(session: Session, *, group: ProvincialGroup, category: Category) -> Ranking:
    """Rank the group's province's dossiers in ``category`` on the provincial rubric."""
    nominations = {n.id: n for n in session.scalars(
        select(Nomination).where(Nomination.category_id == category.id, Nomination.province_id == group.province_id,
                                 Nomination.state.in_(POOL_STATES)).order_by(Nomination.id))}
    criteria = criteria_of(session, category_id=category.id)
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    sheets = {}
    if nominations:
        for sheet in session.scalars(select(ProvincialSheet).where(
                ProvincialSheet.nomination_id.in_(nominations), ProvincialSheet.state == SheetState.SUBMITTED)):
            sheets[sheet.id] = sheet
        for sheet_id, criterion_id, value in session.execute(
                select(ProvincialScore.sheet_id, ProvincialScore.criterion_id, ProvincialScore.value)
                .where(ProvincialScore.sheet_id.in_(sheets or [0]))):
            values[sheet_id][criterion_id] = value
    result = compute_category(CategoryInput(
        nominees=[NomineeInput(nid) for nid in nominations],
        committees=[CommitteeSpec(code=GROUP, weight=Decimal(1), members=group.member_ids)],
        criteria=[CriterionSpec(c.id, GROUP, c.max_points, c.weight) for c in criteria],
        sheets=[SheetInput(s.id, s.nomination_id, GROUP, s.member_id, values[s.id]) for s in sheets.values()],
        conflicts=frozenset(conflicted_pairs(session, nomination_ids=list(nominations))),
        gold_quota=0, certificate_quota=0, winners_code=GROUP,
    ))
    return Ranking(category=category, nominations=nominations, result=result)
