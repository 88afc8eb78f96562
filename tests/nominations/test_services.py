"""The nomination state machine, through ``services.transition`` directly: every edge allowed and refused."""

from __future__ import annotations

import itertools

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from awards import clock
from awards.demo import jalali_moment
from awards.enums import ComplianceOutcome, NominationAction, NominationState, ScreeningOutcome
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.models import AuditEvent, ComplianceDecision, Nomination, ScreeningDecision
from awards.nominations import documents, services
from awards.nominations.services import IncompleteDossier
from awards.nominations.states import EDGES, PROVINCIAL_ACTIONS
from tests.nominations.conftest import ELECTRONICS, MASKATI, PHARMA, RETURNED_TILES, by_name, demo_pdf

A = NominationAction
S = NominationState

#: Who may take each action in the demo, and a moment inside the phase that allows it.
ALLOWED_ACTOR = {
    A.SUBMIT: "fars",
    A.WITHDRAW: "fars",
    A.ACCEPT: "provincial_affairs-chair",
    A.RETURN: "provincial_affairs-chair",
    A.FAIL_COMPLIANCE: "oversight-chair",
    A.SHORTLIST: "winners-chair",
    A.AWARD: "admin",
    A.NOT_SELECT: "admin",
}
NOMINATION_PHASE = jalali_moment(1404, 2, 20, 10, 0)
SCREENING_PHASE = jalali_moment(1404, 3, 5, 10, 0)
EVALUATION_PHASE = jalali_moment(1404, 3, 20, 10, 0)
AFTER_SCREENING = EVALUATION_PHASE
ALLOWED_MOMENT = {action: NOMINATION_PHASE for action in A} | {A.SHORTLIST: EVALUATION_PHASE}


def audit_count(session) -> int:
    return session.scalar(select(func.count(AuditEvent.id)))


def decision_count(session) -> int:
    return session.scalar(select(func.count(ScreeningDecision.id)))


def put_in_state(session, nomination: Nomination, state: NominationState) -> Nomination:
    """Arrange a nomination in ``state`` (bypassing the machine: this is set-up, not the thing tested)."""
    nomination.state = state
    nomination.ineligible_reason = "دلیل آزمایشی" if state is S.INELIGIBLE else None
    session.flush()
    return nomination


def assert_refused(session, demo, nomination, action, actor, error_type, reason="دلیل آزمایشی"):
    """Assert the exact error type, and that neither the state nor the audit log nor decisions changed."""
    state, audits, decisions = nomination.state, audit_count(session), decision_count(session)
    with pytest.raises(DomainError) as refused:
        services.transition(session, nomination=nomination, action=action, actor=demo.users[actor], reason=reason)
    assert refused.type is error_type
    assert refused.value.message
    session.flush()
    assert nomination.state == state
    assert audit_count(session) == audits
    assert decision_count(session) == decisions
    return refused.value


def complete_draft(session, demo, officer: str, category: str, name: str) -> Nomination:
    """A draft with every field its kind needs and one evidence file."""
    values = {"nominee_name": name, "representative_name": "نماینده", "representative_title": "مدیرعامل",
              "city": "شیراز", "sector": "صنایع غذایی", "founding_year": 1380, "employees": 50,
              "annual_sales": 1000, "narrative": "شرح دستاوردها"}
    nomination = services.create_draft(session, actor=demo.users[officer], category=demo.categories[category],
                                       values=values)
    documents.add_document(session, actor=demo.users[officer], nomination=nomination, filename="a.pdf",
                           data=demo_pdf("x"), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    return nomination


# --- the full product: each action from each state -------------------------------------------------------

# The provincial round's edges need a cycle with the round on: tests/provincial/test_states.py walks them.
@pytest.mark.parametrize(("action", "state"), list(itertools.product([a for a in A if a not in PROVINCIAL_ACTIONS],
                                                                      S)), ids=lambda v: v.value)
def test_transition_allowed_iff_state_is_a_source_of_the_edge(session, demo, action, state):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), state)
    clock.freeze(ALLOWED_MOMENT[action])
    actor = demo.users[ALLOWED_ACTOR[action]]
    edge = EDGES[action]
    if state in edge.sources:
        audits = audit_count(session)
        result = services.transition(session, nomination=nomination, action=action, actor=actor,
                                     reason="دلیل آزمایشی")
        session.flush()
        assert result == edge.target
        assert nomination.state == edge.target
        assert audit_count(session) == audits + 1
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert event.action == f"nomination.{action.value}"
        assert event.changes == {"state": [state.value, edge.target.value]}
        assert event.actor_id == actor.id
    else:
        assert_refused(session, demo, nomination, action, ALLOWED_ACTOR[action], InvalidTransition)


