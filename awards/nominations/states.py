"""The nomination state machine as data: which action moves which states, who may, and when.

Each edge names the permission predicate (from :mod:`awards.permissions`, taking the user and the nomination)
that decides who may take it, and how a refusal names them. The transition function checks the source state
first, so a predicate may assume the nomination already stands in one of the edge's sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from awards.enums import NominationAction as A
from awards.enums import NominationState as S
from awards.permissions import (
    EVALUATED_STATES,
    can_award_provincially,
    can_decide_compliance,
    can_finalise_outcome,
    can_forward_nomination,
    can_screen_nomination,
    can_shortlist,
    can_submit_nomination,
    can_withdraw_nomination,
)

if TYPE_CHECKING:
    from awards.models import Nomination, User


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it here; the refusal translates it when raised."""
    return message


#: Who may take an edge, as a refusal names them («این کار فقط از … ساخته است.»).
OWNING_OFFICER = N_("کارشناس استان همین پرونده")
PROVINCIAL_AFFAIRS = N_("کمیتهٔ امور استان‌ها")
OVERSIGHT = N_("کمیتهٔ نظارت و پیگیری")
WINNERS_CHAIR_OR_SECRETARIAT = N_("رئیس کمیتهٔ برگزیدگان یا دبیرخانه")
SECRETARIAT = N_("دبیرخانه")
PROVINCIAL_CHAIR = N_("رئیس کارگروه استانی همین پرونده")


@dataclass(frozen=True)
class Edge:
    sources: frozenset[S]
    target: S
    #: The permission predicate ``(user, nomination) -> bool`` that may take this edge.
    allowed: Callable[[User, Nomination], bool]
    #: Who that predicate lets through, in the words of the refusal (a catalogue message id).
    who: str
    needs_reason: bool = False


EDGES: dict[A, Edge] = {
    A.SUBMIT: Edge(frozenset({S.DRAFT}), S.SUBMITTED,
                   allowed=can_submit_nomination, who=OWNING_OFFICER),
    # With the provincial round on, national screening takes only forwarded dossiers (the transition refuses a
    # submitted one); with it off, no dossier is ever forwarded.
    A.RETURN: Edge(frozenset({S.SUBMITTED, S.FORWARDED}), S.DRAFT, needs_reason=True,
                   allowed=can_screen_nomination, who=PROVINCIAL_AFFAIRS),
    A.ACCEPT: Edge(frozenset({S.SUBMITTED, S.FORWARDED}), S.IN_EVALUATION,
                   allowed=can_screen_nomination, who=PROVINCIAL_AFFAIRS),
    A.WITHDRAW: Edge(frozenset({S.DRAFT, S.SUBMITTED}), S.WITHDRAWN,
                     allowed=can_withdraw_nomination, who=OWNING_OFFICER),
    A.FAIL_COMPLIANCE: Edge(frozenset({S.IN_EVALUATION, S.SHORTLISTED}), S.INELIGIBLE, needs_reason=True,
                            allowed=can_decide_compliance, who=OVERSIGHT),
    A.SHORTLIST: Edge(frozenset({S.IN_EVALUATION}), S.SHORTLISTED,
                      allowed=can_shortlist, who=WINNERS_CHAIR_OR_SECRETARIAT),
    # Award and not select are part of an organizer's confirmation of the final result.
    A.AWARD: Edge(frozenset({S.SHORTLISTED}), S.AWARDED,
                  allowed=can_finalise_outcome, who=SECRETARIAT),
    A.NOT_SELECT: Edge(frozenset({S.SHORTLISTED, S.IN_EVALUATION}), S.NOT_SELECTED,
                       allowed=can_finalise_outcome, who=SECRETARIAT),
    # The provincial round: only in a cycle that has it on (the transition refuses these edges otherwise).
    A.FORWARD: Edge(frozenset({S.SUBMITTED}), S.FORWARDED,
                    allowed=can_forward_nomination, who=PROVINCIAL_CHAIR),
    A.NOT_FORWARD: Edge(frozenset({S.SUBMITTED}), S.NOT_FORWARDED,
                        allowed=can_forward_nomination, who=PROVINCIAL_CHAIR),
    A.PROVINCIAL_AWARD: Edge(frozenset({S.NOT_FORWARDED}), S.PROVINCIALLY_AWARDED,
                             allowed=can_award_provincially, who=OWNING_OFFICER),
}

#: The edges of the provincial round.
PROVINCIAL_ACTIONS = frozenset({A.FORWARD, A.NOT_FORWARD, A.PROVINCIAL_AWARD})

#: States that use one of the province's quota slots in a category.
QUOTA_STATES = frozenset({S.SUBMITTED, S.IN_EVALUATION, S.SHORTLISTED, S.AWARDED, S.NOT_SELECTED, S.INELIGIBLE})


def same_results_role(before: S, after: S) -> bool:
    """Whether a move between these states leaves a category's computed result as it was: the nomination stays in
    (or out of) the scoring pool, and eligible (or not). The states themselves are shown, not computed."""
    return ((before in EVALUATED_STATES) == (after in EVALUATED_STATES)
            and (before == S.INELIGIBLE) == (after == S.INELIGIBLE))


#: With the provincial round on, the quota limits forwarding, not submitting: the states that use a slot then.
FORWARD_QUOTA_STATES = frozenset({S.FORWARDED, S.IN_EVALUATION, S.SHORTLISTED, S.AWARDED, S.NOT_SELECTED,
                                  S.INELIGIBLE})
