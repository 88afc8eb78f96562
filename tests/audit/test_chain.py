"""The audit log's hash chain: appends chain in id order, and ``audit verify`` names the first tampered event.

Tampering is done the way an intruder with database access would: the append-only triggers dropped, then plain
SQL on the rows.
"""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from awards.audit.services import chain_head, record, verify_chain
from awards.db import db
from awards.migrate import upgrade
from awards.models import AuditEvent, User
from awards.models.audit import AUDIT_GUARD_DROPS, GENESIS, event_hash


def _drop_guards(session) -> None:
    for statement in AUDIT_GUARD_DROPS[session.get_bind().dialect.name]:
        session.execute(text(statement))
    session.commit()


def _events(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)
                                .execution_options(populate_existing=True)))


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _hash_of(row: dict, prev_hash: str) -> str:
    return event_hash(**{**row, "prev_hash": prev_hash})


def test_chain_of_untouched_demo_verifies(app, demo, session):
    events = _events(session)
    assert len(events) > 20
    report = verify_chain(session)
    assert (report.ok, report.checked, report.head_event_id) == (True, len(events), events[-1].id)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert f"{len(events)} events, head {events[-1].id}" in result.output


def test_chain_links_each_event_to_the_one_before_in_id_order(demo, session):
    events = _events(session)
    assert events[0].prev_hash == GENESIS
    assert [e.id for e in events] == list(range(events[0].id, events[0].id + len(events)))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert chain_head(session) == (events[-1].id, events[-1].hash)


def test_chain_verifies_with_small_batches(demo, session):
    assert verify_chain(session, batch=3).ok


def test_record_in_a_rolled_back_transaction_leaves_the_chain_as_it_was(demo, session):
    head = chain_head(session)
    record(session, actor=demo.users["admin"], action="test.event", object_type="cycle", object_id=None)
    session.flush()
    session.rollback()
    assert chain_head(session) == head
    assert verify_chain(session).ok


def test_record_keeps_changes_as_stored(demo, session):
    event = record(session, actor=demo.users["admin"], action="test.event", object_type="cycle", object_id=1,
                   changes={"b": [1, "دو"], "a": {"3": [None, 4.5]}}, reason="دلیل")
    session.commit()
    assert verify_chain(session).ok
    assert _events(session)[-1].changes == {"a": {"3": [None, 4.5]}, "b": [1, "دو"]} == event.changes


@pytest.mark.parametrize(("column", "value"), [
    ("action", "'user.forged'"), ("reason", "'نوشته‌ای دیگر'"), ("actor_id", "NULL"), ("object_id", "999"),
    ("ip_address", "'10.9.9.9'"), ("changes", "'{}'"), ("changes", "'not json'"), ("cycle_id", "NULL"),
])
def test_verify_names_an_edited_event(app, demo, session, column, value):
    if value == "'not json'" and session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL refuses text that is not JSON in a json column")
    events = _events(session)
    target = events[len(events) // 2]
    _drop_guards(session)
    session.execute(text(f"UPDATE audit_events SET {column} = {value} WHERE id = :id"), {"id": target.id})
    session.commit()
    action = session.scalar(select(AuditEvent.action).where(AuditEvent.id == target.id))
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id, report.problem) == (False, target.id, "edited")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {target.id} ({action})" in result.output


def test_verify_names_an_event_whose_time_was_moved(app, demo, session):
    target = _events(session)[3]
    _drop_guards(session)
    session.execute(text("UPDATE audit_events SET at = :at WHERE id = :id"),
                    {"at": "2020-01-01 00:00:00.000000", "id": target.id})
    session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {target.id} ({target.action})" in result.output


def test_verify_names_the_event_after_a_deleted_one(app, demo, session):
    events = _events(session)
    deleted, following = events[5], events[6]
    _drop_guards(session)
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": deleted.id})
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id, report.problem) == (False, following.id, "link")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {following.id} ({following.action})" in result.output


def test_verify_names_the_missing_newest_event(app, demo, session):
    events = _events(session)
    _drop_guards(session)
    session.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": events[-2].id})
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id, report.problem) == (False, events[-1].id, "tail_missing")
    assert _verify(app).exit_code == 1


def _columns(event: AuditEvent) -> dict:
    return {"id": event.id, "at": event.at, "actor_id": event.actor_id, "ip_address": event.ip_address,
            "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
            "cycle_id": event.cycle_id, "nomination_id": event.nomination_id, "province_id": event.province_id,
            "changes": event.changes, "reason": event.reason}