# --- wrong actor ------------------------------------------------------------------------------------------

def test_submit_by_another_province_is_refused(session, demo):
    nomination = complete_draft(session, demo, "fars", "cluster", "خوشهٔ آزمایشی فارس")
    assert_refused(session, demo, nomination, A.SUBMIT, "tehran", PermissionDenied)


def test_submit_by_organizer_is_refused(session, demo):
    nomination = complete_draft(session, demo, "fars", "cluster", "خوشهٔ آزمایشی فارس")
    assert_refused(session, demo, nomination, A.SUBMIT, "admin", PermissionDenied)


def test_withdraw_by_another_province_is_refused(session, demo):
    assert_refused(session, demo, by_name(session, MASKATI), A.WITHDRAW, "tehran", PermissionDenied)


@pytest.mark.parametrize("actor", ["fars", "admin", "winners-chair", "oversight-1"])
def test_accept_by_someone_outside_provincial_affairs_is_refused(session, demo, actor):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    assert_refused(session, demo, nomination, A.ACCEPT, actor, PermissionDenied)


def test_return_by_province_officer_is_refused(session, demo):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    assert_refused(session, demo, nomination, A.RETURN, "fars", PermissionDenied)


@pytest.mark.parametrize("actor", ["winners-chair", "provincial_affairs-1", "admin", "fars"])
def test_fail_compliance_by_non_oversight_user_is_refused(session, demo, actor):
    assert_refused(session, demo, by_name(session, ELECTRONICS), A.FAIL_COMPLIANCE, actor, PermissionDenied)


def test_decide_compliance_by_non_oversight_user_is_refused(session, demo):
    nomination = by_name(session, ELECTRONICS)
    audits = audit_count(session)
    with pytest.raises(PermissionDenied):
        services.decide_compliance(session, nomination=nomination, actor=demo.users["winners-chair"], passed=False,
                                   reason="نقص مجوز")
    assert nomination.state == S.IN_EVALUATION
    assert audit_count(session) == audits
    assert session.scalar(select(ComplianceDecision).where(ComplianceDecision.nomination_id == nomination.id)) is None


def test_decide_compliance_fail_makes_nomination_ineligible_with_reason(session, demo):
    nomination = by_name(session, ELECTRONICS)
    decision = services.decide_compliance(session, nomination=nomination, actor=demo.users["oversight-1"],
                                          passed=False, reason="مفاصاحساب بیمه ارائه نشده است.")
    assert decision.outcome == ComplianceOutcome.FAILED
    assert nomination.state == S.INELIGIBLE
    assert nomination.ineligible_reason == "مفاصاحساب بیمه ارائه نشده است."


def test_shortlist_by_province_officer_is_refused(session, demo):
    clock.freeze(EVALUATION_PHASE)
    assert_refused(session, demo, by_name(session, ELECTRONICS), A.SHORTLIST, "fars", PermissionDenied)


def test_award_by_winners_member_is_refused(session, demo):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SHORTLISTED)
    assert_refused(session, demo, nomination, A.AWARD, "winners-1", PermissionDenied)



