"""The publication state machine: who, when and from which state; refusals change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from awards import clock
from awards.enums import PublicationAction, PublicationState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.models import AuditEvent, Category, Publication
from awards.publication.services import transition
from tests.publication.conftest import BEFORE_CEREMONY_DAY, CEREMONY_MORNING, event_count, publication

A = PublicationAction
INTRO = "برگزیدگان دورهٔ ۱۴۰۴ به شرح زیرند."


def _do(session, demo, action, user="media-chair", **kwargs):
    result = transition(session, cycle=demo.cycle, action=action, actor=demo.users[user], **kwargs)
    session.commit()
    return result


def _final_ids(session, demo) -> list[int]:
    return list(session.scalars(select(Category.id).where(Category.cycle_id == demo.cycle.id,
                                                          Category.finalised_at.is_not(None))
                                .order_by(Category.position)))


def test_transition_intro_then_approve_records_the_final_categories(session, unpublished):
    last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    _do(session, unpublished, A.SAVE_INTRO, intro="  " + INTRO + "  ")
    row = _do(session, unpublished, A.APPROVE)
    assert (row.state, row.intro, row.category_ids) == (PublicationState.APPROVED, INTRO,
                                                        _final_ids(session, unpublished))
    assert row.approved_by_id == unpublished.users["media-chair"].id
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.id > last)
                              .order_by(AuditEvent.id)).all()
    assert actions == ["publication.save_intro", "publication.approve"]


def test_transition_approve_without_an_intro_is_refused_and_changes_nothing(session, unpublished):
    before = event_count(session)
    with pytest.raises(DomainError) as refused:
        _do(session, unpublished, A.APPROVE)
    session.rollback()
    assert refused.value.field == "intro"
    assert publication(session) is None and event_count(session) == before


def test_transition_approve_with_no_confirmed_result_is_refused(session, demo):
    _do(session, demo, A.SAVE_INTRO, intro=INTRO)
    with pytest.raises(InvalidTransition, match="نهایی نشده"):
        _do(session, demo, A.APPROVE)
    session.rollback()
    assert publication(session).state is PublicationState.PREPARING


def test_transition_open_before_approval_is_refused(session, unpublished):
    clock.freeze(CEREMONY_MORNING)
    _do(session, unpublished, A.SAVE_INTRO, intro=INTRO)
    with pytest.raises(InvalidTransition, match="تأیید کند"):
        _do(session, unpublished, A.OPEN)


def test_transition_open_before_the_ceremony_date_is_refused_and_changes_nothing(session, unpublished):
    _do(session, unpublished, A.SAVE_INTRO, intro=INTRO)
    _do(session, unpublished, A.APPROVE)
    clock.freeze(BEFORE_CEREMONY_DAY)
    before = event_count(session)
    with pytest.raises(PhaseClosed, match="۴ شهریور ۱۴۰۴") as refused:
        _do(session, unpublished, A.OPEN)
    session.rollback()
    assert refused.value.field == "open"
    row = publication(session)
    assert (row.state, row.opened_at, event_count(session)) == (PublicationState.APPROVED, None, before)


def test_transition_open_on_the_ceremony_day_before_its_hour_is_allowed(session, unpublished):
    _do(session, unpublished, A.SAVE_INTRO, intro=INTRO)
    _do(session, unpublished, A.APPROVE)
    clock.freeze(CEREMONY_MORNING)
    row = _do(session, unpublished, A.OPEN)
    assert (row.state, row.opened_at) == (PublicationState.OPEN, CEREMONY_MORNING)


@pytest.mark.parametrize("user", ["media-1", "admin", "winners-chair", "content-chair"])
@pytest.mark.parametrize("action", list(A))
def test_transition_by_anyone_but_the_media_chair_is_refused(session, unpublished, user, action):
    with pytest.raises(PermissionDenied):
        _do(session, unpublished, action, user=user, intro=INTRO)
    session.rollback()
    assert publication(session) is None


def test_transition_editing_the_intro_withdraws_an_approval(session, unpublished):
    _do(session, unpublished, A.SAVE_INTRO, intro=INTRO)
    _do(session, unpublished, A.APPROVE)
    row = _do(session, unpublished, A.SAVE_INTRO, intro=INTRO + " ویرایش")
    assert (row.state, row.approved_at, row.category_ids) == (PublicationState.PREPARING, None, [])


def test_transition_editing_the_intro_of_an_open_page_is_refused(session, final):
    with pytest.raises(InvalidTransition, match="دیگر تغییر نمی‌کند"):
        _do(session, final, A.SAVE_INTRO, intro=INTRO)


def test_transition_approving_an_open_page_again_keeps_it_open(session, final):
    row = _do(session, final, A.APPROVE)
    assert row.state is PublicationState.OPEN and row.opened_at is not None


def test_transition_an_empty_intro_is_refused_beside_the_field(session, unpublished):
    with pytest.raises(DomainError) as refused:
        _do(session, unpublished, A.SAVE_INTRO, intro=" \n ")
    assert refused.value.field == "intro"


def test_publication_open_state_without_an_opening_is_refused_by_the_database(session, final):
    with pytest.raises(IntegrityError):
        session.execute(update(Publication).values(opened_at=None, opened_by_id=None))
        session.flush()
    session.rollback()


def test_publication_demo_final_ends_open_after_the_ceremony(session, final):
    row = publication(session)
    assert row.state is PublicationState.OPEN
    assert row.opened_at >= final.cycle.ceremony_at
    assert row.category_ids == _final_ids(session, final)
