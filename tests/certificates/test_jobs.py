"""Bulk print jobs survive their consumer: heartbeats, the stale-job sweep, retry, whole files only, full disks
and an unreachable queue."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from huey.storage import RedisStorage, SqliteStorage
from pypdf import PdfReader
from sqlalchemy import select, text

from awards import jobs
from awards.certificates import printing, services, tasks
from awards.certificates.render import bulk
from awards.db import write_intent
from awards.errors import InvalidTransition, PermissionDenied
from awards.files import DISK_FULL_MESSAGE
from awards.jobs import huey
from awards.models import AuditEvent, Job
from tests.conftest import csrf_token
from tests.faults import closed_port, tiny_filesystem

ROOT = Path(__file__).resolve().parents[2]


def start_print(client, scope: str = "all"):
    return client.post("/certificates/print", data={"csrf_token": csrf_token(client, "/certificates/"),
                                                     "scope": scope, "fmt": "pdf"})


def latest_job(session) -> Job:
    session.commit()
    session.expire_all()
    return session.scalar(select(Job).order_by(Job.id.desc()))


def make_stale(session, job: Job, *, state: str = "running") -> None:
    job.state, job.heartbeat_at = state, jobs.real_now() - timedelta(hours=1)
    session.commit()


def retry(client, job_id: int):
    return client.post(f"/certificates/jobs/{job_id}/retry",
                       data={"csrf_token": csrf_token(client, f"/certificates/jobs/{job_id}")})


@pytest.fixture
def queued_job(final, session) -> Job:
    """A queued print of the whole cycle, committed (not yet run)."""
    cycle = final.cycle
    job = services.start_print_job(session, actor=final.users["admin"], cycle=cycle, category=None, fmt="pdf",
                                   verify_base_url="https://tandis.test/", upload_dir=final.upload_dir)
    session.commit()
    return job


# --- the sweep and the claim ------------------------------------------------------------------------------

def test_stale_running_job_is_failed_with_its_partial_output_removed(app, session, queued_job):
    make_stale(session, queued_job)
    folder = jobs.job_folder(app.config["OUTPUT_FOLDER"], queued_job.id)
    (folder / "certificates-x").mkdir(parents=True)
    (folder / "certificates-1404-all.pdf.part").write_bytes(b"%PDF-half")
    with write_intent(True):
        failed = jobs.fail_stale_jobs(session, stale_seconds=60, output_folder=app.config["OUTPUT_FOLDER"])
        session.commit()
    assert failed == [queued_job.id]
    job = latest_job(session)
    assert (job.state, job.error) == ("failed", jobs.STALE_MESSAGE)
    assert job.finished_at is not None
    assert list(folder.iterdir()) == []
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "job.stale"))
    assert event.object_id == job.id and event.actor_id is None


def test_running_job_with_a_fresh_heartbeat_is_left_alone(app, session, queued_job):
    queued_job.state, queued_job.heartbeat_at = "running", jobs.real_now()
    session.commit()
    with write_intent(True):
        assert jobs.fail_stale_jobs(session, stale_seconds=60, output_folder=app.config["OUTPUT_FOLDER"]) == []
        session.commit()
    assert latest_job(session).state == "running"


def test_a_second_delivery_of_a_running_job_does_nothing(app, session, queued_job):
    with write_intent(True):
        assert jobs.claim(session, queued_job.id, stale_seconds=60) is True
        assert jobs.claim(session, queued_job.id, stale_seconds=60) is False
    make_stale(session, latest_job(session))
    with write_intent(True):  # ... unless its consumer died: then it may be taken over
        assert jobs.claim(session, queued_job.id, stale_seconds=60) is True


def test_queued_job_not_picked_up_is_sent_again_once_per_period(app, session, queued_job):
    make_stale(session, queued_job, state="queued")
    with write_intent(True):
        assert jobs.queued_jobs_to_resend(session, stale_seconds=60) == [queued_job.id]
        session.commit()
        assert jobs.queued_jobs_to_resend(session, stale_seconds=60) == []


# --- retry ------------------------------------------------------------------------------------------------

def test_failed_job_page_offers_retry_which_runs_it_to_done(app, client, login_as, session, queued_job):
    make_stale(session, queued_job)
    with write_intent(True):
        jobs.fail_stale_jobs(session, stale_seconds=60, output_folder=app.config["OUTPUT_FOLDER"])
        session.commit()
    login_as("admin")
    page = client.get(f"/certificates/jobs/{queued_job.id}").get_data(as_text=True)
    assert 'id="job-retry"' in page and jobs.STALE_MESSAGE in page
    assert client.get(f"/certificates/jobs/{queued_job.id}/download").status_code == 404
    response = retry(client, queued_job.id)
    assert response.status_code == 302
    job = latest_job(session)
    assert (job.state, job.done, job.error) == ("done", 7, None)
    with client.get(f"/certificates/jobs/{job.id}/download") as download:
        assert len(PdfReader(io.BytesIO(download.data)).pages) == 7
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.retry")) is not None


def test_retry_of_a_job_that_is_not_failed_is_refused_and_changes_nothing(app, client, login_as, session, final):
    login_as("admin")
    start_print(client)
    job = latest_job(session)
    assert job.state == "done"
    response = retry(client, job.id)
    assert response.status_code == 302
    assert "فقط کار ناموفق دوباره اجرا می‌شود." in client.get(response.location).get_data(as_text=True)
    after = latest_job(session)
    assert (after.state, after.result_path, after.finished_at) == ("done", job.result_path, job.finished_at)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.retry")) is None
    with pytest.raises(InvalidTransition):
        services.retry_print_job(session, actor=final.users["admin"], job=after)


def test_retry_refused_to_those_who_may_not_print(app, client, login_as, session, final, queued_job):
    make_stale(session, queued_job, state="failed")
    login_as("oversight-chair")
    assert client.post(f"/certificates/jobs/{queued_job.id}/retry",
                       data={"csrf_token": csrf_token(client, "/")}).status_code == 404
    assert latest_job(session).state == "failed"
    with pytest.raises(PermissionDenied):
        services.retry_print_job(session, actor=final.users["oversight-chair"], job=latest_job(session))


def test_retry_without_csrf_is_refused(app, client, login_as, session, queued_job):
    make_stale(session, queued_job, state="failed")
    login_as("admin")
    assert client.post(f"/certificates/jobs/{queued_job.id}/retry").status_code == 400
    assert latest_job(session).state == "failed"


# --- whole files only -------------------------------------------------------------------------------------

def test_print_to_a_full_disk_fails_with_a_clear_message_and_leaves_no_file(app, client, login_as, session, final,
                                                                            tmp_path):
    with tiny_filesystem(tmp_path / "tiny", size_kb=64) as tiny:
        app.config["OUTPUT_FOLDER"] = tiny
        login_as("admin")
        start_print(client)
        job = latest_job(session)
        assert job.state == "failed"
        assert job.error == "فضای دیسک سرور پر است و پرونده ساخته نشد. پس از آزاد کردن فضا دوباره امتحان کنید."
        assert job.result_path is None
        folder = jobs.job_folder(tiny, job.id)
        assert [p for p in folder.rglob("*") if p.is_file()] == []
        assert client.get(f"/certificates/jobs/{job.id}/download").status_code == 404
        assert 'id="job-retry"' in client.get(f"/certificates/jobs/{job.id}").get_data(as_text=True)


def test_signature_upload_to_a_full_disk_is_refused_and_saves_nothing(app, client, login_as, session, final,
                                                                      tmp_path):
    signatory = final.cycle.signatories[0]
    before = signatory.signature_file
    with tiny_filesystem(tmp_path / "tiny", size_kb=16) as tiny:
        app.config["UPLOAD_FOLDER"] = tiny
        login_as("admin")
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * (100 * 1024)
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
        form = {"csrf_token": csrf_token(client, "/certificates/signatories"), "signatory_id": str(signatory.id),
                f"s{signatory.id}-name": signatory.name, f"s{signatory.id}-title": signatory.title,
                f"s{signatory.id}-signature": (io.BytesIO(png), "sign.png")}
        response = client.post("/certificates/signatories", data=form, content_type="multipart/form-data")
        assert response.status_code == 200
        assert DISK_FULL_MESSAGE in response.get_data(as_text=True)
        assert [p for p in tiny.rglob("*") if p.is_file()] == []
    session.expire_all()
    assert session.get(type(signatory), signatory.id).signature_file == before


# --- the queue unreachable --------------------------------------------------------------------------------

def test_print_while_the_queue_is_down_waits_then_resumes(app, client, login_as, session, final, monkeypatch):
    from awards.tasks import watch_jobs_now

    app.config["HUEY_IMMEDIATE"] = False
    monkeypatch.setattr(huey, "immediate", False)
    monkeypatch.setattr(huey, "storage", RedisStorage(name="tandis-prod-test",
                                                      url=f"redis://127.0.0.1:{closed_port()}/0"))
    login_as("admin")
    response = start_print(client)
    assert response.status_code == 302  # no 500: the job is kept, queued
    job = latest_job(session)
    assert job.state == "queued"
    assert "در صف ساخت" in client.get(f"/certificates/jobs/{job.id}").get_data(as_text=True)
    monkeypatch.undo()  # the queue is back (jobs run inline again): the consumer's watch sends it again
    make_stale(session, job, state="queued")
    with app.app_context():
        assert watch_jobs_now()["resent"] == [job.id]
    assert latest_job(session).state == "done"


# --- the consumer killed mid-job --------------------------------------------------------------------------

def _consumer(env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).with_name("huey_consumer")), "awards.tasks.huey", "-w", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _wait_for(predicate, what: str, limit: float = 90.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def _job_state(session, job_id: int) -> Job:
    session.commit()
    session.expire_all()
    return session.get(Job, job_id)


class RowLock:
    """A write lock that stops the consumer's next progress write (SQLite: the database; PostgreSQL: the job's
    row), so the kill lands mid-job whatever the machine's speed."""

    def __init__(self, database_url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(database_url)
        self.conn = None

    def take(self, job_id: int) -> None:
        self.conn = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.conn.execute(text("SELECT id FROM jobs WHERE id = :id FOR UPDATE"), {"id": job_id})

    def release(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None


@pytest.fixture
def row_lock(database_url):
    lock = RowLock(database_url)
    yield lock
    lock.release()
    lock.engine.dispose()


def test_consumer_killed_mid_job_leaves_a_failed_job_with_retry_and_no_file(app, client, login_as, session, final,
                                                                          database_url, tmp_path, monkeypatch,
                                                                          row_lock):
    queue_file = tmp_path / "queue.sqlite3"
    env = {**os.environ, "AWARDS_CONFIG": "development", "AWARDS_DATABASE_URL": database_url,
           "AWARDS_HUEY_SQLITE": str(queue_file), "AWARDS_UPLOAD_FOLDER": str(app.config["UPLOAD_FOLDER"]),
           "AWARDS_OUTPUT_FOLDER": str(app.config["OUTPUT_FOLDER"]), "AWARDS_JOB_STALE_SECONDS": "2",
           "AWARDS_CERTIFICATE_WORKERS": "1", "AWARDS_CERTIFICATE_CHUNK_SIZE": "1", "AWARDS_REQUEST_LOG": "0"}
    env.pop("AWARDS_REDIS_URL", None)
    app.config["HUEY_IMMEDIATE"] = False
    monkeypatch.setattr(huey, "immediate", False)
    monkeypatch.setattr(huey, "storage", SqliteStorage(name="tandis", filename=str(queue_file)))
    login_as("admin")
    start_print(client)
    job_id = latest_job(session).id
    folder = jobs.job_folder(app.config["OUTPUT_FOLDER"], job_id)

    consumer = _consumer(env)
    try:
        _wait_for(lambda: _job_state(session, job_id).state == "running", "the consumer to take the job")
        row_lock.take(job_id)
        # Mid-job: nothing is offered for download.
        assert client.get(f"/certificates/jobs/{job_id}.json").get_json()["download"] is None
        assert client.get(f"/certificates/jobs/{job_id}/download").status_code == 404
    finally:
        os.killpg(consumer.pid, signal.SIGKILL)
        consumer.wait()
        row_lock.release()
    assert _job_state(session, job_id).state == "running"  # killed: nobody is going to finish it

    # Restarted once the heartbeat is stale, the consumer fails the job at start-up.
    _wait_for(lambda: jobs.real_now() - _job_state(session, job_id).heartbeat_at > timedelta(seconds=2.5),
              "the heartbeat to go stale")
    consumer = _consumer(env)
    try:
        job = _wait_for(lambda: (j := _job_state(session, job_id)).state == "failed" and j, "the sweep")
    finally:
        consumer.send_signal(signal.SIGINT)
        try:
            consumer.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(consumer.pid, signal.SIGKILL)
            consumer.wait()
    assert job.error == jobs.STALE_MESSAGE and job.result_path is None
    assert not folder.exists() or [p for p in folder.rglob("*")] == []  # no .part, no chunk folder
    assert client.get(f"/certificates/jobs/{job_id}/download").status_code == 404
    assert 'id="job-retry"' in client.get(f"/certificates/jobs/{job_id}").get_data(as_text=True)

    monkeypatch.undo()  # jobs inline again: the retry runs it here, to done
    app.config["HUEY_IMMEDIATE"] = True
    assert retry(client, job_id).status_code == 302
    job = _job_state(session, job_id)
    assert job.state == "done"
    assert sorted(p.name for p in folder.iterdir()) == ["certificates-1404-all.pdf"]
    with client.get(f"/certificates/jobs/{job_id}/download") as download:
        assert len(PdfReader(io.BytesIO(download.data)).pages) == 7


def test_the_consumer_starts_the_certificate_workers_once_at_start_up(app):
    assert huey._startup.get("_start_certificate_workers") is tasks._start_certificate_workers
    app.config["CERTIFICATE_WORKERS"] = 2
    try:
        with app.app_context():
            assert printing.warm_workers() is True
            pool = bulk.worker_pool(printing.renderer(), 2)
            assert printing.warm_workers() is True  # a second worker thread's start-up: the same pool
            assert bulk.worker_pool(printing.renderer(), 2) is pool
            app.config["CERTIFICATE_WORKERS"] = 1
            assert printing.warm_workers() is False  # one worker: printing runs in the consumer itself
    finally:
        bulk.close_pools()