#: Each edge's refusal names who may take it (the edge's own words): the state to stand in, a wrong actor, and
#: the message.
OFFICER_ONLY = "این کار فقط از کارشناس استان همین پرونده ساخته است."
PROVINCIAL_AFFAIRS_ONLY = "این کار فقط از کمیتهٔ امور استان‌ها ساخته است."
SECRETARIAT_ONLY = "این کار فقط از دبیرخانه ساخته است."
WRONG_ACTOR = {
    A.SUBMIT: (S.DRAFT, "tehran", OFFICER_ONLY),
    A.WITHDRAW: (S.SUBMITTED, "admin", OFFICER_ONLY),
    A.ACCEPT: (S.SUBMITTED, "fars", PROVINCIAL_AFFAIRS_ONLY),
    A.RETURN: (S.SUBMITTED, "oversight-1", PROVINCIAL_AFFAIRS_ONLY),
    A.FAIL_COMPLIANCE: (S.SHORTLISTED, "provincial_affairs-chair", "این کار فقط از کمیتهٔ نظارت و پیگیری ساخته است."),
    A.SHORTLIST: (S.IN_EVALUATION, "winners-1", "این کار فقط از رئیس کمیتهٔ برگزیدگان یا دبیرخانه ساخته است."),
    A.AWARD: (S.SHORTLISTED, "winners-chair", SECRETARIAT_ONLY),
    A.NOT_SELECT: (S.IN_EVALUATION, "content-chair", SECRETARIAT_ONLY),
}


@pytest.mark.parametrize("action", [a for a in A if a not in PROVINCIAL_ACTIONS], ids=str)
def test_wrong_actor_refusal_names_who_may_take_the_edge(session, demo, action):
    state, actor, message = WRONG_ACTOR[action]
    nomination = put_in_state(session, by_name(session, ELECTRONICS), state)
    assert not EDGES[action].allowed(demo.users[actor], nomination)
    assert assert_refused(session, demo, nomination, action, actor, PermissionDenied).message == message


def test_wrong_actor_refusal_in_english(app, session, demo):
    nomination = by_name(session, MASKATI)
    with app.test_request_context(), force_locale("en"):
        refusal = assert_refused(session, demo, nomination, A.SUBMIT, "tehran", PermissionDenied)
    assert refusal.message == "Only the provincial officer of this dossier can do this."


# --- wrong phase ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment", [jalali_moment(1404, 3, 1, 9, 0), jalali_moment(1403, 11, 20, 9, 0)],
                         ids=["after-close", "before-open"])
def test_submit_outside_nomination_phase_is_refused(session, demo, moment):
    nomination = complete_draft(session, demo, "fars", "cluster", "خوشهٔ آزمایشی فارس")
    clock.freeze(moment)
    assert_refused(session, demo, nomination, A.SUBMIT, "fars", PhaseClosed)


def test_submit_one_minute_after_close_is_refused_and_one_minute_before_is_allowed(session, demo):
    nomination = complete_draft(session, demo, "fars", "cluster", "خوشهٔ آزمایشی فارس")
    clock.freeze(demo.cycle.nominations_close_at)
    assert_refused(session, demo, nomination, A.SUBMIT, "fars", PhaseClosed)
    clock.freeze(jalali_moment(1404, 2, 31, 23, 58))
    services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["fars"])
    assert nomination.state == S.SUBMITTED


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED])
def test_withdraw_after_nominations_close_is_refused(session, demo, state):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), state)
    clock.freeze(SCREENING_PHASE)
    assert_refused(session, demo, nomination, A.WITHDRAW, "fars", PhaseClosed)


@pytest.mark.parametrize("action", [A.ACCEPT, A.RETURN])
def test_screening_after_screening_close_is_refused(session, demo, action):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    clock.freeze(AFTER_SCREENING)
    assert_refused(session, demo, nomination, action, "provincial_affairs-chair", PhaseClosed)


@pytest.mark.parametrize("action", [A.ACCEPT, A.RETURN])
def test_screening_during_screening_phase_is_allowed(session, demo, action):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    clock.freeze(SCREENING_PHASE)
    services.transition(session, nomination=nomination, action=action, actor=demo.users["provincial_affairs-1"],
                        reason="دلیل")
    assert nomination.state == EDGES[action].target


def test_fail_compliance_after_results_final_is_refused(session, demo):
    clock.freeze(jalali_moment(1404, 4, 6, 10, 0))
    assert_refused(session, demo, by_name(session, ELECTRONICS), A.FAIL_COMPLIANCE, "oversight-chair", PhaseClosed)


