"""Background jobs with Huey: SQLite storage on the embedded default, Redis when AWARDS_REDIS_URL is set.

The consumer runs as ``huey_consumer awards.tasks.huey`` (``make run`` starts it). Tests run jobs immediately
(``HUEY_IMMEDIATE``). A task gets its Flask app from the current context when there is one (immediate mode),
and otherwise builds one per worker process.

Recovery: a running job touches ``Job.heartbeat_at`` every few seconds (:class:`Heartbeat`); a job whose
heartbeat is older than ``JOB_STALE_SECONDS`` lost its consumer (killed, host gone) and is failed by
:func:`fail_stale_jobs`, which the consumer runs at start-up and every minute. A queued job whose message was
lost (the queue was unreachable when it was enqueued) is enqueued again by :func:`queued_jobs_to_resend`.
The consumer itself writes a heartbeat every minute (:func:`beat_consumer`) that ``/healthz`` reads.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey
from redis import ConnectionPool
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from awards import clock
from awards.audit.services import record
from awards.db import db, unwatch_reader_writes, watch_reader_writes, write_intent
from awards.enums import JobState
from awards.models import Job, Setting
from config import INSTANCE_DIR

log = logging.getLogger("awards.jobs")
CONSUMER_HEARTBEAT_KEY = "consumer_heartbeat"
PART_SUFFIX = ".part"


def make_huey():
    """Pick the queue's storage from the environment (read once, when the consumer or app imports us).

    The environment is the only source: ``huey_consumer awards.tasks.huey`` imports this module without an app,
    so the queue cannot come from ``app.config``, and config.py has no key for it.
    """
    redis_url = os.environ.get("AWARDS_REDIS_URL")
    if redis_url:
        # A short connect timeout: with Redis down, enqueueing from a page fails fast instead of hanging.
        pool = ConnectionPool.from_url(redis_url, socket_connect_timeout=2, health_check_interval=30)
        return RedisHuey(os.environ.get("AWARDS_REDIS_PREFIX") or "tandis", connection_pool=pool)
    path = Path(os.environ.get("AWARDS_HUEY_SQLITE", INSTANCE_DIR / "huey.sqlite3"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("tandis", filename=str(path))


huey = make_huey()
_worker_app: Flask | None = None
#: Builds the worker's own app: set by ``awards.tasks``, the consumer's entry point, which sits above the app
#: factory (this module sits below it: the blueprints the factory registers import it).
_app_factory: Callable[[], Flask] | None = None


def set_app_factory(factory: Callable[[], Flask]) -> None:
    """Tell :func:`with_app` how a worker process builds its app when a task runs outside any app context."""
    global _app_factory
    _app_factory = factory


def init_app(app) -> None:
    """Run jobs inline when the config asks for it (tests)."""
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))


def with_app(func: Callable[[], object]) -> object:
    """Call ``func`` inside an app context: the current one, or the worker's own app."""
    global _worker_app
    if has_app_context():
        return _as_worker(func)
    if _worker_app is None:
        if _app_factory is None:
            raise RuntimeError("a task ran outside an app context before awards.tasks set the app factory")
        _worker_app = _app_factory()
    with _worker_app.app_context():
        return _as_worker(func)


def _as_worker(func: Callable[[], object]) -> object:
    # A task writes as the consumer does (BEGIN IMMEDIATE on SQLite), also when it runs inline in a request.
    watch = watch_reader_writes(None)
    try:
        with write_intent(True):
            return func()
    finally:
        unwatch_reader_writes(watch)


def real_now() -> datetime:
    """Wall-clock time for heartbeats (never the demo clock: other processes compare against it)."""
    return datetime.now(UTC)


def claim(session: Session, job_id: int, *, stale_seconds: int) -> bool:
    """Mark a queued job (or a running one whose heartbeat went stale) running, atomically; commit.

    Returns False when the job is gone, finished, or running under a live consumer: then a second delivery
    of the same message does nothing.
    """
    now = real_now()
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, or_(Job.state == JobState.QUEUED,
                                     and_(Job.state == JobState.RUNNING, Job.heartbeat_at < now - timedelta(
                                         seconds=stale_seconds))))
        .values(state=JobState.RUNNING, heartbeat_at=now)
    )
    session.commit()
    return result.rowcount == 1


