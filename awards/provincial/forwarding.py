"""The chair's forwarding of the best dossiers to the national round.

Forwarding is the nomination edge ``forward`` (``awards.nominations.services.transition``): the same edge checks,
phase, the per-province quota under the category row's lock (so two racing forwards for the last place cannot both
win) and the audit event, with the justification as its reason. Here, before it: the province's ranking on the
provincial rubric decides whether a justification is needed (a dossier forwarded while one ranked above it is not),
and after it a :class:`~awards.models.ProvincialDecision` keeps the rank and score the chair saw.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from awards import i18n
from awards.enums import NominationAction, NominationState
from awards.errors import DomainError, InvalidTransition
from awards.models import Nomination, ProvincialDecision, ProvincialGroup, User
from awards.nominations.services import transition
from awards.persian import normalize_text
from awards.provincial.queries import group_of
from awards.provincial.ranking import Ranking, provincial_ranking

#: Dossiers of the province that stand outside the national round (not forwarded, or not yet).
NOT_FORWARDED_STATES = frozenset({NominationState.SUBMITTED, NominationState.NOT_FORWARDED,
                                  NominationState.PROVINCIALLY_AWARDED})


def _group(session: Session, nomination: Nomination) -> ProvincialGroup:
    group = group_of(session, cycle=nomination.cycle, province_id=nomination.province_id)
    if group is None:
        raise InvalidTransition(_("این استان کارگروه استانی ندارد."))
    return group


def passed_over(ranking: Ranking, nomination: Nomination) -> list[Nomination]:
    """The province's dossiers in the category ranked strictly above ``nomination`` that stand outside the national
    round (an unranked dossier, incomplete, is below every ranked one)."""
    own = ranking.rank_of(nomination.id)
    above = []
    for other, result in ranking.rows():
        if other.id == nomination.id or other.state not in NOT_FORWARDED_STATES or result.rank is None:
            continue
        if own is None or result.rank < own:
            above.append(other)
    return above


def forward(session: Session, *, nomination: Nomination, actor: User, justification: str = "") -> ProvincialDecision:
    """Forward ``nomination`` to the national round, as the chair of its province's working group."""
    group = _group(session, nomination)
    justification = normalize_text(justification or "")
    ranking = provincial_ranking(session, group=group, category=nomination.category)
    above = passed_over(ranking, nomination)
    if above and not justification and nomination.state is NominationState.SUBMITTED:
        raise DomainError(_("این پرونده پایین‌تر از %(names)s رتبه دارد که معرفی نشده‌اند؛ دلیل معرفی آن را بنویسید.",
                            names=i18n.join(f"«{n.nominee_name}»" for n in above)), field="justification")
    transition(session, nomination=nomination, action=NominationAction.FORWARD, actor=actor,
               reason=justification or None)
    result = ranking.result.nominee(nomination.id)
    decision = ProvincialDecision(nomination_id=nomination.id, group_id=group.id, forwarded=True, rank=result.rank,
                                  score=result.final2, justification=justification, decided_by_id=actor.id)
    session.add(decision)
    session.flush()
    return decision


def not_forward(session: Session, *, nomination: Nomination, actor: User) -> ProvincialDecision:
    """Keep ``nomination`` in the province (it may still receive a provincial award)."""
    group = _group(session, nomination)
    ranking = provincial_ranking(session, group=group, category=nomination.category)
    transition(session, nomination=nomination, action=NominationAction.NOT_FORWARD, actor=actor)
    result = ranking.result.nominee(nomination.id)
    decision = ProvincialDecision(nomination_id=nomination.id, group_id=group.id, forwarded=False, rank=result.rank,
                                  score=result.final2, decided_by_id=actor.id)
    session.add(decision)
    session.flush()
    return decision
