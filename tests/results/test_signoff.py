"""Chairs' sign-off of their committee's scoring of a category, and the proposal gate it makes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from awards import clock
from awards.enums import CommitteeCode, NominationState, SignoffState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation import services as evaluation
from awards.models import AuditEvent, CategoryCommittee, CommitteeSignoff, Criterion, Nomination, ScoreSheet
from awards.results import services, signoff
from awards.results.queries import load_results
from tests.conftest import csrf_token
from tests.factories import seal_winners_minutes, sign_off_all
from tests.results.conftest import (
    AFTER_EVALUATION,
    DURING_EVALUATION,
    cluster,
    committee,
    declare_conflict,
    nomination_named,
    user,
)

CARPET = "خوشه فرش دستباف کاشان"
WEIGHTED = [CommitteeCode.WINNERS, CommitteeCode.PROVINCIAL_AFFAIRS, CommitteeCode.MEDIA, CommitteeCode.FINANCE,
            CommitteeCode.CONTENT]


def _sign(session, code: CommitteeCode, actor: str | None = None):
    return signoff.sign_off(session, category=cluster(session), committee=committee(session, code),
                            actor=user(session, actor or f"{code.value}-chair"))


def _states(session) -> dict[str, SignoffState]:
    data = load_results(session, category=cluster(session))
    return {str(s.code): s.state for s in signoff.statuses(session, data=data)}


def _events(session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _rows(session) -> int:
    return session.scalar(select(func.count()).select_from(CommitteeSignoff))


# ---------------------------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------------------------


def test_signoff_by_the_chair_is_recorded_and_audited(scored, session):
    row = _sign(session, CommitteeCode.MEDIA)
    session.commit()
    assert row.user_id == user(session, "media-chair").id and row.signed_at == clock.now()
    assert len(row.snapshot) == 64
    assert _states(session) == {str(code): SignoffState.SIGNED if code == CommitteeCode.MEDIA
                                else SignoffState.AWAITING for code in WEIGHTED}
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == signoff.SIGN_ACTION))
    assert event.object_type == "category" and event.object_id == cluster(session).id
    assert event.changes["committee"] == [None, "media"]
    assert event.changes["state"] == ["awaiting_signoff", "signed_off"]
    assert event.changes["snapshot"] == [None, row.snapshot]


@pytest.mark.parametrize("actor", ["media-1", "winners-chair", "admin", "fars"])
def test_signoff_refused_for_anyone_but_the_committees_chair(scored, session, actor):
    with pytest.raises(PermissionDenied):
        _sign(session, CommitteeCode.MEDIA, actor=actor)
    session.rollback()
    assert _rows(session) == 0 and _events(session, signoff.SIGN_ACTION) == 0


def test_signoff_refused_for_the_oversight_gate(scored, session):
    with pytest.raises(PermissionDenied):
        _sign(session, CommitteeCode.OVERSIGHT)
    session.rollback()
    assert _rows(session) == 0


def test_signoff_refused_before_evaluation_closes(scored, session):
    clock.freeze(DURING_EVALUATION)
    with pytest.raises(PhaseClosed):
        _sign(session, CommitteeCode.MEDIA)
    session.rollback()
    assert _rows(session) == 0 and _events(session, signoff.SIGN_ACTION) == 0


def test_signoff_refused_twice(scored, session):
    first = _sign(session, CommitteeCode.MEDIA)
    session.commit()
    snapshot, signed_at = first.snapshot, first.signed_at
    with pytest.raises(InvalidTransition, match="پیش‌تر امضا شده"):
        _sign(session, CommitteeCode.MEDIA)
    session.rollback()
    assert _rows(session) == 1 and _events(session, signoff.SIGN_ACTION) == 1
    row = session.scalar(select(CommitteeSignoff))
    assert (row.snapshot, row.signed_at) == (snapshot, signed_at)


def test_signoff_refused_for_a_committee_without_criteria_in_the_category(scored, session):
    category = cluster(session)
    # Drop media's criteria from the category (their scores go with them), as an organizer's rubric reset would.
    media_id = committee(session, CommitteeCode.MEDIA).id
    for criterion in session.scalars(select(Criterion).where(Criterion.category_id == category.id,
                                                             Criterion.committee_id == media_id)):
        session.delete(criterion)
    session.commit()
    with pytest.raises(DomainError, match="معیاری ندارد"):
        _sign(session, CommitteeCode.MEDIA)
    session.rollback()
    assert _rows(session) == 0


# ---------------------------------------------------------------------------------------------------------------
# The proposal gate
# ---------------------------------------------------------------------------------------------------------------


def test_proposal_refused_while_a_weighted_committee_has_not_signed(scored, session):
    for code in WEIGHTED:
        if code != CommitteeCode.FINANCE:
            _sign(session, code)
    session.commit()
    events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(DomainError, match="«مالی»"):
        services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.rollback()
    assert cluster(session).proposed_at is None
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
    states = set(session.scalars(select(Nomination.state).where(Nomination.category_id == cluster(session).id)))
    assert NominationState.SHORTLISTED not in states


def test_proposal_needs_no_signoff_from_a_committee_of_weight_zero(scored, session):
    category = cluster(session)
    session.execute(update(CategoryCommittee).where(
        CategoryCommittee.category_id == category.id,
        CategoryCommittee.committee_id == committee(session, CommitteeCode.MEDIA).id).values(weight=Decimal(0)))
    session.commit()
    sign_off_all(session, category)
    assert _states(session)[CommitteeCode.MEDIA] == SignoffState.AWAITING
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    assert cluster(session).proposed_at is not None


def test_signoffs_stay_valid_through_the_proposal_and_confirmation(scored, session):
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    services.confirm(session, category=cluster(session), actor=user(session, "admin"))
    session.commit()
    assert set(_states(session).values()) == {SignoffState.SIGNED}


# ---------------------------------------------------------------------------------------------------------------
# Outdated: an input changed after the sign-off
# ---------------------------------------------------------------------------------------------------------------


def _media_sheet(session, member: str = "media-1") -> ScoreSheet:
    return session.scalar(select(ScoreSheet).where(
        ScoreSheet.nomination_id == nomination_named(session, CARPET).id,
        ScoreSheet.committee_id == committee(session, CommitteeCode.MEDIA).id,
        ScoreSheet.member_id == user(session, member).id))


def test_signoff_goes_out_of_date_when_a_sheet_is_reopened(scored, session):
    sign_off_all(session, cluster(session))
    session.commit()
    clock.freeze(DURING_EVALUATION)  # as if the secretariat had extended evaluation
    evaluation.reopen_sheet(session, sheet=_media_sheet(session), actor=user(session, "media-chair"),
                            reason="نمرهٔ معیار دوم اشتباه وارد شده است")
    session.commit()
    clock.freeze(AFTER_EVALUATION)
    states = _states(session)
    assert states.pop(CommitteeCode.MEDIA) == SignoffState.OUTDATED
    assert set(states.values()) == {SignoffState.SIGNED}  # the other committees' scoring did not change
    with pytest.raises(DomainError, match="«رسانه»"):
        services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.rollback()
    assert cluster(session).proposed_at is None
    # The chair signs the scoring as it counts now; then the proposal goes through.
    row = _sign(session, CommitteeCode.MEDIA)
    session.commit()
    assert _events(session, signoff.SIGN_ACTION) == len(WEIGHTED) + 1
    assert row.id == session.scalar(select(func.min(CommitteeSignoff.id)).where(
        CommitteeSignoff.committee_id == committee(session, CommitteeCode.MEDIA).id))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    assert cluster(session).proposed_at is not None


def test_signoff_holds_again_when_the_reopened_sheet_is_resubmitted_unchanged(scored, session):
    sign_off_all(session, cluster(session))
    session.commit()
    clock.freeze(DURING_EVALUATION)
    sheet = _media_sheet(session)
    values = {score.criterion_id: score.value for score in sheet.scores}
    evaluation.reopen_sheet(session, sheet=sheet, actor=user(session, "media-chair"), reason="بازبینی")
    session.commit()
    evaluation.save_sheet(session, nomination=nomination_named(session, CARPET),
                          committee=committee(session, CommitteeCode.MEDIA), actor=user(session, "media-1"),
                          values=values, comment="", submit=True)
    session.commit()
    clock.freeze(AFTER_EVALUATION)
    assert _states(session)[CommitteeCode.MEDIA] == SignoffState.SIGNED  # the same scoring counts as was signed


def test_signoff_goes_out_of_date_when_a_conflict_drops_a_sheet(scored, session):
    sign_off_all(session, cluster(session))
    session.commit()
    declare_conflict(session, nomination=nomination_named(session, CARPET), member=user(session, "finance-2"))
    session.commit()
    assert _states(session)[CommitteeCode.FINANCE] == SignoffState.OUTDATED
    assert _states(session)[CommitteeCode.MEDIA] == SignoffState.SIGNED


# ---------------------------------------------------------------------------------------------------------------
# Withdrawing
# ---------------------------------------------------------------------------------------------------------------


def test_chair_withdraws_the_signoff_before_the_proposal(scored, session):
    _sign(session, CommitteeCode.MEDIA)
    session.commit()
    signoff.withdraw(session, category=cluster(session), committee=committee(session, CommitteeCode.MEDIA),
                     actor=user(session, "media-chair"))
    session.commit()
    assert _rows(session) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == signoff.WITHDRAW_ACTION))
    assert event.changes["state"] == ["signed_off", "awaiting_signoff"]
    with pytest.raises(InvalidTransition, match="امضایی برای پس گرفتن نیست"):
        signoff.withdraw(session, category=cluster(session), committee=committee(session, CommitteeCode.MEDIA),
                         actor=user(session, "media-chair"))


def test_withdrawal_refused_once_the_result_is_proposed(scored, session):
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    with pytest.raises(InvalidTransition, match="پیشنهاد شده است"):
        signoff.withdraw(session, category=cluster(session), committee=committee(session, CommitteeCode.MEDIA),
                         actor=user(session, "media-chair"))
    session.rollback()
    assert _rows(session) == len(WEIGHTED) and _events(session, signoff.WITHDRAW_ACTION) == 0


def test_signoff_refused_once_the_category_is_final(scored, session):
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    services.confirm(session, category=cluster(session), actor=user(session, "admin"))
    session.commit()
    with pytest.raises(DomainError, match="نهایی"):
        signoff.withdraw(session, category=cluster(session), committee=committee(session, CommitteeCode.MEDIA),
                         actor=user(session, "media-chair"))


# ---------------------------------------------------------------------------------------------------------------
# Through the page
# ---------------------------------------------------------------------------------------------------------------


def _post(client, path: str):
    return client.post(path, data={"csrf_token": csrf_token(client, "/results/")})


def test_page_shows_each_committees_signoff(scored, client, session, login_as):
    _sign(session, CommitteeCode.WINNERS)
    session.commit()
    login_as("admin")
    html = client.get(f"/results/{cluster(session).id}").get_data(as_text=True)
    assert 'id="signoffs"' in html
    assert 'class="signoff-winners" data-state="signed_off"' in html
    assert user(session, "winners-chair").full_name in html and "۱۴۰۴" in html  # who, and when in Jalali
    assert 'class="signoff-media" data-state="awaiting_signoff"' in html and "در انتظار امضای رئیس" in html
    assert "امضای امتیازهای کمیته</button>" not in html  # the organizer signs nothing
    assert "پیش از پیشنهاد، این کمیته‌ها باید" in html


def test_chair_signs_off_and_withdraws_through_the_page(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("media-chair")
    page = client.get(f"/results/{cid}").get_data(as_text=True)
    assert f'action="/results/{cid}/signoff/media"' in page
    assert f'action="/results/{cid}/signoff/winners"' not in page  # only their own committee's button
    response = _post(client, f"/results/{cid}/signoff/media")
    assert response.status_code == 302 and response.headers["Location"].endswith("#signoffs")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "امتیازهای کمیته امضا شد." in html and 'data-state="signed_off"' in html
    assert f'action="/results/{cid}/signoff/media/withdraw"' in html
    session.rollback()
    assert _rows(session) == 1
    response = _post(client, f"/results/{cid}/signoff/media")  # twice: flashed, nothing changes
    assert "پیش‌تر امضا شده" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _post(client, f"/results/{cid}/signoff/media/withdraw").status_code == 302
    session.rollback()
    assert _rows(session) == 0


def test_signoff_routes_refuse_others_and_want_csrf(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("media-1")
    assert _post(client, f"/results/{cid}/signoff/media").status_code == 403
    assert _post(client, f"/results/{cid}/signoff/nonsense").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/results/")})
    login_as("media-chair")
    assert _post(client, f"/results/{cid}/signoff/winners").status_code == 403
    assert client.post(f"/results/{cid}/signoff/media").status_code == 400
    session.rollback()
    assert _rows(session) == 0


def test_chair_cannot_sign_off_during_evaluation_through_the_page(scored, client, session, login_as):
    clock.freeze(DURING_EVALUATION)
    login_as("media-chair")
    assert _post(client, f"/results/{cluster(session).id}/signoff/media").status_code == 403  # scores unseen
    session.rollback()
    assert _rows(session) == 0


def test_proposal_through_the_page_is_refused_until_every_committee_signed(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("winners-chair")
    html = client.get(f"/results/{cid}").get_data(as_text=True)
    assert "پیش از پیشنهاد، این کمیته‌ها باید" in html
    response = _post(client, f"/results/{cid}/propose")
    assert "هنوز امضا نشده" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert cluster(session).proposed_at is None
