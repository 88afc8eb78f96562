"""The results page issues a fixed number of SQL statements, whatever the number of nominations."""

from __future__ import annotations

import contextlib
import gc
import itertools
from decimal import Decimal

import pytest
from sqlalchemy import event, func, insert, select

from awards import clock
from awards.collector import paused as real_paused
from awards.db import db
from awards.enums import Aggregation, CommitteeCode, NominationState, NomineeKind, SheetState
from awards.models import (
    Category,
    CategoryCommittee,
    Conflict,
    Criterion,
    Membership,
    Nomination,
    Province,
    Score,
    ScoreSheet,
    TieResolution,
)
from awards.results import cache, queries
from awards.results.queries import load_results
from tests.results.conftest import committee, user


def _bench_category(session, demo) -> Category:
    """A category scored by winners (two criteria, normalised, trimmed mean) and finance (one, median)."""
    category = Category(cycle_id=demo.cycle.id, code="bench", title="رشتهٔ آزمون حجم",
                        nominee_kind=NomineeKind.LEGAL_ENTITY, gold_quota=3, certificate_quota=10, position=99)
    session.add(category)
    session.flush()
    winners, finance = committee(session, CommitteeCode.WINNERS), committee(session, CommitteeCode.FINANCE)
    session.add_all([
        CategoryCommittee(category_id=category.id, committee_id=winners.id, weight=Decimal(3),
                          aggregation=Aggregation.TRIMMED_MEAN, normalise=True),
        CategoryCommittee(category_id=category.id, committee_id=finance.id, weight=Decimal(2),
                          aggregation=Aggregation.MEDIAN),
        Criterion(category_id=category.id, committee_id=winners.id, title="تولید", max_points=Decimal(20),
                  weight=Decimal(3), position=0),
        Criterion(category_id=category.id, committee_id=winners.id, title="کیفیت", max_points=Decimal(10),
                  weight=Decimal(1), position=1),
        Criterion(category_id=category.id, committee_id=finance.id, title="رشد فروش", max_points=Decimal(10),
                  weight=Decimal(1), position=2),
    ])
    session.commit()
    return category


def _add_nominations(session, category: Category, count: int) -> None:
    """Bulk-insert ``count`` nominations in evaluation, each with a submitted sheet from every member."""
    provinces = session.scalars(select(Province.id)).all()
    first_nomination = (session.scalar(select(func.max(Nomination.id))) or 0) + 1
    first_sheet = (session.scalar(select(func.max(ScoreSheet.id))) or 0) + 1
    criteria = session.execute(select(Criterion.id, Criterion.committee_id, Criterion.max_points)
                               .where(Criterion.category_id == category.id)).all()
    members = session.execute(select(Membership.user_id, Membership.committee_id).where(
        Membership.cycle_id == category.cycle_id,
        Membership.committee_id.in_({c.committee_id for c in criteria}))).all()
    nominations, sheets, scores, conflicts = [], [], [], []
    sheet_ids = itertools.count(first_sheet)
    for offset in range(count):
        nid = first_nomination + offset
        nominations.append({"id": nid, "cycle_id": category.cycle_id, "category_id": category.id,
                            "province_id": provinces[offset % len(provinces)],
                            "state": NominationState.IN_EVALUATION, "nominee_name": f"واحد {nid}",
                            "search_name": f"واحد {nid}"})
        for index, member in enumerate(members):
            sid = next(sheet_ids)
            sheets.append({"id": sid, "nomination_id": nid, "committee_id": member.committee_id,
                           "member_id": member.user_id, "state": SheetState.SUBMITTED,
                           "submitted_at": clock.now()})
            for criterion in criteria:
                if criterion.committee_id != member.committee_id:
                    continue
                value = Decimal((nid * 7 + index * 3) % int(criterion.max_points * 2 + 1)) / 2
                scores.append({"sheet_id": sid, "criterion_id": criterion.id, "value": value,
                               "max_points": criterion.max_points})
        if offset % 50 == 0:
            conflicts.append({"nomination_id": nid, "user_id": members[0].user_id, "source": "declared",
                              "reason": "آزمون"})
    session.execute(insert(Nomination), nominations)
    session.execute(insert(ScoreSheet), sheets)
    session.execute(insert(Score), scores)
    session.execute(insert(Conflict), conflicts)
    session.add(TieResolution(category_id=category.id, ordered_nomination_ids=[first_nomination, first_nomination + 1],
                              justification="آزمون", decided_by_id=user(session, "winners-chair").id))
    session.commit()