def test_shortlist_during_nomination_phase_is_refused(session, demo):
    clock.freeze(NOMINATION_PHASE)
    assert_refused(session, demo, by_name(session, ELECTRONICS), A.SHORTLIST, "winners-chair", PhaseClosed)


# --- reasons ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", [None, "", "   \n  "], ids=["none", "empty", "blank"])
def test_return_without_reason_is_refused(session, demo, reason):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    error = assert_refused(session, demo, nomination, A.RETURN, "provincial_affairs-chair", DomainError,
                           reason=reason)
    assert error.field == "reason"


@pytest.mark.parametrize("reason", [None, ""], ids=["none", "empty"])
def test_fail_compliance_without_reason_is_refused(session, demo, reason):
    error = assert_refused(session, demo, by_name(session, ELECTRONICS), A.FAIL_COMPLIANCE, "oversight-chair",
                           DomainError, reason=reason)
    assert error.field == "reason"


def test_return_records_reason_and_screening_decision(session, demo):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    services.transition(session, nomination=nomination, action=A.RETURN, actor=demo.users["provincial_affairs-chair"],
                        reason="  گواهی استاندارد پیوست نشده است. ")
    session.flush()
    assert nomination.state == S.DRAFT
    assert nomination.return_reason == "گواهی استاندارد پیوست نشده است."
    decision = session.scalars(select(ScreeningDecision).where(ScreeningDecision.nomination_id == nomination.id)
                               .order_by(ScreeningDecision.id.desc()).limit(1)).one()
    assert decision.outcome == ScreeningOutcome.RETURNED
    assert decision.reason == "گواهی استاندارد پیوست نشده است."


# --- completeness and quota -------------------------------------------------------------------------------

def test_submit_incomplete_dossier_is_refused_with_missing_fields(session, demo):
    error = assert_refused(session, demo, by_name(session, MASKATI), A.SUBMIT, "fars", IncompleteDossier)
    assert set(error.missing) == {"founding_year", "employees", "narrative", "documents"}
    assert "سال تأسیس" in error.message
    assert "دست‌کم یک مدرک پیوست" in error.message


def test_submit_legal_entity_without_legal_id_is_refused(session, demo):
    nomination = complete_draft(session, demo, "fars", "industry", "شرکت آزمایشی بدون شناسه")
    error = assert_refused(session, demo, nomination, A.SUBMIT, "fars", IncompleteDossier)
    assert set(error.missing) == {"legal_id"}


def test_submit_cluster_without_legal_id_is_allowed(session, demo):
    nomination = complete_draft(session, demo, "fars", "cluster", "خوشهٔ بی‌شناسه")
    clock.freeze(NOMINATION_PHASE)
    services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["fars"])
    assert nomination.state == S.SUBMITTED
    assert nomination.submitted_at == NOMINATION_PHASE


def test_submit_beyond_province_quota_is_refused(session, demo):
    # Fars may send two clusters: fill both slots, then a third is refused.
    for name in ("خوشهٔ یکم", "خوشهٔ دوم"):
        nomination = complete_draft(session, demo, "fars", "cluster", name)
        services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["fars"])
    third = complete_draft(session, demo, "fars", "cluster", "خوشهٔ سوم")
    error = assert_refused(session, demo, third, A.SUBMIT, "fars", DomainError)
    assert "سهمیهٔ استان" in error.message


def test_quota_counts_only_the_same_province(session, demo):
    for name in ("خوشهٔ یکم تهران", "خوشهٔ دوم تهران"):
        nomination = complete_draft(session, demo, "tehran", "cluster", name)
        services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["tehran"])
    fars = complete_draft(session, demo, "fars", "cluster", "خوشهٔ فارس")
    services.transition(session, nomination=fars, action=A.SUBMIT, actor=demo.users["fars"])
    assert fars.state == S.SUBMITTED