class Heartbeat:
    """Touch a running job's heartbeat every ``interval`` seconds from a thread, with a session of its own."""

    def __init__(self, session_factory: Callable[[], Session], job_id: int, *, interval: float) -> None:
        self._factory = session_factory
        self._job_id = job_id
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            session = self._factory()
            try:
                with write_intent(True):
                    session.execute(update(Job).where(Job.id == self._job_id, Job.state == JobState.RUNNING)
                                    .values(heartbeat_at=real_now()))
                    session.commit()
            except Exception:  # a missed beat is not fatal; the next one may pass
                session.rollback()
                log.warning("job %s: heartbeat not recorded", self._job_id, exc_info=True)
            finally:
                session.close()


def job_folder(output_folder: Path, job_id: int) -> Path:
    """Where a job writes its output (and its ``.part`` file and chunk folders while it runs)."""
    return Path(output_folder) / "jobs" / str(job_id)


def clear_partial_output(folder: Path) -> None:
    """Delete a job's half-written output: ``*.part`` files and the chunk folders a killed render left."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.endswith(PART_SUFFIX):
            entry.unlink(missing_ok=True)
        elif entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


STALE_MESSAGE = "ساخت پرونده نیمه‌کاره ماند، چون پردازشگر کارها متوقف شد. دوباره امتحان کنید."


def fail_stale_jobs(session: Session, *, stale_seconds: int, output_folder: Path) -> list[int]:
    """Fail every running job whose heartbeat is older than ``stale_seconds``; flush; return their ids."""
    cutoff = real_now() - timedelta(seconds=stale_seconds)
    stale = list(session.scalars(select(Job).where(
        Job.state == JobState.RUNNING, or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff))))
    for job in stale:
        job.state, job.error, job.finished_at = JobState.FAILED, STALE_MESSAGE, clock.now()
        clear_partial_output(job_folder(output_folder, job.id))
        session.flush()
        record(session, actor=None, action="job.stale", object_type="job", object_id=job.id,
               changes={"state": ["running", "failed"]})
        log.warning("job %s: no heartbeat since %s; marked failed", job.id, job.heartbeat_at)
    return [job.id for job in stale]


def queued_jobs_to_resend(session: Session, *, stale_seconds: int) -> list[int]:
    """Ids of queued jobs not picked up within ``stale_seconds`` (their message may be lost); their clock
    restarts, so each is sent again at most once per period. Flushes."""
    cutoff = real_now() - timedelta(seconds=stale_seconds)
    waiting = list(session.scalars(select(Job).where(
        Job.state == JobState.QUEUED, or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff))))
    for job in waiting:
        job.heartbeat_at = real_now()
    session.flush()
    return [job.id for job in waiting]


def redis_client(app):
    """The app's Redis client for heartbeats and health (one connection pool per app, short timeouts)."""
    client = app.extensions.get("awards_redis")
    if client is None or app.extensions.get("awards_redis_url") != app.config["REDIS_URL"]:
        client = redis.Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
        app.extensions["awards_redis"], app.extensions["awards_redis_url"] = client, app.config["REDIS_URL"]
    return client


def beat_consumer(app) -> None:
    """Record that a job consumer is alive: in Redis when configured (every host sees it), else the database."""
    now = real_now()
    if app.config.get("REDIS_URL"):
        redis_client(app).set(f"{app.config['REDIS_PREFIX']}:{CONSUMER_HEARTBEAT_KEY}", now.isoformat(),
                        ex=24 * 3600)
        return
    session = db.session_factory()
    try:
        setting = session.get(Setting, CONSUMER_HEARTBEAT_KEY)
        if setting is None:
            session.add(Setting(key=CONSUMER_HEARTBEAT_KEY, value=now.isoformat()))
        else:
            setting.value = now.isoformat()
        session.commit()
    finally:
        session.close()


def consumer_heartbeat(app) -> datetime | None:
    """The consumer's last heartbeat, or None when none was ever recorded (raises if Redis is unreachable)."""
    if app.config.get("REDIS_URL"):
        raw = redis_client(app).get(f"{app.config['REDIS_PREFIX']}:{CONSUMER_HEARTBEAT_KEY}")
        value = raw.decode() if raw else None
    else:
        setting = db.session.get(Setting, CONSUMER_HEARTBEAT_KEY)
        value = setting.value if setting else None
    return datetime.fromisoformat(value) if value else None
