"""A large results export runs as a background job: the threshold's choice, the job's file against the direct
export, progress, reading without SQLite's write lock, and who may start, follow and download it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from awards import clock, jobs
from awards.db import db
from awards.enums import CommitteeCode, NominationState
from awards.errors import PermissionDenied
from awards.models import AuditEvent, Job
from awards.results import export_jobs, exports, queries
from tests.conftest import csrf_token
from tests.results.conftest import DURING_EVALUATION, add_sheet, cluster, user
from tests.screening.conftest import add_nomination, count_statements

CARPET = "خوشه فرش دستباف کاشان"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
KINDS = [("xlsx", None), ("csv", "ranking"), ("csv", "sheets")]


def _rows(session) -> int:
    """What the cluster's export holds: its nominees and submitted sheets, counted from the computed result."""
    data = queries.load_results(session, category=cluster(session), fresh=True)
    session.rollback()
    return len(data.result.nominees) + len(data.sheets)


def _export_url(cid: int, fmt: str, table: str | None) -> str:
    return f"/results/{cid}/export.{fmt}" + ("?table=sheets" if table == "sheets" else "")


def _start(client, cid: int, fmt: str, table: str | None = None):
    data = {"csrf_token": csrf_token(client, f"/results/{cid}")}
    if table:
        data["table"] = table
    return client.post(f"/results/{cid}/export.{fmt}", data=data)


def _counts(session) -> tuple[int, int]:
    session.rollback()
    return (session.scalar(select(func.count(Job.id))),
            session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == export_jobs.ACTION)))


def _latest_job(session) -> Job:
    session.rollback()
    session.expire_all()
    return session.scalar(select(Job).order_by(Job.id.desc()))


@pytest.fixture
def as_job(app):
    """Every export of any size runs as a job."""
    app.config["EXPORT_JOB_ROWS"] = 0


# --- the threshold ----------------------------------------------------------------------------------------------

def test_export_size_counts_nominees_and_sheets_in_one_statement_whatever_the_size(scored, app, session):
    category = cluster(session)
    with app.app_context(), count_statements() as statements:
        small = queries.export_size(db.session, category=category)
    assert small == _rows(session) == 3 + 3 * 5 * 3
    assert [s.split()[0] for s in statements if s != "BEGIN"] == ["SELECT"]
    clock.freeze(DURING_EVALUATION)  # two more nominees in evaluation, each with a winners member's sheet
    for name in ("نامزد تازهٔ یکم", "نامزد تازهٔ دوم"):
        nomination = add_nomination(session, scored, category="cluster", state=NominationState.IN_EVALUATION,
                                    name=name, documents=0)
        add_sheet(session, nomination=nomination, code=CommitteeCode.WINNERS, member=user(session, "winners-1"),
                  fraction=Decimal("0.5"))
    session.commit()
    category = cluster(session)
    with app.app_context(), count_statements() as statements:
        larger = queries.export_size(db.session, category=category)
    assert larger == _rows(session) == small + 4
    assert [s.split()[0] for s in statements if s != "BEGIN"] == ["SELECT"]


def test_at_the_threshold_the_export_is_direct(scored, app, client, session, login_as):
    cid, rows = cluster(session).id, _rows(session)
    app.config["EXPORT_JOB_ROWS"] = rows
    login_as("admin")
    before = _counts(session)
    page = client.get(f"/results/{cid}").get_data(as_text=True)
    assert f'href="/results/{cid}/export.xlsx"' in page and "ساخت در پس‌زمینه" not in page
    for fmt, table in KINDS:
        response = client.get(_export_url(cid, fmt, table))
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        posted = _start(client, cid, fmt, table)  # a stale page's button: sent to the file itself
        assert posted.status_code == 303 and posted.headers["Location"].endswith(_export_url(cid, fmt, table))
    assert _counts(session) == before


def test_above_the_threshold_the_page_offers_a_job_and_a_get_starts_none(scored, app, client, session, login_as):
    cid, rows = cluster(session).id, _rows(session)
    app.config["EXPORT_JOB_ROWS"] = rows - 1
    login_as("admin")
    before = _counts(session)
    page = client.get(f"/results/{cid}").get_data(as_text=True)
    assert f'action="/results/{cid}/export.xlsx"' in page and f'href="/results/{cid}/export.xlsx"' not in page
    assert page.count("ساخت در پس‌زمینه") == 3
    with count_statements() as statements:
        for fmt, table in KINDS:
            response = client.get(_export_url(cid, fmt, table))
            assert response.status_code == 200 and "Content-Disposition" not in response.headers
            body = response.get_data(as_text=True)
            assert f'action="/results/{cid}/export.{fmt}"' in body and "۴۸" in body
    assert [s for s in statements if WRITE.match(s) and "user_sessions" not in s] == []
    assert _counts(session) == before