def _insert(session, columns: dict, prev_hash: str, digest: str) -> None:
    session.execute(AuditEvent.__table__.insert().values(**columns, prev_hash=prev_hash, hash=digest))


@pytest.mark.parametrize("forgery", ["own_hash", "copied_hash"])
def test_verify_names_a_forged_event_inserted_in_the_middle(app, demo, session, forgery):
    events = _events(session)
    k = len(events) // 2
    before = events[k - 1]
    _drop_guards(session)
    # Make room after event k-1 by moving every later event one id up (through negatives: no key clash).
    session.execute(text("UPDATE audit_events SET id = -id WHERE id > :id"), {"id": before.id})
    session.execute(text("UPDATE audit_events SET id = 1 - id WHERE id < 0"))
    forged = {**_columns(before), "id": before.id + 1, "action": "user.enable", "reason": "جعلی"}
    # Its true predecessor's hash is taken (prev_hash is unique), so an intruder must chain it to another value.
    prev = "f" * 64
    digest = _hash_of(forged, prev) if forgery == "own_hash" else before.hash
    _insert(session, forged, prev, digest)
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id) == (False, before.id + 1)
    assert report.problem == ("link" if forgery == "own_hash" else "edited")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {before.id + 1} (user.enable)" in result.output


def test_verify_names_the_first_of_two_swapped_events(app, demo, session):
    events = _events(session)
    first, second = events[4], events[9]
    _drop_guards(session)
    session.execute(text("DELETE FROM audit_events WHERE id IN (:a, :b)"), {"a": first.id, "b": second.id})
    for source, target_id in ((second, first.id), (first, second.id)):
        _insert(session, {**_columns(source), "id": target_id}, source.prev_hash, source.hash)
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id, report.bad_action, report.problem) == (
        False, first.id, second.action, "edited")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"event {first.id} ({second.action})" in result.output


def test_verify_names_an_event_appended_outside_the_app(app, demo, session):
    events = _events(session)
    last = events[-1]
    forged = {**_columns(last), "id": last.id + 1, "action": "user.password"}
    _insert(session, forged, last.hash, _hash_of(forged, last.hash))
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id, report.problem) == (False, last.id + 1, "beyond_head")
    assert f"event {last.id + 1} (user.password)" in _verify(app).output


def test_verify_names_a_rehashed_newest_event(app, demo, session):
    events = _events(session)
    last = events[-1]
    _drop_guards(session)
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
    forged = {**_columns(last), "reason": "بازنویسی"}
    _insert(session, forged, last.prev_hash, _hash_of(forged, last.prev_hash))
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.bad_event_id, report.problem) == (False, last.id, "head_mismatch")


def test_migration_chains_events_already_in_the_log(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (id, at, action, object_type, changes, reason) VALUES "
                          "(3, '2025-03-01 10:00:00.000000', 'user.login', 'user', '{\"b\": [1, 2]}', NULL), "
                          "(7, '2025-03-02 11:30:00.250000', 'cycle.extend', 'cycle', '{}', 'تمدید')"))
    upgrade(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        report = verify_chain(session)
        assert (report.ok, report.checked, report.head_event_id) == (True, 2, 7)
        event = record(session, actor=None, action="test.event", object_type="cycle", object_id=None)
        session.commit()
        assert event.id == 8 and event.prev_hash == session.get(AuditEvent, 7).hash
        assert verify_chain(session).ok
        with pytest.raises(Exception, match="append-only"):
            session.execute(text("DELETE FROM audit_events WHERE id = 3"))
    engine.dispose()


@pytest.mark.postgres_only
def test_appends_from_two_connections_leave_one_valid_chain(demo, session):
    start = session.scalar(select(func.count()).select_from(AuditEvent))
    admin_id = demo.users["admin"].id
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def writer(label: str) -> None:
        own = db.session_factory()
        try:
            actor = own.get(User, admin_id)
            barrier.wait(timeout=30)
            for i in range(40):
                record(own, actor=actor, action="test.race", object_type="cycle", object_id=None,
                       reason=f"{label}-{i}")
                own.commit()
        except Exception as err:  # surfaced in the assertion below rather than lost in the thread
            errors.append(repr(err))
            own.rollback()
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    session.rollback()
    events = _events(session)
    assert len(events) == start + 80
    assert [e.id for e in events] == list(range(events[0].id, events[0].id + len(events)))
    assert verify_chain(session).ok
