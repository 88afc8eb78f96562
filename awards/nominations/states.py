"""The nomination state machine as data: which action moves which states, who may, and when."""

from __future__ import annotations

from dataclasses import dataclass

from awards.enums import NominationAction as A
from awards.enums import NominationState as S


@dataclass(frozen=True)
class Edge:
    sources: frozenset[S]
    target: S
    needs_reason: bool = False


EDGES: dict[A, Edge] = {
    A.SUBMIT: Edge(frozenset({S.DRAFT}), S.SUBMITTED),
    A.RETURN: Edge(frozenset({S.SUBMITTED}), S.DRAFT, needs_reason=True),
    A.ACCEPT: Edge(frozenset({S.SUBMITTED}), S.IN_EVALUATION),
    A.WITHDRAW: Edge(frozenset({S.DRAFT, S.SUBMITTED}), S.WITHDRAWN),
    A.FAIL_COMPLIANCE: Edge(frozenset({S.IN_EVALUATION, S.SHORTLISTED}), S.INELIGIBLE, needs_reason=True),
    A.SHORTLIST: Edge(frozenset({S.IN_EVALUATION}), S.SHORTLISTED),
    A.AWARD: Edge(frozenset({S.SHORTLISTED}), S.AWARDED),
    A.NOT_SELECT: Edge(frozenset({S.SHORTLISTED, S.IN_EVALUATION}), S.NOT_SELECTED),
}

#: States that use one of the province's quota slots in a category.
QUOTA_STATES = frozenset({S.SUBMITTED, S.IN_EVALUATION, S.SHORTLISTED, S.AWARDED, S.NOT_SELECTED, S.INELIGIBLE})