# --- the job's file is the direct export's ----------------------------------------------------------------------

def _cells(body: bytes) -> list[tuple[str, bool, list]]:
    workbook = load_workbook(io.BytesIO(body))
    return [(ws.title, ws.sheet_view.rightToLeft,
             [[(c.value, c.data_type, c.number_format, c.font.b) for c in row] for row in ws.iter_rows()])
            for ws in workbook.worksheets]


@pytest.mark.parametrize(("fmt", "table"), KINDS)
def test_job_file_equals_the_direct_export(scored, app, client, session, login_as, fmt, table):
    clock.freeze(datetime(2025, 6, 25, 8, 30, tzinfo=UTC))  # RESULTS phase; the info sheet says when it was taken
    cid = cluster(session).id
    login_as("admin")
    direct = client.get(_export_url(cid, fmt, table))
    assert direct.status_code == 200
    app.config["EXPORT_JOB_ROWS"] = 0
    response = _start(client, cid, fmt, table)
    job = _latest_job(session)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/results/exports/{job.id}")
    assert (job.kind, job.state, job.created_by_id) == (export_jobs.EXPORT_JOB_KIND, "done", user(session, "admin").id)
    assert job.params == {"category_id": cid, "format": fmt, "table": table}
    download = client.get(f"/results/exports/{job.id}/download")
    download.data  # noqa: B018 - read the file before closing it
    download.close()
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == direct.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "private, no-store"
    if fmt == "xlsx":
        assert _cells(download.data) == _cells(direct.data)
    else:
        assert download.data == direct.data
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == export_jobs.ACTION))
    assert event.object_id == job.id and event.changes["category"] == [None, "cluster"]


def test_job_page_shows_progress_and_the_download(scored, as_job, client, session, login_as):
    cid = cluster(session).id
    login_as("admin")
    job_url = _start(client, cid, "xlsx").headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "پرونده آماده است." in page and "results-1404-cluster.xlsx" in page and "js/job.js" in page
    job = _latest_job(session)
    status = client.get(f"/results/exports/{job.id}.json").get_json()
    total = 11 + 3 + 45  # the info rows, the nominees and the sheets
    assert status == {"state": "done", "done": total, "total": total, "percent": 100, "error": None,
                      "download": f"/results/exports/{job.id}/download"}
    category_page = client.get(f"/results/{cid}").get_data(as_text=True)
    assert f'href="/results/exports/{job.id}"' in category_page  # the user's recent exports


