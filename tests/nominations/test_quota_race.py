"""The province quota holds when two submits race for the last slot (the category row is locked FOR UPDATE)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from awards.db import db
from awards.enums import NominationAction, NominationState
from awards.errors import DomainError
from awards.models import Nomination, User
from awards.nominations import documents, queries, services
from tests.nominations.conftest import demo_pdf

QUOTA_FULL = "سهمیهٔ استان در رشتهٔ «خوشهٔ صنعتی برتر» (۲ نامزد) پر شده است."


def complete_cluster(session, demo, name: str) -> Nomination:
    """A Fars cluster draft ready to submit."""
    nomination = services.create_draft(session, actor=demo.users["fars"], category=demo.categories["cluster"], values={
        "nominee_name": name, "representative_name": "نماینده", "representative_title": "عامل توسعه خوشه",
        "city": "لار", "sector": "صنایع غذایی", "founding_year": 1390, "employees": 100, "narrative": "شرح"})
    documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                           data=demo_pdf(name.encode("ascii", "ignore").decode() or "x"), upload_dir=demo.upload_dir,
                           max_bytes=demo.max_bytes)
    return nomination


def submitted_clusters(session, demo) -> int:
    session.commit()
    return session.scalar(select(func.count(Nomination.id)).where(
        Nomination.category_id == demo.categories["cluster"].id,
        Nomination.province_id == demo.users["fars"].province_id,
        Nomination.state == NominationState.SUBMITTED))


def submit_in_own_session(nomination_id: int, user_id: int, barrier: threading.Barrier | None = None,
                          seen: list | None = None) -> str:
    """Submit from a separate session (as a separate request would), returning "won" or the refusal."""
    own = db.session_factory()
    try:
        nomination = own.get(Nomination, nomination_id)
        actor = own.get(User, user_id)
        services.missing_fields(nomination)  # load the dossier and its evidence before the race
        if seen is not None:
            seen.append(queries.quota_usage(own, province_id=nomination.province_id,
                                            cycle_id=nomination.cycle_id).get(nomination.category_id, 0))
        if barrier is not None:
            own.rollback()  # end the read so neither transaction holds a snapshot or lock while waiting
            barrier.wait(timeout=30)
        services.transition(own, nomination=nomination, action=NominationAction.SUBMIT, actor=actor)
        own.commit()
        return "won"
    except DomainError as error:
        own.rollback()
        return error.message
    finally:
        own.close()


@pytest.fixture
def last_slot(session, demo):
    """Fars has used one of its two cluster slots; two complete drafts compete for the other."""
    first = complete_cluster(session, demo, "خوشهٔ نخست")
    services.transition(session, nomination=first, action=NominationAction.SUBMIT, actor=demo.users["fars"])
    rivals = [complete_cluster(session, demo, "خوشهٔ رقیب الف"), complete_cluster(session, demo, "خوشهٔ رقیب ب")]
    session.commit()
    return [r.id for r in rivals]


@pytest.mark.postgres_only
def test_two_racing_submits_for_the_last_slot_exactly_one_wins(session, demo, last_slot):
    barrier = threading.Barrier(2)
    seen: list[int] = []
    results: dict[int, str] = {}

    def run(nomination_id: int) -> None:
        results[nomination_id] = submit_in_own_session(nomination_id, demo.users["fars"].id, barrier, seen)

    threads = [threading.Thread(target=run, args=(nomination_id,)) for nomination_id in last_slot]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert seen == [1, 1]  # both saw a free slot before either wrote
    assert sorted(results.values()) == sorted(["won", QUOTA_FULL])
    assert submitted_clusters(session, demo) == 2


def test_second_submit_for_the_last_slot_is_refused(session, demo, last_slot):
    first, second = last_slot
    assert submit_in_own_session(first, demo.users["fars"].id) == "won"
    assert submit_in_own_session(second, demo.users["fars"].id) == QUOTA_FULL
    assert submitted_clusters(session, demo) == 2
