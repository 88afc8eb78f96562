"""Fixtures for results: the demo with submitted sheets on the cluster category, the clock after evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from awards import clock
from awards.db import reset_write_intent, set_write_intent
from awards.demo import jalali_moment
from awards.enums import CommitteeCode, SheetState
from awards.models import Category, Committee, Conflict, Criterion, Membership, Nomination, Score, ScoreSheet, User

#: Inside each phase of the demo cycle (Tehran time).
DURING_EVALUATION = jalali_moment(1404, 3, 20, 10, 0)
AFTER_EVALUATION = jalali_moment(1404, 4, 2, 10, 0)  # RESULTS phase
AFTER_RESULTS_DATE = jalali_moment(1404, 4, 20, 10, 0)  # FINAL phase

SCORING_COMMITTEES = [CommitteeCode.WINNERS, CommitteeCode.PROVINCIAL_AFFAIRS, CommitteeCode.MEDIA,
                      CommitteeCode.FINANCE, CommitteeCode.CONTENT]
MEMBER_SUFFIXES = ["chair", "1", "2"]

#: The cluster category's three nominees in evaluation; per member (chair, 1, 2) the fraction of every
#: criterion's maximum they give (so each sheet scores 100 x fraction).
DEFAULT_PLAN = {
    "خوشه فرش دستباف کاشان": [Decimal("0.9"), Decimal("0.85"), Decimal("0.8")],
    "خوشه کاشی و سرامیک میبد": [Decimal("0.7"), Decimal("0.75"), Decimal("0.7")],
    "خوشه زعفران تربت حیدریه": [Decimal("0.5"), Decimal("0.55"), Decimal("0.6")],
}

PG_ONLY = pytest.mark.postgres_only


def user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def nomination_named(session, name: str) -> Nomination:
    return session.scalar(select(Nomination).where(Nomination.nominee_name == name))


def committee(session, code: CommitteeCode) -> Committee:
    return session.scalar(select(Committee).where(Committee.code == code))


def add_sheet(session, *, nomination: Nomination, code: CommitteeCode, member: User, fraction: Decimal,
              state: SheetState = SheetState.SUBMITTED) -> ScoreSheet:
    """Insert a sheet (as the evaluation services would) giving ``fraction`` of every criterion's maximum."""
    committee_row = committee(session, code)
    criteria = session.scalars(select(Criterion).where(Criterion.category_id == nomination.category_id,
                                                       Criterion.committee_id == committee_row.id)).all()
    sheet = ScoreSheet(nomination_id=nomination.id, committee_id=committee_row.id, member_id=member.id, state=state,
                       submitted_at=clock.now() if state == SheetState.SUBMITTED else None)
    sheet.scores = [Score(criterion_id=c.id, value=(c.max_points * fraction * 2).to_integral_value() / 2,
                          max_points=c.max_points) for c in criteria]
    session.add(sheet)
    session.flush()
    return sheet


def score_plan(session, plan: dict[str, list[Decimal]], committees=SCORING_COMMITTEES) -> None:
    """Every member of every scoring committee submits a sheet for each named nominee."""
    for name, fractions in plan.items():
        nomination = nomination_named(session, name)
        for code in committees:
            for suffix, fraction in zip(MEMBER_SUFFIXES, fractions, strict=True):
                add_sheet(session, nomination=nomination, code=code, member=user(session, f"{code.value}-{suffix}"),
                          fraction=fraction)


def cluster(session) -> Category:
    return session.scalar(select(Category).where(Category.code == "cluster"))


def declare_conflict(session, *, nomination: Nomination, member: User) -> Conflict:
    conflict = Conflict(nomination_id=nomination.id, user_id=member.id, source="declared", reason="همکار پیشین")
    session.add(conflict)
    session.flush()
    return conflict


def seat(session, *, username: str, code: CommitteeCode, chair: bool = False) -> None:
    """Give a demo user a seat on a committee of the 1404 cycle (as its only chair when ``chair``)."""
    member = user(session, username)
    cycle_id, committee_id = cluster(session).cycle_id, committee(session, code).id
    if chair:  # one chair per committee and cycle (a partial unique index): the demo chair steps down
        session.execute(Membership.__table__.update().where(
            Membership.cycle_id == cycle_id, Membership.committee_id == committee_id).values(is_chair=False))
    session.add(Membership(cycle_id=cycle_id, committee_id=committee_id, user_id=member.id, is_chair=chair))
    session.flush()


@pytest.fixture(autouse=True)
def _test_session_reads_without_write_lock():
    """Let the test's own session begin plain transactions (SQLite: BEGIN, not BEGIN IMMEDIATE).

    Otherwise a query in the test holds SQLite's write lock while the app, in the same thread, tries to write.
    Tests end their transaction (``session.rollback()``) before reading what a request changed.
    """
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
