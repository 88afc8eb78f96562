"""Provincial scoring and forwarding: sheets on the provincial rubric, the ranking by the national rules, and the
chair's forwarding with the quota and the justification."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from awards.enums import NominationState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation.services import FormErrors, declare_conflict
from awards.models import AuditEvent, Conflict, Nomination, ProvincialDecision, ProvincialGroup, ProvincialSheet
from awards.provincial import forwarding, sheets
from awards.provincial.ranking import provincial_ranking
from tests.provincial.conftest import DURING_SCORING, add_rubric, event_count, move_clock

S = NominationState


def _ranking(session, ctx):
    group = session.get(ProvincialGroup, ctx.fars_group_id)
    return provincial_ranking(session, group=group, category=ctx.demo.categories["cluster"])


def test_the_ranking_follows_the_national_rules(session, scored):
    rows = _ranking(session, scored).rows()
    assert [(n.id, r.rank, r.final2, r.committees["provincial"].sheets) for n, r in rows] == [
        (scored.clusters[0], 1, Decimal("90.00"), 3), (scored.clusters[1], 2, Decimal("60.00"), 3),
        (scored.clusters[2], 3, Decimal("30.00"), 3)]


def test_a_conflicted_members_sheet_does_not_count(session, scored):
    first = scored.clusters[0]
    session.add(Conflict(nomination_id=first, user_id=scored.users["fars-member-2"].id, source="declared",
                         reason="خویشاوند"))
    session.commit()
    result = _ranking(session, scored).result.nominee(first)
    assert result.committees["provincial"].sheets == 2 and result.final2 == Decimal("90.00")


def test_a_member_of_another_province_cannot_score(session, round_on):
    criteria = add_rubric(session, round_on.demo)
    move_clock(session, DURING_SCORING)
    with pytest.raises(PermissionDenied):
        sheets.save_sheet(session, nomination=session.get(Nomination, round_on.clusters[0]),
                          actor=round_on.users["tehran-chair"], values={criteria[0]: Decimal(1)}, comment="",
                          submit=False)
    session.rollback()
    assert session.scalar(select(ProvincialSheet.id)) is None


def test_scoring_waits_for_its_phase_and_checks_values(session, round_on):
    criteria = add_rubric(session, round_on.demo)
    session.commit()
    nomination = session.get(Nomination, round_on.clusters[0])
    member = round_on.users["fars-member-1"]
    with pytest.raises(PhaseClosed):  # still the nomination phase
        sheets.save_sheet(session, nomination=nomination, actor=member, values={criteria[0]: Decimal(1)},
                          comment="", submit=False)
    session.rollback()
    move_clock(session, DURING_SCORING)
    with pytest.raises(FormErrors) as refused:
        sheets.save_sheet(session, nomination=nomination, actor=member,
                          values={criteria[0]: Decimal(11), criteria[1]: Decimal("2.3")}, comment="", submit=True)
    assert set(refused.value.errors) == set(criteria)
    session.rollback()
    assert session.scalar(select(ProvincialSheet.id)) is None


def test_a_submitted_sheet_is_locked_and_a_declared_conflict_blocks_scoring(session, scored):
    move_clock(session, DURING_SCORING)
    nomination = session.get(Nomination, scored.clusters[0])
    with pytest.raises(InvalidTransition, match="قفل"):
        sheets.save_sheet(session, nomination=nomination, actor=scored.users["fars-member-1"], values={},
                          comment="", submit=False)
    session.rollback()
    session.add(Conflict(nomination_id=nomination.id, user_id=scored.users["fars-member-2"].id, source="declared",
                         reason="خویشاوند"))
    session.commit()
    with pytest.raises(PermissionDenied, match="تعارض"):
        sheets.save_sheet(session, nomination=nomination, actor=scored.users["fars-member-2"], values={},
                          comment="", submit=False)
    assert declare_conflict  # the national declaration writes the same rows


def test_the_rubric_is_frozen_once_sheets_exist(session, scored):
    with pytest.raises(InvalidTransition):
        add_rubric(session, scored.demo)


def test_forwarding_the_best_within_the_quota(session, scored):
    chair = scored.users["fars-chair"]
    first, second, third = (session.get(Nomination, nid) for nid in scored.clusters)
    forwarding.forward(session, nomination=first, actor=chair)
    forwarding.forward(session, nomination=second, actor=chair)
    forwarding.not_forward(session, nomination=third, actor=chair)
    session.commit()
    assert [n.state for n in (first, second, third)] == [S.FORWARDED, S.FORWARDED, S.NOT_FORWARDED]
    decisions = session.execute(select(ProvincialDecision.nomination_id, ProvincialDecision.forwarded,
                                       ProvincialDecision.rank, ProvincialDecision.score)
                                .order_by(ProvincialDecision.id)).all()
    assert decisions == [(first.id, True, 1, Decimal("90.00")), (second.id, True, 2, Decimal("60.00")),
                         (third.id, False, 3, Decimal("30.00"))]


def test_forwarding_over_the_quota_is_refused_and_changes_nothing(session, scored):
    chair = scored.users["fars-chair"]
    first, second, third = (session.get(Nomination, nid) for nid in scored.clusters)
    forwarding.forward(session, nomination=first, actor=chair)
    forwarding.forward(session, nomination=second, actor=chair)
    session.commit()
    before = event_count(session)
    with pytest.raises(DomainError, match="سهمیهٔ استان"):
        forwarding.forward(session, nomination=third, actor=chair, justification="دلیل")
    session.rollback()
    assert session.get(Nomination, third.id).state is S.SUBMITTED
    assert event_count(session) == before
    assert session.scalar(select(ProvincialDecision.id).where(ProvincialDecision.nomination_id == third.id)) is None


def test_forwarding_below_an_unforwarded_dossier_needs_a_justification(session, scored):
    chair = scored.users["fars-chair"]
    first, _second, third = (session.get(Nomination, nid) for nid in scored.clusters)
    with pytest.raises(DomainError) as refused:
        forwarding.forward(session, nomination=third, actor=chair)
    assert refused.value.field == "justification"
    assert "خوشهٔ گلاب میمند" in refused.value.message and "خوشهٔ فرش قشقایی" in refused.value.message
    session.rollback()
    assert session.get(Nomination, third.id).state is S.SUBMITTED
    reason = "خوشه در سال جاری صادرات نخستین خود را آغاز کرده است."
    forwarding.forward(session, nomination=third, actor=chair, justification=reason)
    session.commit()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.forward")
                            .order_by(AuditEvent.id.desc())).first()
    assert (event.nomination_id, event.reason) == (third.id, reason)
    decision = session.scalars(select(ProvincialDecision).where(ProvincialDecision.nomination_id == third.id)).one()
    assert (decision.rank, decision.justification) == (3, reason)
    # The first is ranked above every other: it never needs a justification.
    forwarding.forward(session, nomination=first, actor=chair)
    session.commit()
    assert session.get(Nomination, first.id).state is S.FORWARDED