def _count_statements(client, path: str) -> tuple[int, int]:
    statements: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)
    assert response.status_code == 200
    return len(statements), len(response.get_data())


def test_results_page_issues_same_number_of_statements_for_10_and_1000(demo, client, session, login_as):
    category = _bench_category(session, demo)
    _add_nominations(session, category, 10)
    login_as("admin")
    client.get(f"/results/{category.id}")  # warm up: first-request work (session, user load) is not counted twice
    cache.clear()
    small_cold, _ = _count_statements(client, f"/results/{category.id}")
    small_warm, small_size = _count_statements(client, f"/results/{category.id}")
    _add_nominations(session, category, 990)
    large_cold, _ = _count_statements(client, f"/results/{category.id}")  # the bulk insert stamped the category
    large_warm, large_size = _count_statements(client, f"/results/{category.id}")
    last_page, last_size = _count_statements(client, f"/results/{category.id}?page=21")
    assert (small_cold, small_warm) == (large_cold, large_warm)
    assert last_page == large_warm
    assert large_warm < large_cold  # a cached result skips the fetch
    assert large_size > small_size  # the page did grow: the nominations really are there (one page of them)
    assert large_size < 300_000 and last_size < 300_000


def test_load_results_counts_every_bulk_nomination(demo, session):
    category = _bench_category(session, demo)
    _add_nominations(session, category, 60)
    data = load_results(session, category=category)
    assert len(data.nominees) == 60
    assert len(data.result.ranked) + sum(n.is_incomplete for n in data.result.nominees) == 60
    assert data.result.stats[CommitteeCode.WINNERS].counted_sheets == 60 * 3 - 2  # two conflicts excluded


def test_sheet_rows_give_the_stored_submission_time_aware_in_utc(demo, session):
    # The computation reads the submission time as the driver gives it (text on SQLite, a naive datetime on
    # PostgreSQL) and the export turns it into what the UTCDateTime column would give.
    category = _bench_category(session, demo)
    _add_nominations(session, category, 5)
    data = load_results(session, category=category, fresh=True)
    stored = dict(session.execute(select(ScoreSheet.id, ScoreSheet.submitted_at)
                                  .where(ScoreSheet.id.in_([s.id for s in data.sheets]))).all())
    assert data.sheets and {s.id: s.submitted_at for s in data.sheets} == stored
    assert all(s.submitted_at.utcoffset() is not None for s in data.sheets if s.submitted_at is not None)


def test_the_computation_runs_with_the_garbage_collector_paused_and_restores_it(demo, session, monkeypatch):
    category = _bench_category(session, demo)
    _add_nominations(session, category, 5)
    seen: list[bool] = []
    real = queries.compute_category

    def spy(inp):
        seen.append(gc.isenabled())
        return real(inp)

    monkeypatch.setattr(queries, "compute_category", spy)
    assert gc.isenabled()
    fresh = load_results(session, category=category, fresh=True)
    assert seen == [False] and gc.isenabled()
    # The same result as without the pause (the rules do not depend on it).
    monkeypatch.setattr(queries, "paused", contextlib.nullcontext)
    again = load_results(session, category=category, fresh=True)
    assert seen == [False, True]
    assert [(n.id, n.final, n.rank) for n in fresh.result.nominees] == [
        (n.id, n.final, n.rank) for n in again.result.nominees]

    def broken(inp):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "paused", real_paused)
    monkeypatch.setattr(queries, "compute_category", broken)
    with pytest.raises(RuntimeError):
        load_results(session, category=category, fresh=True)
    assert gc.isenabled()  # a failed computation gives the collector back too
