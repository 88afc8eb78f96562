"""Deadline reminders: 7, 3 and 1 days before, to whoever still has work due, never the same one twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.db import write_intent
from awards.demo import OFFICERS
from awards.enums import NominationState
from awards.models import Nomination, Notification, User
from awards.notifications import kinds
from awards.notifications.reminders import due_threshold, run_reminders
from awards.notifications.services import notify_reminder, set_opt_outs
from awards.notifications.tasks import send_reminders_now
from tests.notifications.conftest import give_email, notifications_of


def reminder_count(session) -> int:
    count = session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == kinds.REMINDER))
    session.commit()
    return count


def officers_with_drafts(session, cycle_id: int) -> set[str]:
    names = set(session.scalars(select(User.username).join(Nomination, Nomination.province_id == User.province_id)
                                .where(Nomination.cycle_id == cycle_id, Nomination.state == NominationState.DRAFT)))
    session.commit()
    return names


@pytest.mark.parametrize(("left", "expected"), [
    (timedelta(days=8), None), (timedelta(days=7), 7), (timedelta(days=5), 7), (timedelta(days=3), 3),
    (timedelta(hours=30), 3), (timedelta(hours=23), 1), (timedelta(seconds=1), 1), (timedelta(0), None),
    (-timedelta(days=1), None),
])
def test_the_most_urgent_threshold_reached(demo, left, expected):
    deadline = demo.cycle.nominations_close_at
    assert due_threshold(deadline, deadline - left) == expected


def test_officers_with_drafts_are_reminded_once_per_threshold(demo, session):
    cycle = demo.cycle
    due = officers_with_drafts(session, cycle.id)
    assert due and due != {username for username, *_ in OFFICERS}
    at = cycle.nominations_close_at - timedelta(days=2)  # the 3-day reminder is due
    with write_intent(True):
        first = run_reminders(session, now=at)
        session.commit()
        second = run_reminders(session, now=at + timedelta(hours=20))  # the next daily run: nothing new
        session.commit()
    assert first == len(due) and second == 0
    reminded = {name for name, *_ in OFFICERS if notifications_of(session, name, kind=kinds.REMINDER)}
    assert reminded == due
    note = notifications_of(session, sorted(due)[0], kind=kinds.REMINDER)[0]
    assert note.dedupe_key == f"reminder:{cycle.id}:nominations_close_at:3" and note.link == "/nominations/"

    with write_intent(True):
        later = run_reminders(session, now=cycle.nominations_close_at - timedelta(hours=5))  # the 1-day one
        session.commit()
    assert later == len(due) and reminder_count(session) == 2 * len(due)


def test_content_members_are_reminded_while_citations_are_missing(demo, session):
    cycle = demo.cycle
    with write_intent(True):
        assert run_reminders(session, now=cycle.results_final_at - timedelta(hours=6)) > 0
        session.commit()
    [note] = notifications_of(session, "content-1", kind=kinds.REMINDER)
    assert note.dedupe_key == f"reminder:{cycle.id}:results_final_at:1"
    assert notifications_of(session, "winners-1", kind=kinds.REMINDER) == []


def test_the_daily_task_run_twice_mails_once(app, demo, session):
    due = sorted(officers_with_drafts(session, demo.cycle.id))
    give_email(session, **{due[0]: "officer@example.ir"})
    clock.freeze(demo.cycle.nominations_close_at - timedelta(days=6))  # the 7-day reminder is due
    with app.app_context():
        assert send_reminders_now() == len(due)
        assert send_reminders_now() == 0
    files = list(app.config["MAIL_OUTBOX_FOLDER"].glob("*.eml"))
    assert len(files) == 1
    assert "officer@example.ir" in files[0].read_text()


def test_an_opted_out_user_gets_no_reminder(demo, session):
    due = sorted(officers_with_drafts(session, demo.cycle.id))
    with write_intent(True):
        set_opt_outs(session, user=session.scalar(select(User).where(User.username == due[0])),
                     receive=[k for k in kinds.KINDS if k != kinds.REMINDER])
        session.commit()
        assert run_reminders(session, now=demo.cycle.nominations_close_at - timedelta(hours=1)) == len(due) - 1
        session.commit()
    assert notifications_of(session, due[0], kind=kinds.REMINDER) == []


def test_a_chairs_reminder_reaches_the_users_named(demo, session):
    users = [demo.users["content-1"], demo.users["content-2"]]
    with write_intent(True):
        created = notify_reminder(session, users=users, cycle=demo.cycle, deadline_name="evaluation_close_at",
                                  actor=demo.users["content-chair"])
        session.commit()
    assert created == 2
    [note] = notifications_of(session, "content-2", kind=kinds.REMINDER)
    assert note.link == "/evaluation/" and note.dedupe_key is None
    assert notifications_of(session, "content-chair", kind=kinds.REMINDER) == []
