"""Fixtures for minutes: the results fixtures (the demo with the cluster category scored, the clock after
evaluation), and helpers recording the winners committee's minutes through the services."""

from __future__ import annotations

import pytest

from awards import clock
from awards.db import reset_write_intent, set_write_intent
from awards.enums import CommitteeCode, DecisionKind, MeetingAction
from awards.meetings import services
from awards.models import Cycle, Meeting
from awards.persian import TEHRAN
from tests.results.conftest import (
    AFTER_EVALUATION,
    DEFAULT_PLAN,
    DURING_EVALUATION,
    cluster,
    committee,
    score_plan,
    user,
)

PLACE = "تهران، وزارت صنعت، معدن و تجارت، تالار شهید رجایی"
AGENDA = "بررسی رتبه‌بندی رشتهٔ خوشهٔ صنعتی برتر"


@pytest.fixture(autouse=True)
def _test_session_reads_without_write_lock():
    """As in the results tests: the test's own session begins plain transactions, so requests can write."""
    token = set_write_intent(False)
    yield
    reset_write_intent(token)


@pytest.fixture
def scored(demo, session):
    """The demo with every scoring member's sheets on the cluster nominees, the clock after evaluation closed."""
    clock.freeze(DURING_EVALUATION)
    score_plan(session, DEFAULT_PLAN)
    session.commit()
    clock.freeze(AFTER_EVALUATION)
    return demo


def today():
    return clock.now().astimezone(TEHRAN).date()


def record(session, *, present=("chair", "1", "2"), code: CommitteeCode = CommitteeCode.WINNERS,
           actor: str | None = None) -> Meeting:
    """Minutes of ``code``'s meeting today with the members ``present`` (username suffixes), by its chair."""
    cycle = session.get(Cycle, cluster(session).cycle_id)
    return services.record_meeting(
        session, cycle=cycle, committee=committee(session, code), actor=user(session, actor or f"{code.value}-chair"),
        held_on=today(), place=PLACE, agenda=AGENDA,
        attendee_ids=[user(session, f"{code.value}-{suffix}").id for suffix in present])


def rank(session, meeting: Meeting) -> None:
    services.add_decision(session, meeting=meeting, actor=user(session, "winners-chair"),
                          kind=DecisionKind.CATEGORY_RANKING, category=cluster(session), text="تصویب شد.")


def sign(session, meeting: Meeting, *suffixes: str) -> Meeting:
    for suffix in suffixes:
        services.transition(session, meeting=meeting, action=MeetingAction.SIGN,
                            actor=user(session, f"winners-{suffix}"))
    return meeting


@pytest.fixture
def ranked(scored, session) -> Meeting:
    """Winners' minutes with all three members present and the cluster's ranking, unsigned, committed."""
    meeting = record(session)
    rank(session, meeting)
    session.commit()
    return meeting


@pytest.fixture
def sealed(ranked, session) -> Meeting:
    sign(session, ranked, "chair", "1", "2")
    session.commit()
    return ranked
