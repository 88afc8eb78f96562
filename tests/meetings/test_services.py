"""Recording, quorum, decisions, signing, sealing and reopening minutes, against the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.enums import CommitteeCode, DecisionKind, MeetingAction, MeetingState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.meetings import services
from awards.models import AuditEvent, Cycle, Meeting, MeetingAttendee, MeetingDecision
from tests.meetings.conftest import AGENDA, PLACE, rank, record, sign, today
from tests.results.conftest import DURING_EVALUATION, cluster, committee, user


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _events(session, prefix: str = "meeting.") -> list[str]:
    return session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
                           .order_by(AuditEvent.id)).all()


# --- recording and quorum ----------------------------------------------------------------------------------------

def test_record_numbers_meetings_per_committee_and_cycle(scored, session):
    first = record(session)
    second = record(session, present=("chair", "1"))
    content = record(session, code=CommitteeCode.CONTENT)
    assert (first.number, second.number, content.number) == ("1404-WIN-01", "1404-WIN-02", "1404-CON-01")
    assert first.state is MeetingState.RECORDING and first.place == PLACE and first.agenda == AGENDA
    assert (first.attendees[0].name, first.attendees[0].is_chair) == (user(session, "winners-chair").full_name, True)
    assert len(first.token) == 24 and first.token != second.token
    assert _events(session) == ["meeting.record"] * 3


def test_record_refused_below_quorum(scored, session):
    """Three seats: two must be present (more than half); one is refused and nothing is written."""
    with pytest.raises(DomainError, match="حد نصاب") as refused:
        record(session, present=("chair",))
    assert refused.value.field == "attendees"
    assert "۲" in refused.value.message or "2" in refused.value.message
    assert (_count(session, Meeting), _events(session)) == (0, [])
    assert record(session, present=("1", "2")).number == "1404-WIN-01"


def test_quorum_is_more_than_half():
    assert [services.quorum_needed(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 2, 3, 3, 4]


def test_record_refused_to_anyone_but_the_committees_chair(scored, session):
    for actor in ("winners-1", "admin", "content-chair"):
        with pytest.raises(PermissionDenied):
            record(session, actor=actor)
    assert _count(session, Meeting) == 0


def test_record_refused_for_someone_without_a_seat(scored, session):
    cycle = session.get(Cycle, cluster(session).cycle_id)
    with pytest.raises(DomainError, match="اعضای همین کمیته"):
        services.record_meeting(session, cycle=cycle, committee=committee(session, CommitteeCode.WINNERS),
                                actor=user(session, "winners-chair"), held_on=today(), place=PLACE, agenda=AGENDA,
                                attendee_ids=[user(session, n).id for n in ("winners-chair", "winners-1", "content-1")])
    assert _count(session, Meeting) == 0


@pytest.mark.parametrize(("field", "values"), [
    ("held_on", {"held_on": None}),
    ("held_on", {"held_on": "tomorrow"}),
    ("place", {"place": "  "}),
    ("agenda", {"agenda": ""}),
])
def test_record_refuses_bad_details_beside_their_field(scored, session, field, values):
    cycle = session.get(Cycle, cluster(session).cycle_id)
    details = {"held_on": today(), "place": PLACE, "agenda": AGENDA, **values}
    if details["held_on"] == "tomorrow":
        details["held_on"] = today() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        services.record_meeting(session, cycle=cycle, committee=committee(session, CommitteeCode.WINNERS),
                                actor=user(session, "winners-chair"),
                                attendee_ids=[user(session, "winners-chair").id, user(session, "winners-1").id],
                                **details)
    assert refused.value.field == field
    assert _count(session, Meeting) == 0


# --- decisions ---------------------------------------------------------------------------------------------------

def test_ranking_decision_keeps_the_table_and_the_result_digest(ranked, session):
    decision = ranked.decisions[0]
    assert decision.kind is DecisionKind.CATEGORY_RANKING and decision.category_id == cluster(session).id
    assert decision.table["columns"] == ["rank", "nominee", "province", "final_score", "tier"]
    assert [row[0] for row in decision.table["rows"]] == [1, 2, 3]
    assert decision.table["rows"][0][1] == "خوشه فرش دستباف کاشان" and decision.table["rows"][0][4] == "gold"
    assert len(decision.result_digest) == 64


def test_ranking_decision_refused_before_evaluation_closes(scored, session):
    meeting = record(session)
    clock.freeze(DURING_EVALUATION)
    with pytest.raises(DomainError, match="پس از پایان ارزیابی"):
        rank(session, meeting)
    assert meeting.decisions == []


def test_decision_kind_must_belong_to_the_committee(scored, session):
    meeting = record(session)
    with pytest.raises(DomainError, match="جایی ندارد"):
        services.add_decision(session, meeting=meeting, actor=user(session, "winners-chair"),
                              kind=DecisionKind.BUDGET, text="بودجه", amount="1000")
    assert _count(session, MeetingDecision) == 0


def test_budget_and_general_decisions_need_text_and_a_sound_amount(scored, session):
    meeting = record(session, code=CommitteeCode.FINANCE)
    chair = user(session, "finance-chair")
    for amount in ("-5", "12.5", "دوازده"):
        with pytest.raises(DomainError) as refused:
            services.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.BUDGET,
                                  text="بودجهٔ جایزه‌ها تصویب شد.", amount=amount)
        assert refused.value.field == "amount"
    with pytest.raises(DomainError, match="متن مصوبه"):
        services.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.GENERAL, text=" ")
    decision = services.add_decision(session, meeting=meeting, actor=chair, kind=DecisionKind.BUDGET,
                                     text="بودجهٔ جایزه‌ها تصویب شد.", amount="۱٬۲۵۰٬۰۰۰٬۰۰۰")
    assert decision.amount == Decimal("1250000000") and decision.category_id is None


def test_screening_and_compliance_decisions_snapshot_their_rows(scored, session):
    meeting = record(session, code=CommitteeCode.PROVINCIAL_AFFAIRS)
    decision = services.add_decision(session, meeting=meeting, actor=user(session, "provincial_affairs-chair"),
                                     kind=DecisionKind.SCREENING, category=cluster(session))
    assert decision.table["columns"] == ["nominee", "province", "outcome", "reason", "date"]
    assert len(decision.subject_ids) == len(decision.table["rows"]) > 0


def test_only_the_chair_adds_and_removes_decisions(ranked, session):
    with pytest.raises(PermissionDenied):
        services.add_decision(session, meeting=ranked, actor=user(session, "winners-1"), kind=DecisionKind.GENERAL,
                              text="x")
    with pytest.raises(PermissionDenied):
        services.remove_decision(session, decision=ranked.decisions[0], actor=user(session, "winners-1"))
    assert len(ranked.decisions) == 1
    services.remove_decision(session, decision=ranked.decisions[0], actor=user(session, "winners-chair"))
    assert ranked.decisions == []


# --- signing and sealing -----------------------------------------------------------------------------------------

def test_sealing_needs_every_attendee(ranked, session):
    sign(session, ranked, "chair")
    assert ranked.state is MeetingState.SIGNING and ranked.content_digest is None
    sign(session, ranked, "1")
    assert ranked.state is MeetingState.SIGNING and ranked.sealed_at is None
    sign(session, ranked, "2")
    assert ranked.state is MeetingState.SEALED and ranked.sealed_at == clock.now()
    assert ranked.content_digest == services.content_digest(ranked)
    assert {a.signed_digest for a in ranked.attendees} == {ranked.content_digest}
    assert _events(session)[-4:] == ["meeting.sign"] * 3 + ["meeting.seal"]


def test_only_attendees_sign_and_a_refusal_changes_nothing(scored, session):
    meeting = record(session, present=("chair", "1"))
    rank(session, meeting)
    session.commit()
    before = _events(session)
    for outsider in ("winners-2", "admin", "content-chair"):
        with pytest.raises(PermissionDenied):
            services.transition(session, meeting=meeting, action=MeetingAction.SIGN, actor=user(session, outsider))
    session.rollback()
    assert meeting.state is MeetingState.RECORDING
    assert session.scalar(select(func.count()).select_from(MeetingAttendee)
                          .where(MeetingAttendee.signed_at.is_not(None))) == 0
    assert _events(session) == before


def test_a_second_signature_and_unsigned_minutes_without_decisions_are_refused(scored, session):
    meeting = record(session)
    with pytest.raises(InvalidTransition, match="بدون مصوبه"):
        sign(session, meeting, "chair")
    rank(session, meeting)
    sign(session, meeting, "chair")
    with pytest.raises(InvalidTransition, match="پیش‌تر امضا"):
        sign(session, meeting, "chair")


def test_signing_refused_when_the_content_changed_since_it_was_read(ranked, session):
    read = services.content_digest(ranked)
    services.add_decision(session, meeting=ranked, actor=user(session, "winners-chair"), kind=DecisionKind.GENERAL,
                          text="جلسهٔ بعد در تیر برگزار می‌شود.")
    with pytest.raises(InvalidTransition, match="تغییر کرده"):
        services.transition(session, meeting=ranked, action=MeetingAction.SIGN, actor=user(session, "winners-1"),
                            seen_digest=read)
    services.transition(session, meeting=ranked, action=MeetingAction.SIGN, actor=user(session, "winners-1"),
                        seen_digest=services.content_digest(ranked))
    assert ranked.state is MeetingState.SIGNING


def test_editing_is_refused_after_the_first_signature(ranked, session):
    sign(session, ranked, "1")
    chair = user(session, "winners-chair")
    with pytest.raises(InvalidTransition, match="امضای این صورتجلسه آغاز شده"):
        services.update_meeting(session, meeting=ranked, actor=chair, held_on=today(), place="جای دیگر",
                                agenda=AGENDA, attendee_ids=[a.user_id for a in ranked.attendees])
    with pytest.raises(InvalidTransition):
        services.add_decision(session, meeting=ranked, actor=chair, kind=DecisionKind.GENERAL, text="x")
    with pytest.raises(InvalidTransition):
        services.remove_decision(session, decision=ranked.decisions[0], actor=chair)
    assert ranked.place == PLACE and len(ranked.decisions) == 1


def test_the_chair_reopens_minutes_being_signed_which_clears_the_signatures(ranked, session):
    sign(session, ranked, "1")
    with pytest.raises(PermissionDenied):
        services.transition(session, meeting=ranked, action=MeetingAction.REOPEN, actor=user(session, "winners-1"),
                            reason="اصلاح")
    with pytest.raises(DomainError, match="دلیل"):
        services.transition(session, meeting=ranked, action=MeetingAction.REOPEN,
                            actor=user(session, "winners-chair"), reason="")
    services.transition(session, meeting=ranked, action=MeetingAction.REOPEN, actor=user(session, "winners-chair"),
                        reason="نام محل جلسه نادرست بود.")
    assert ranked.state is MeetingState.RECORDING
    assert all(a.signed_at is None and a.signed_digest is None for a in ranked.attendees)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.reopen"))
    assert event.changes["signed_by"] == [[user(session, "winners-1").full_name], None]
    services.update_meeting(session, meeting=ranked, actor=user(session, "winners-chair"), held_on=today(),
                            place="تالار دیگر", agenda=AGENDA, attendee_ids=[a.user_id for a in ranked.attendees])
    assert ranked.place == "تالار دیگر"


def test_sealed_minutes_never_change(sealed, session):
    chair = user(session, "winners-chair")
    with pytest.raises(InvalidTransition, match="مهر و موم"):
        services.transition(session, meeting=sealed, action=MeetingAction.REOPEN, actor=chair, reason="x")
    with pytest.raises(InvalidTransition, match="مهر و موم"):
        services.update_meeting(session, meeting=sealed, actor=chair, held_on=today(), place="x", agenda="x",
                                attendee_ids=[a.user_id for a in sealed.attendees])
    with pytest.raises(InvalidTransition, match="مهر و موم"):
        services.add_decision(session, meeting=sealed, actor=chair, kind=DecisionKind.GENERAL, text="x")


def test_edit_replaces_the_attendees_and_checks_quorum_again(ranked, session):
    chair = user(session, "winners-chair")
    with pytest.raises(DomainError, match="حد نصاب"):
        services.update_meeting(session, meeting=ranked, actor=chair, held_on=today(), place=PLACE, agenda=AGENDA,
                                attendee_ids=[chair.id])
    services.update_meeting(session, meeting=ranked, actor=chair, held_on=today(), place=PLACE, agenda=AGENDA,
                            attendee_ids=[chair.id, user(session, "winners-2").id])
    assert [a.user_id for a in ranked.attendees] == [chair.id, user(session, "winners-2").id]
    assert _events(session)[-1] == "meeting.edit"
