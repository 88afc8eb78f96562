"""Rendering inside the app: one renderer per process (fonts and CSS parsed once), and the bulk print job."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from awards import clock, jobs
from awards.certificates import services
from awards.certificates.render import CertificateData, CertificateRenderer, bulk
from awards.db import db
from awards.enums import JobState
from awards.models import Category, Cycle, Job

_renderer: CertificateRenderer | None = None
# WeasyPrint's font configuration is not thread-safe, and the dev server and job consumer use threads.
_lock = threading.Lock()


def renderer() -> CertificateRenderer:
    """Return this process's renderer, built on first use."""
    global _renderer
    if _renderer is None:
        root = Path(current_app.root_path)
        _renderer = CertificateRenderer(static_dir=Path(current_app.static_folder),
                                        template_dir=(root / current_app.template_folder).resolve())
    return _renderer


def warm_workers() -> bool:
    """Start this process's certificate worker processes now (the job consumer does at start-up), so that no
    print job waits for them; False where printing runs without a pool (one worker configured)."""
    return bulk.warm_pool(renderer(), current_app.config["CERTIFICATE_WORKERS"])


def render_one(data: CertificateData) -> bytes:
    """One certificate's PDF/A bytes (the same data always gives the same bytes)."""
    with _lock:
        return renderer().render_one(data)


def run_print_job(job_id: int) -> None:
    """Render a queued bulk print job, recording progress on the job row as chunks finish.

    Runs in the job consumer (or inline when jobs are immediate). Transactions stay short: progress is
    committed while rendering, so the page following the job sees it move. A thread touches the job's
    heartbeat meanwhile (``awards.jobs``), so a killed consumer's job is found and failed. The file is written
    as ``<name>.part`` and renamed when complete: no half-written file is ever offered.
    """
    config = current_app.config
    session = db.session_factory()
    out_dir = jobs.job_folder(config["OUTPUT_FOLDER"], job_id)
    part_path = None
    try:
        if not jobs.claim(session, job_id, stale_seconds=config["JOB_STALE_SECONDS"]):
            return
        job = session.get(Job, job_id)
        params = job.params
        cycle = session.get(Cycle, params["cycle_id"])
        category = session.get(Category, params["category_id"]) if params.get("category_id") else None
        awards = services.awards_of(session, cycle=cycle, category=category)
        items = services.certificates_for(session, awards=awards, verify_base_url=params["verify_base_url"],
                                          upload_dir=config["UPLOAD_FOLDER"])
        job.total, job.done = len(items), 0
        session.commit()

        def progress(done: int, _total: int) -> None:
            job.done = done
            session.commit()

        out_dir.mkdir(parents=True, exist_ok=True)
        jobs.clear_partial_output(out_dir)  # what an earlier, killed attempt left
        name = services.output_name(cycle=cycle, category=category, fmt=params["format"])
        out_path = out_dir / name
        part_path = out_dir / (name + jobs.PART_SUFFIX)
        interval = max(0.5, config["JOB_STALE_SECONDS"] / 6)
        with jobs.Heartbeat(db.session_factory, job_id, interval=interval), _lock:
            if params["format"] == "pdf":
                renderer().render_many_chunked(
                    items, out_path=part_path, progress=progress,
                    chunk_size=config["CERTIFICATE_CHUNK_SIZE"], workers=config["CERTIFICATE_WORKERS"])
            else:
                renderer().render_zip(items, out_path=part_path, progress=progress,
                                      workers=config["CERTIFICATE_WORKERS"])
        os.replace(part_path, out_path)
        finished = session.execute(
            update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING)
            .values(state=JobState.DONE, done=len(items), result_path=str(out_path), result_name=name,
                    finished_at=clock.now(), heartbeat_at=jobs.real_now()))
        session.commit()
        if finished.rowcount != 1:  # failed as stale meanwhile (a long stall): its retry writes afresh
            out_path.unlink(missing_ok=True)
    except Exception as error:  # the job page must say what went wrong instead of spinning forever
        session.rollback()
        if part_path is not None:
            part_path.unlink(missing_ok=True)
        job = session.get(Job, job_id)
        if job is not None and job.state == JobState.RUNNING:
            job.state = JobState.FAILED
            job.error = getattr(error, "message", None) or _failure_message(error)
            job.finished_at = clock.now()
            session.commit()
        current_app.logger.exception("certificate job %s failed", job_id)
    finally:
        session.close()


def _failure_message(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "فضای دیسک سرور پر است و پرونده ساخته نشد. پس از آزاد کردن فضا دوباره امتحان کنید."
    return "خطا در ساختن لوح‌ها؛ گزارش آن ثبت شد."
