"""The chair's forwarding of the best dossiers to the national round.

Forwarding is the nomination edge ``forward`` (``awards.nominations.services.transition``): the same edge checks,
phase, the per-province quota under the category row's lock (so two racing forwards for the last place cannot both
win) and the audit event, with the justification as its reason. Here, before it: the province's ranking on the
provincial rubric decides whether a justification is needed (a dossier forwarded while one ranked above it is not),
and after it a :class:`~awards.models.ProvincialDecision` keeps the rank and score the chair saw.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.enums import NominationAction, NominationState, Phase
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.guards import ensure_cycle_writable, lock_category
from awards.models import Category, Nomination, ProvincialDecision, ProvincialGroup, User
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


def awaiting(session: Session, *, group: ProvincialGroup, category: Category) -> list[Nomination]:
    """The province's dossiers in ``category`` still awaiting the chair: submitted, neither forwarded nor kept."""
    return list(session.scalars(
        select(Nomination).where(Nomination.cycle_id == group.cycle_id, Nomination.province_id == group.province_id,
                                 Nomination.category_id == category.id,
                                 Nomination.state == NominationState.SUBMITTED)
        .order_by(Nomination.id).execution_options(populate_existing=True)))


def close_selection(session: Session, *, group: ProvincialGroup, category: Category, actor: User,
                    expected: Collection[int]) -> list[ProvincialDecision]:
    """Keep in the province, at once, every dossier of ``category`` still awaiting the chair (the ``not_forward``
    edge for each, as :func:`not_forward` does one by one), during provincial selection.

    ``expected`` is the list the chair confirmed: refused, with nothing changed, when the dossiers awaiting a
    decision are not exactly those (one was forwarded or resubmitted meanwhile). The ranking is computed once and
    the decisions added together; each dossier's move is audited by the edge, and the whole by one
    ``provincial.selection_close`` event on the category.
    """
    if not permissions.chairs_provincial_group(actor, group):
        raise PermissionDenied(_("فقط رئیس کارگروه استانی انتخاب را می‌بندد."))
    ensure_cycle_writable(group.cycle)
    if group.cycle.phase_at(clock.now()) is not Phase.PROVINCIAL_SELECTION:
        raise PhaseClosed(_("بستن انتخاب یک‌جا فقط در مرحلهٔ انتخاب استانی ممکن است."))
    lock_category(session, category=category)  # a racing forward takes the same lock (its quota check)
    pending = awaiting(session, group=group, category=category)
    if not pending:
        raise InvalidTransition(_("در این رشته پرونده‌ای در انتظار تصمیم نیست."))
    if {n.id for n in pending} != set(expected):
        raise InvalidTransition(_("فهرست پرونده‌های در انتظار تصمیم تغییر کرده است؛ آن را دوباره ببینید و تأیید کنید."))
    ranking = provincial_ranking(session, group=group, category=category)
    decisions = []
    for nomination in pending:
        transition(session, nomination=nomination, action=NominationAction.NOT_FORWARD, actor=actor)
        result = ranking.result.nominee(nomination.id)
        decisions.append(ProvincialDecision(nomination_id=nomination.id, group_id=group.id, forwarded=False,
                                            rank=result.rank, score=result.final2, decided_by_id=actor.id))
    session.add_all(decisions)
    session.flush()
    record(session, actor=actor, action="provincial.selection_close", object_type="category", object_id=category.id,
           cycle_id=group.cycle_id, province_id=group.province_id,
           changes={"not_forwarded": [None, [n.id for n in pending]]})
    return decisions
