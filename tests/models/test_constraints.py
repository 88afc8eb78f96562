"""Domain rules the database itself enforces."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from awards.enums import JobState, NominationState, NomineeKind
from awards.migrate import alembic_config, upgrade
from awards.models import AuditEvent, Criterion, Score, ScoreSheet
from tests.factories import make_category, make_criterion, make_cycle, make_nomination, make_user
from tests.fresh_database import fresh_database_url


@pytest.fixture
def category(session):
    return make_category(session, make_cycle(session), code="cluster", kind=NomineeKind.CLUSTER)


def test_criterion_max_points_must_be_positive(session, category):
    committee_id = make_criterion(session, category).committee_id
    session.add(Criterion(category_id=category.id, committee_id=committee_id,
                          title="x", max_points=Decimal("0"), weight=Decimal("1")))
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.fixture
def sheet_and_criterion(session, category):
    nomination = make_nomination(session, category, state=NominationState.IN_EVALUATION)
    criterion = make_criterion(session, category, max_points="20")
    sheet = ScoreSheet(nomination_id=nomination.id, committee_id=criterion.committee_id,
                       member_id=make_user(session).id)
    session.add(sheet)
    session.flush()
    return sheet, criterion


@pytest.mark.parametrize("value", ["-1", "20.5", "7.3"])
def test_score_value_outside_range_or_half_steps_is_refused(session, sheet_and_criterion, value):
    sheet, criterion = sheet_and_criterion
    session.add(Score(sheet_id=sheet.id, criterion_id=criterion.id, value=Decimal(value),
                      max_points=criterion.max_points))
    with pytest.raises(IntegrityError):
        session.flush()


def test_score_half_step_within_range_is_accepted(session, sheet_and_criterion):
    sheet, criterion = sheet_and_criterion
    session.add(Score(sheet_id=sheet.id, criterion_id=criterion.id, value=Decimal("12.5"),
                      max_points=criterion.max_points))
    session.flush()


def test_one_sheet_per_member_nomination_and_committee(session, sheet_and_criterion):
    sheet, _criterion = sheet_and_criterion
    session.add(ScoreSheet(nomination_id=sheet.nomination_id, committee_id=sheet.committee_id,
                           member_id=sheet.member_id))
    with pytest.raises(IntegrityError):
        session.flush()


def test_audit_log_refuses_update(session):
    make_user(session)  # records «user.create»
    event_id = session.query(AuditEvent.id).first()[0]
    with pytest.raises(DBAPIError):
        session.execute(text("UPDATE audit_events SET action = 'forged' WHERE id = :id"), {"id": event_id})


def test_audit_log_refuses_delete(session):
    make_user(session)
    with pytest.raises(DBAPIError):
        session.execute(text("DELETE FROM audit_events"))


def test_job_state_outside_the_enum_is_refused(session, demo):
    session.execute(text("INSERT INTO jobs (kind, state, params, done, created_at) "
                         "VALUES ('test', 'queued', '{}', 0, '2025-01-01 00:00:00')"))
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE jobs SET state = 'paused' WHERE kind = 'test'"))


def test_job_state_migration_keeps_every_row_and_downgrades(tmp_path):
    states = [state.value for state in JobState]
    with fresh_database_url(tmp_path, "jobstate") as url:
        engine = create_engine(url)
        upgrade(engine, "0008")
        with engine.begin() as conn:
            for index, state in enumerate(states, start=1):
                conn.execute(text("INSERT INTO jobs (id, kind, state, params, done, created_at) "
                                  "VALUES (:id, 'test', :state, '{}', 0, '2025-01-01 00:00:00')"),
                             {"id": index, "state": state})
        upgrade(engine, "0009")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT state FROM jobs ORDER BY id")).scalars().all() == states
            assert "ck_jobs_job_state" in {ck["name"] for ck in inspect(conn).get_check_constraints("jobs")}
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("UPDATE jobs SET state = 'paused' WHERE id = 1"))
        config = alembic_config(url)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT state FROM jobs ORDER BY id")).scalars().all() == states
            assert "ck_jobs_known_state" in {ck["name"] for ck in inspect(conn).get_check_constraints("jobs")}
        engine.dispose()
