"""A category's result is proposed only with sealed winners' minutes ranking that very result."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards.enums import NominationState
from awards.errors import DomainError
from awards.minutes_gate import MinutesMissing, require_sealed_ranking
from awards.models import AuditEvent, Nomination
from awards.results import services as results
from tests.factories import sign_off_all
from tests.meetings.conftest import rank, record, sign
from tests.results.conftest import cluster, user


def _propose(session):
    sign_off_all(session, cluster(session))  # the chairs' sign-off, the proposal's other gate
    return results.propose(session, category=cluster(session), actor=user(session, "winners-chair"))


def _nothing_proposed(session) -> None:
    session.rollback()
    category = cluster(session)
    assert category.proposed_at is None
    assert session.scalar(select(func.count()).select_from(Nomination).where(
        Nomination.category_id == category.id, Nomination.state == NominationState.SHORTLISTED)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == results.PROPOSE_ACTION)) == 0


def test_proposal_refused_without_sealed_minutes(scored, session):
    with pytest.raises(MinutesMissing, match="صورتجلسهٔ مهر و موم‌شدهٔ کمیتهٔ برگزیدگان"):
        _propose(session)
    _nothing_proposed(session)


def test_proposal_refused_with_minutes_not_yet_sealed(ranked, session):
    sign(session, ranked, "chair", "1")  # one attendee still to sign
    session.commit()
    with pytest.raises(MinutesMissing):
        _propose(session)
    _nothing_proposed(session)


def test_proposal_refused_with_stale_minutes_and_names_the_meeting(sealed, session):
    """The result changes after the meeting (here: a tier quota), so the minutes no longer rank it."""
    cluster(session).certificate_quota = 0
    session.commit()
    with pytest.raises(MinutesMissing, match="پس از جلسهٔ 1404-WIN-01 تغییر کرده است"):
        _propose(session)
    _nothing_proposed(session)
    again = record(session)
    rank(session, again)
    sign(session, again, "chair", "1", "2")
    assert _propose(session).result.ranked[1].tier is None
    assert cluster(session).proposed_at is not None


def test_proposal_passes_with_sealed_minutes_of_the_current_result(sealed, session):
    data = _propose(session)
    assert data.result.ranked[0].tier is not None
    assert cluster(session).proposed_at is not None


def test_gate_refuses_a_digest_that_differs_naming_the_latest_meeting(sealed, session):
    with pytest.raises(DomainError, match="1404-WIN-01"):
        require_sealed_ranking(session, category=cluster(session), result_digest="0" * 64)
    later = record(session)
    rank(session, later)
    sign(session, later, "chair", "1", "2")
    assert require_sealed_ranking(session, category=cluster(session),
                                  result_digest=later.decisions[0].result_digest).number in ("1404-WIN-01",
                                                                                              "1404-WIN-02")
    with pytest.raises(DomainError, match="1404-WIN-02"):
        require_sealed_ranking(session, category=cluster(session), result_digest="0" * 64)
