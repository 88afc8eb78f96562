"""Twenty judges at once on SQLite, through a real threaded WSGI server: each reloads the inbox, saves a draft and
submits it, sheet after sheet. No 500, no refused request, and every acknowledged save is there exactly once.

A 503 "try again" would be counted and sent again as a user would (the page's resend button re-posts the same
fields); with the default bound on the wait for the write lock none is expected, and the test asserts so.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from awards import create_app
from awards.db import db
from awards.enums import CommitteeCode, NominationState, SheetState
from awards.models import AuditEvent, Committee, Criterion, Nomination, ScoreSheet
from tests.conftest import PG_URL
from tests.evaluation.factories import make_member
from tests.live_client import Browser, csrf

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(PG_URL), reason="SQLite's single writer; PostgreSQL "
                                                   "under load: tests/bench/bench_scale.py --served")]

JUDGES = 20
SHEETS_EACH = 2


@pytest.fixture
def app(database_url, templates, demo_stage, tmp_path):
    """The test app without rate limits (twenty sign-ins from one address)."""
    templates.copy_uploads(demo_stage, tmp_path / "uploads")
    app = create_app("testing", {
        "DATABASE_URL": database_url, "UPLOAD_FOLDER": tmp_path / "uploads", "OUTPUT_FOLDER": tmp_path / "output",
        "MAIL_OUTBOX_FOLDER": tmp_path / "outbox", "RATELIMIT_ENABLED": False,
    })
    yield app
    db.engine.dispose()


@pytest.fixture
def server(app):
    """The app behind werkzeug's threaded server (a thread per request, as ``make run`` serves)."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def _work(session, demo) -> tuple[list[str], list[tuple[int, list[int]]]]:
    """Twenty new winners-committee members, and the nominations in evaluation they can score with criteria ids."""
    judges = [make_member(session, demo, "winners").username for _ in range(JUDGES)]
    winners = session.scalar(select(Committee.id).where(Committee.code == CommitteeCode.WINNERS))
    sheets = []
    for nomination in session.scalars(select(Nomination).where(Nomination.state == NominationState.IN_EVALUATION)
                                      .order_by(Nomination.id)):
        ids = list(session.scalars(select(Criterion.id).where(Criterion.category_id == nomination.category_id,
                                                              Criterion.committee_id == winners)
                                   .order_by(Criterion.id)))
        if ids:
            sheets.append((nomination.id, ids))
    session.commit()
    return judges, sheets[:SHEETS_EACH]


def test_twenty_judges_saving_and_submitting_at_once_lose_nothing_and_see_no_error(
        app, server, session, demo):
    judges, sheets = _work(session, demo)
    assert len(sheets) == SHEETS_EACH
    statuses: Counter[int] = Counter()
    retried = Counter()
    acknowledged: dict[tuple[str, int], tuple[str, str]] = {}  # (judge, nomination) -> (state, value)
    failures: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(JUDGES)

    def send(browser: Browser, path: str, data: dict) -> int:
        while True:
            answer = browser.post(path, data)
            with lock:
                statuses[answer.status] += 1
            if answer.status != 503:
                return answer.status
            with lock:
                retried[path] += 1
            time.sleep(0.2)  # what the page asks (Retry-After), shortened; the resend button posts the same

    def judge(index: int, username: str) -> None:
        try:
            browser = Browser(server)
            browser.login(username, "demo-pass-1404")
            ready.wait()
            for nomination_id, criteria in sheets:
                path = f"/evaluation/{nomination_id}/winners"
                for action, value in (("save", "10"), ("submit", f"{10 + index % 5}.5")):
                    inbox = browser.get("/evaluation/")
                    page = browser.get(path)
                    with lock:
                        statuses[inbox.status] += 1
                        statuses[page.status] += 1
                    data = {"csrf_token": csrf(page.text), "action": action, "comment": f"{username} {action}",
                            **{f"c{cid}": value for cid in criteria}}
                    status = send(browser, path, data)
                    if status == 302:
                        with lock:
                            acknowledged[(username, nomination_id)] = (action, value)
                    else:
                        with lock:
                            failures.append(f"{username} {action} {path}: {status}")
        except Exception as error:  # a thread's failure must fail the test, not vanish
            with lock:
                failures.append(f"{username}: {error!r}")

    threads = [threading.Thread(target=judge, args=(i, name)) for i, name in enumerate(judges)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - started

    assert failures == []
    assert {code for code in statuses if code >= 500} == set(), statuses
    assert set(statuses) <= {200, 302}, statuses
    assert sum(retried.values()) == 0
    assert len(acknowledged) == JUDGES * SHEETS_EACH
    assert all(state == "submit" for state, _value in acknowledged.values())

    session.expire_all()
    rows = session.execute(select(ScoreSheet).join(ScoreSheet.member)).scalars().all()
    by_key = Counter((sheet.member.username, sheet.nomination_id) for sheet in rows)
    for (username, nomination_id), (_state, value) in acknowledged.items():
        assert by_key[(username, nomination_id)] == 1, (username, nomination_id)
        [sheet] = [s for s in rows if s.member.username == username and s.nomination_id == nomination_id]
        assert sheet.state == SheetState.SUBMITTED
        assert {score.value for score in sheet.scores} == {Decimal(value)}
        assert sheet.comment == f"{username} submit"
    # Each acknowledged post applied exactly once: one "save" and one "submit" audit event per sheet.
    events = session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(("sheet.save", "sheet.submit")),
        AuditEvent.object_id.in_([s.id for s in rows if (s.member.username, s.nomination_id) in acknowledged])))
    assert events == 2 * len(acknowledged)
    session.commit()
    print(f"\n{JUDGES} judges, {sum(statuses.values())} requests in {elapsed:.1f} s "
          f"({sum(statuses.values()) / elapsed:.1f}/s), {2 * len(acknowledged)} saves")
