"""The per-province quota holds when the chair's two forwards race for the last place (the category row is
locked FOR UPDATE, as for submits with the round off)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from awards.db import db
from awards.enums import NominationAction, NominationState
from awards.errors import DomainError
from awards.models import Nomination, User
from awards.nominations import services

QUOTA_FULL = "سهمیهٔ استان در رشتهٔ «خوشهٔ صنعتی برتر» (۲ نامزد) پر شده است."


def forward_in_own_session(nomination_id: int, user_id: int, barrier: threading.Barrier | None = None) -> str:
    """Forward from a separate session (as a separate request would), returning "won" or the refusal."""
    own = db.session_factory()
    try:
        nomination = own.get(Nomination, nomination_id)
        actor = own.get(User, user_id)
        _ = nomination.cycle.provincial_round, list(actor.provincial_seats)  # load before the race
        if barrier is not None:
            own.rollback()
            barrier.wait(timeout=30)
        services.transition(own, nomination=nomination, action=NominationAction.FORWARD, actor=actor)
        own.commit()
        return "won"
    except DomainError as error:
        own.rollback()
        return error.message
    finally:
        own.close()


def forwarded(session, demo) -> int:
    session.commit()
    return session.scalar(select(func.count(Nomination.id)).where(
        Nomination.category_id == demo.categories["cluster"].id, Nomination.state == NominationState.FORWARDED))


@pytest.fixture
def last_place(session, selecting):
    """One of the two cluster places is taken; the other two submitted clusters compete for the last one."""
    first, *rivals = selecting.clusters
    services.transition(session, nomination=session.get(Nomination, first), action=NominationAction.FORWARD,
                        actor=selecting.users["fars-chair"])
    session.commit()
    return rivals


@pytest.mark.postgres_only
def test_two_racing_forwards_for_the_last_place_exactly_one_wins(session, selecting, last_place):
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}
    chair_id = selecting.users["fars-chair"].id

    def run(nomination_id: int) -> None:
        results[nomination_id] = forward_in_own_session(nomination_id, chair_id, barrier)

    threads = [threading.Thread(target=run, args=(nomination_id,)) for nomination_id in last_place]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results.values()) == sorted(["won", QUOTA_FULL])
    assert forwarded(session, selecting.demo) == 2


def test_a_second_forward_for_the_last_place_is_refused(session, selecting, last_place):
    chair_id = selecting.users["fars-chair"].id
    first, second = last_place
    assert forward_in_own_session(first, chair_id) == "won"
    assert forward_in_own_session(second, chair_id) == QUOTA_FULL
    assert forwarded(session, selecting.demo) == 2
