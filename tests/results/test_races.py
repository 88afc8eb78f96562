"""Real row-lock races on PostgreSQL: one finalisation only, and no score slips into a frozen result."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards.db import db
from awards.errors import DomainError
from awards.guards import assert_category_open
from awards.models import Award, Category, Cycle, Score, ScoreSheet, User
from awards.results import services
from tests.factories import seal_winners_minutes, sign_off_all
from tests.results.conftest import PG_ONLY, cluster, user

pytestmark = PG_ONLY


def _propose(session) -> int:
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    return cluster(session).id


def _run_together(*jobs) -> list[str]:
    """Run each job(session) in its own thread and session, started together; return 'ok' or the refusal."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str | None] = [None] * len(jobs)

    def runner(index, job):
        session = db.session_factory()
        try:
            barrier.wait(timeout=30)
            job(session)
            session.commit()
            outcomes[index] = "ok"
        except DomainError as err:
            session.rollback()
            outcomes[index] = err.message
        except Exception as err:  # surfaced in the assertion below rather than lost in the thread
            session.rollback()
            outcomes[index] = f"error: {err!r}"
        finally:
            session.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _confirm_job(category_id: int, username: str):
    def job(session):
        category = session.get(Category, category_id)
        actor = session.scalar(select(User).where(User.username == username))
        services.confirm(session, category=category, actor=actor)

    return job


def test_two_confirms_give_exactly_one_finalisation(scored, session):
    category_id = _propose(session)
    outcomes = _run_together(_confirm_job(category_id, "admin"), _confirm_job(category_id, "admin"))
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert any("پیش‌تر نهایی شده است" in o for o in outcomes if o != "ok")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Award)) == 2
    assert services.verify(session, cycle=session.get(Cycle, cluster(session).cycle_id)) == []


@pytest.mark.parametrize("attempt", range(3))  # whichever wins each time, verify never finds a difference
def test_score_change_racing_finalisation_leaves_frozen_result_intact(scored, session, attempt):
    category_id = _propose(session)
    score_id = session.scalar(select(Score.id).join(ScoreSheet).order_by(Score.id).limit(1))

    def write_score(s):
        assert_category_open(s, category=s.get(Category, category_id))
        score = s.get(Score, score_id)
        score.value = Decimal(0)
        s.flush()

    outcomes = _run_together(write_score, _confirm_job(category_id, "admin"))
    assert sum(o == "ok" for o in outcomes) == 1, outcomes
    session.rollback()
    final = cluster(session)
    if outcomes[1] == "ok":  # the confirmation won: the writer was refused and the score is untouched
        assert outcomes[0] == "نتایج این رشته نهایی شده است"
        assert session.get(Score, score_id).value != Decimal(0)
    else:  # the write won: the confirmation saw a result unlike the proposal and refused
        assert "دوباره پیشنهاد" in outcomes[1]
        assert final.finalised_at is None
    assert services.verify(session, cycle=session.get(Cycle, final.cycle_id)) == []

