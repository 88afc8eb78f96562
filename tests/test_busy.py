"""A busy database: SQLite waits for its write lock within a bounded time, then answers with a Persian "try again"
page that keeps what was typed (503, never a 500); readers (pages, exports, verification, backups) never wait
for the write lock; PostgreSQL's lock timeouts get the same page."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from html import unescape

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from awards import create_app, web
from awards.db import DatabaseBusy, begin_with_retry, db, is_busy_error
from awards.models import Category, ScoreSheet
from tests.conftest import PG_URL, csrf_token
from tests.evaluation.factories import STEEL, nomination_named, sheet_data, sheet_url

BUDGET_MS = 400
sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")


@pytest.fixture
def busy_budget_ms() -> int:
    return BUDGET_MS


@pytest.fixture
def app(database_url, templates, demo_stage, tmp_path, busy_budget_ms):
    """The usual test app, with a short bound on the wait for SQLite's write lock."""
    templates.copy_uploads(demo_stage, tmp_path / "uploads")
    app = create_app("testing", {
        "DATABASE_URL": database_url, "UPLOAD_FOLDER": tmp_path / "uploads", "OUTPUT_FOLDER": tmp_path / "output",
        "MAIL_OUTBOX_FOLDER": tmp_path / "outbox", "SQLITE_BUSY_TIMEOUT_MS": busy_budget_ms,
    })
    yield app
    db.engine.dispose()


def _hold_write_lock(database_url: str) -> sqlite3.Connection:
    """Another connection takes SQLite's write lock (as a long writer would) and keeps it until rolled back."""
    holder = sqlite3.connect(make_url(database_url).database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _sheets(session, nomination) -> list[ScoreSheet]:
    session.expire_all()
    rows = list(session.scalars(select(ScoreSheet).where(ScoreSheet.nomination_id == nomination.id)))
    session.commit()  # end the read
    return rows


def _resend_form(html: str) -> dict[str, list[str]]:
    form = re.search(r'<form method="post" action="([^"]*)" class="busy-resend.*?</form>', html, re.S)
    assert form, "no resend form on the page"
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0)):
        fields.setdefault(unescape(name), []).append(unescape(value))
    return fields


# ------------------------------------------------------------------------------------------- the bounded retry


def _judge_with_a_sheet_to_save(session, client, login_as, comment: str = ""):
    """winners-1 signed in, with the steel dossier's sheet form filled in: (the nomination, its form data, a token)."""
    steel = nomination_named(session, STEEL)
    data = sheet_data(session, steel, "12", comment=comment)
    session.commit()
    login_as("winners-1")
    return steel, data, csrf_token(client, "/")