def test_progress_is_reported_while_rows_are_written(scored, as_job, client, session, login_as, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_ROWS", 10)
    seen: list[tuple[int, int | None]] = []
    record = export_jobs._progress

    def spy(job_session, job_id, *, done, total=None):
        record(job_session, job_id, done=done, total=total)
        row = job_session.get(Job, job_id)
        job_session.refresh(row)
        seen.append((row.done, row.total))
        job_session.rollback()

    monkeypatch.setattr(export_jobs, "_progress", spy)
    login_as("admin")
    _start(client, cluster(session).id, "csv", "sheets")
    assert seen[0] == (0, 45)
    assert [done for done, _total in seen] == [0, 10, 20, 30, 40, 45]
    assert _latest_job(session).done == 45


def test_a_queued_job_row_shows_the_counted_rows(scored, as_job, app, session):
    category = cluster(session)
    job = export_jobs.start_export_job(session, actor=user(session, "admin"), category=category, fmt="csv",
                                       table="ranking", rows=48)
    assert (job.state, job.total, job.done) == ("queued", 48, 0)
    again = export_jobs.start_export_job(session, actor=user(session, "admin"), category=category, fmt="csv",
                                         table="ranking", rows=48)
    assert again.id == job.id  # asked twice while under way: one job
    other = export_jobs.start_export_job(session, actor=user(session, "admin"), category=category, fmt="csv",
                                         table="sheets", rows=48)
    assert other.id != job.id


def test_job_reads_without_holding_the_write_lock(scored, as_job, app, client, session, login_as, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    writes: list[str] = []
    write_csv = exports.write_csv

    def meanwhile(table, target, *, progress=None):
        # Another connection writes while the job streams its file: no busy wait, so a held lock would fail it.
        with db.engine.connect() as other:
            other.exec_driver_sql("PRAGMA busy_timeout=0")
            other.execute(text("UPDATE categories SET title = title WHERE code = 'cluster'"))
            other.commit()
        writes.append("written")
        write_csv(table, target, progress=progress)

    monkeypatch.setattr(exports, "write_csv", meanwhile)
    login_as("admin")
    _start(client, cluster(session).id, "csv", "ranking")
    assert writes == ["written"] and _latest_job(session).state == "done"


def test_the_job_does_not_fill_the_results_cache(scored, as_job, client, session, login_as, monkeypatch):
    calls: list[bool] = []
    load = queries.load_results

    def spy(session_, *, category, fresh=False):
        calls.append(fresh)
        return load(session_, category=category, fresh=fresh)

    login_as("admin")
    cid = cluster(session).id
    token = csrf_token(client, f"/results/{cid}")
    monkeypatch.setattr(queries, "load_results", spy)
    assert client.post(f"/results/{cid}/export.xlsx", data={"csrf_token": token}).status_code == 302
    assert calls == [True]


def test_a_failed_build_says_so_and_leaves_no_file(scored, as_job, app, client, session, login_as, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    login_as("admin")
    job_url = _start(client, cluster(session).id, "xlsx").headers["Location"]
    job = _latest_job(session)
    assert job.state == "failed" and "خطا در ساختن" in job.error and job.result_path is None
    assert list(jobs.job_folder(app.config["OUTPUT_FOLDER"], job.id).iterdir()) == []
    page = client.get(job_url).get_data(as_text=True)
    assert "ساخت پرونده ناموفق بود" in page and 'id="job-retry"' in page
    assert client.get(f"/results/exports/{job.id}/download").status_code == 404


def test_a_lost_queued_job_is_sent_again_by_the_watch(scored, as_job, app, session):
    from awards.tasks import watch_jobs_now

    job = export_jobs.start_export_job(session, actor=user(session, "admin"), category=cluster(session), fmt="xlsx",
                                       table=None, rows=48)
    job.heartbeat_at = jobs.real_now().replace(year=2000)
    session.commit()
    with app.app_context():
        assert watch_jobs_now()["resent"] == [job.id]
    assert _latest_job(session).state == "done"


# --- who may start, follow and download ---------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["fars", "winners-1"])
def test_those_who_may_not_export_start_nothing(scored, as_job, client, session, login_as, username):
    clock.freeze(DURING_EVALUATION)  # a committee member sees no scores before evaluation closes
    cid = cluster(session).id
    before = _counts(session)
    login_as(username)
    for fmt, table in KINDS:
        assert _start(client, cid, fmt, table).status_code == 403
        assert client.get(_export_url(cid, fmt, table)).status_code == 403
    assert _counts(session) == before
    with pytest.raises(PermissionDenied):
        export_jobs.start_export_job(session, actor=user(session, username), category=cluster(session), fmt="xlsx",
                                     table=None, rows=48)
    session.flush()
    assert _counts(session) == before


def test_only_the_person_who_asked_follows_and_downloads(scored, as_job, app, client, session, login_as):
    cid = cluster(session).id
    login_as("admin")
    _start(client, cid, "xlsx")
    job = _latest_job(session)
    paths = [f"/results/exports/{job.id}", f"/results/exports/{job.id}.json", f"/results/exports/{job.id}/download"]
    for path in paths:
        response = client.get(path)
        response.close()
        assert response.status_code == 200, path
    for username in ("fars", "winners-1", "media-chair"):  # a province; members who may export, not this file
        other = app.test_client()
        _login(other, username)
        for path in paths:
            assert other.get(path).status_code == 404, (username, path)
    anonymous = app.test_client()
    assert all(anonymous.get(path).status_code == 302 for path in paths)


def test_a_member_follows_their_own_job_but_not_after_losing_the_right(scored, as_job, app, client, session,
                                                                          login_as):
    cid = cluster(session).id
    login_as("winners-1")
    job_url = _start(client, cid, "csv", "ranking").headers["Location"]
    assert client.get(job_url).status_code == 200
    job = _latest_job(session)
    clock.freeze(DURING_EVALUATION)  # the same member, at a time they may not see scores
    assert client.get(f"/results/exports/{job.id}/download").status_code == 404
    admin = app.test_client()
    _login(admin, "admin")
    assert admin.get(job_url).status_code == 404  # an organizer may export, but this file is the member's


def test_unknown_and_other_jobs_are_404(scored, client, session, login_as):
    login_as("admin")
    print_job = Job(kind="certificates", state="done", total=1, done=1, created_by_id=user(session, "admin").id,
                    params={"cycle_id": cluster(session).cycle_id})
    session.add(print_job)
    session.commit()
    for job_id in (print_job.id, 999999):
        assert client.get(f"/results/exports/{job_id}").status_code == 404
        assert client.get(f"/results/exports/{job_id}/download").status_code == 404


def _login(client, username: str) -> None:
    from tests.conftest import login

    assert login(client, username).status_code == 302