def test_withdrawn_nomination_frees_its_quota_slot(session, demo):
    first = complete_draft(session, demo, "fars", "cluster", "خوشهٔ یکم")
    second = complete_draft(session, demo, "fars", "cluster", "خوشهٔ دوم")
    for nomination in (first, second):
        services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["fars"])
    services.transition(session, nomination=first, action=A.WITHDRAW, actor=demo.users["fars"])
    third = complete_draft(session, demo, "fars", "cluster", "خوشهٔ سوم")
    services.transition(session, nomination=third, action=A.SUBMIT, actor=demo.users["fars"])
    assert third.state == S.SUBMITTED


# --- fix and resubmit -------------------------------------------------------------------------------------

def test_resubmit_after_return_clears_the_return_reason(session, demo):
    nomination = by_name(session, RETURNED_TILES)
    assert nomination.state == S.DRAFT
    assert nomination.return_reason
    services.update_draft(session, actor=demo.users["khorasan"], nomination=nomination,
                          values={"narrative": "تولید کاشی با گواهی استاندارد ملی."})
    services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["khorasan"])
    assert nomination.state == S.SUBMITTED
    assert nomination.return_reason is None


def test_resubmit_after_return_is_allowed_during_screening(session, demo):
    nomination = by_name(session, RETURNED_TILES)
    clock.freeze(SCREENING_PHASE)
    services.transition(session, nomination=nomination, action=A.SUBMIT, actor=demo.users["khorasan"])
    assert nomination.state == S.SUBMITTED


def test_resubmit_after_return_is_refused_after_screening_closes(session, demo):
    nomination = by_name(session, RETURNED_TILES)
    clock.freeze(AFTER_SCREENING)
    assert_refused(session, demo, nomination, A.SUBMIT, "khorasan", PhaseClosed)


def test_first_submit_during_screening_is_still_refused(session, demo):
    nomination = complete_draft(session, demo, "fars", "cluster", "خوشهٔ آزمایشی فارس")
    clock.freeze(SCREENING_PHASE)
    assert_refused(session, demo, nomination, A.SUBMIT, "fars", PhaseClosed)


def test_accept_raises_automatic_conflict_flags(session, demo):
    from awards.enums import ConflictSource
    from awards.models import Conflict

    nomination = put_in_state(session, by_name(session, PHARMA), S.SUBMITTED)
    member = demo.users["winners-2"]
    member.organisation = nomination.nominee_name
    session.flush()
    services.transition(session, nomination=nomination, action=A.ACCEPT,
                        actor=demo.users["provincial_affairs-chair"])
    flags = session.scalars(select(Conflict).where(Conflict.nomination_id == nomination.id)).all()
    assert [(f.user_id, f.source) for f in flags] == [(member.id, ConflictSource.SAME_ORGANISATION)]


# --- drafts -----------------------------------------------------------------------------------------------

def test_create_draft_needs_only_a_name_and_normalises_it(session, demo):
    nomination = services.create_draft(session, actor=demo.users["fars"], category=demo.categories["project"],
                                       values={"nominee_name": "  طرح  كارخانه ي  "})
    assert nomination.nominee_name == "طرح کارخانه ی"
    assert nomination.search_name == "طرح کارخانه ی"
    assert nomination.province_id == demo.users["fars"].province_id
    assert nomination.state == S.DRAFT


def test_create_draft_without_name_is_refused_on_the_name_field(session, demo):
    with pytest.raises(DomainError) as refused:
        services.create_draft(session, actor=demo.users["fars"], category=demo.categories["project"],
                              values={"nominee_name": "  "})
    assert refused.value.field == "nominee_name"


def test_update_draft_ignores_state_and_province_values(session, demo):
    nomination = by_name(session, MASKATI)
    province = nomination.province_id
    services.update_draft(session, actor=demo.users["fars"], nomination=nomination,
                          values={"state": "submitted", "province_id": demo.users["tehran"].province_id,
                                  "city": "لارستان"})
    assert (nomination.state, nomination.province_id, nomination.city) == (S.DRAFT, province, "لارستان")


def test_update_draft_of_submitted_nomination_is_refused(session, demo):
    nomination = put_in_state(session, by_name(session, ELECTRONICS), S.SUBMITTED)
    with pytest.raises(InvalidTransition):
        services.update_draft(session, actor=demo.users["fars"], nomination=nomination, values={"city": "x"})