def _busy() -> DatabaseBusy:
    return DatabaseBusy("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def test_begin_with_retry_retries_busy_until_it_succeeds():
    attempts = []

    def begin():
        attempts.append(1)
        if len(attempts) < 3:
            raise _busy()

    assert begin_with_retry(begin, budget_s=5, sleep=lambda _s: None) == 2


def test_begin_with_retry_gives_up_busy_once_the_budget_is_spent():
    now = [0.0]

    def begin():
        now[0] += 0.3  # each attempt waits 300 ms in the driver
        raise _busy()

    with pytest.raises(DatabaseBusy):
        begin_with_retry(begin, budget_s=1, sleep=lambda s: now.__setitem__(0, now[0] + s),
                         monotonic=lambda: now[0])
    assert now[0] < 1.5


def test_begin_with_retry_lets_other_errors_through_at_once():
    def begin():
        raise OperationalError("BEGIN", None, sqlite3.OperationalError("disk I/O error"))

    with pytest.raises(OperationalError) as caught:
        begin_with_retry(begin, budget_s=5, sleep=lambda _s: pytest.fail("slept on a non-busy error"))
    assert not is_busy_error(caught.value)


# ------------------------------------------------------------------------------------- a POST against the lock


@sqlite_only
def test_save_while_the_lock_stays_held_gets_try_again_page_with_fields_kept_and_nothing_written(
        app, client, session, demo, login_as, database_url):
    steel, data, token = _judge_with_a_sheet_to_save(session, client, login_as, comment="نظر نوشته‌شده")
    holder = _hold_write_lock(database_url)
    try:
        started = time.monotonic()
        response = client.post(sheet_url(steel), data={"csrf_token": token, **data})
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()

    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "سامانه لحظه‌ای شلوغ است؛ دوباره بفرستید" in html
    assert BUDGET_MS / 1000 <= waited < BUDGET_MS / 1000 + 3
    kept = _resend_form(html)
    assert {name: values for name, values in kept.items() if name != "csrf_token"} == {
        name: [value] for name, value in data.items()}
    assert _sheets(session, steel) == []

    resent = client.post(sheet_url(steel), data=kept)  # the button on the page, once the lock is free
    assert resent.status_code == 302
    [sheet] = _sheets(session, steel)
    assert sheet.comment == "نظر نوشته‌شده"


@sqlite_only
@pytest.mark.parametrize("busy_budget_ms", [5000])
def test_save_while_the_lock_is_freed_within_the_budget_waits_and_succeeds(
        app, client, session, demo, login_as, database_url):
    steel, data, token = _judge_with_a_sheet_to_save(session, client, login_as)
    holder = _hold_write_lock(database_url)
    release = threading.Timer(0.3, holder.rollback)
    release.start()
    try:
        response = client.post(sheet_url(steel), data={"csrf_token": token, **data})
    finally:
        release.join()
        holder.close()
    assert response.status_code == 302
    assert len(_sheets(session, steel)) == 1


@sqlite_only
def test_english_page_says_try_again_in_english(app, client, session, demo, login_as, database_url):
    steel = nomination_named(session, STEEL)
    data = sheet_data(session, steel, "12")
    session.commit()
    login_as("winners-1")
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    token = csrf_token(client, "/")
    holder = _hold_write_lock(database_url)
    try:
        response = client.post(sheet_url(steel), data={"csrf_token": token, **data})
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert 'lang="en"' in response.get_data(as_text=True)


# --------------------------------------------------------------------------------- readers never take the lock


@sqlite_only
def test_pages_exports_verification_and_backup_run_while_another_writer_holds_the_lock(
        app, client, session, demo_final, login_as, database_url, tmp_path, caplog):
    login_as("winners-1")
    holder = _hold_write_lock(database_url)
    try:
        started = time.monotonic()
        for path in ("/", "/evaluation/", "/account/notifications"):
            assert client.get(path).status_code == 200, path
        runner = app.test_cli_runner()
        exported = runner.invoke(args=["results", "export", "--cycle", "1404", "--out", str(tmp_path / "r.xlsx")])
        verified = runner.invoke(args=["results", "verify", "--cycle", "1404"])
        backed_up = runner.invoke(args=["backup", "--out", str(tmp_path / "b.tar.gz")])
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert exported.exit_code == 0, exported.output
    assert verified.exit_code == 0, verified.output
    assert backed_up.exit_code == 0, backed_up.output
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    assert elapsed < 30
    assert [r.getMessage() for r in caplog.records if "busy" in r.getMessage()] == []  # nothing waited for the lock


# ----------------------------------------------------------------------------------------------- PostgreSQL


def _short_lock_timeout(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")
    dbapi_connection.commit()  # a SET inside a transaction would be undone by the pool's rollback


@pytest.mark.postgres_only
def test_postgresql_lock_timeout_gets_try_again_page_with_fields_kept(app, client, session, demo, login_as):
    steel, data, token = _judge_with_a_sheet_to_save(session, client, login_as, comment="نظر")
    engine = app.extensions["awards_db"].engine
    engine.dispose()
    event.listen(engine, "connect", _short_lock_timeout)
    # Another transaction holds the category's row lock (finalisation does): saving a sheet waits for it.
    session.execute(select(Category).where(Category.id == steel.category_id).with_for_update())
    answers = []
    poster = threading.Thread(target=lambda: answers.append(
        client.post(sheet_url(steel), data={"csrf_token": token, **data})))
    poster.start()
    poster.join(timeout=60)
    session.rollback()  # free the row (also if the post were still waiting: the test must not hang)
    poster.join()
    [response] = answers
    assert response.status_code == 503
    kept = _resend_form(response.get_data(as_text=True))
    assert kept["comment"] == ["نظر"]
    assert session.scalar(select(func.count()).select_from(ScoreSheet)
                          .where(ScoreSheet.nomination_id == steel.id)) == 0


def test_no_pooled_connection_in_time_gets_try_again_page_with_fields_kept_and_nothing_written(
        app, client, session, demo, login_as, monkeypatch):
    steel, data, token = _judge_with_a_sheet_to_save(session, client, login_as, comment="نظر نوشته‌شده")

    @contextlib.contextmanager
    def exhausted(_session):
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00")
        yield  # pragma: no cover

    monkeypatch.setattr(web, "begin_writing", exhausted)
    response = client.post(sheet_url(steel), data={"csrf_token": token, **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "سامانه لحظه‌ای شلوغ است؛ دوباره بفرستید" in html
    kept = _resend_form(html)
    assert {name: values for name, values in kept.items() if name != "csrf_token"} == {
        name: [value] for name, value in data.items()}
    assert _sheets(session, steel) == []
    assert is_busy_error(PoolTimeout("pool")) and not is_busy_error(ValueError("pool"))
