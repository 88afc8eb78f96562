"""Rendering inside the app: one renderer per process (fonts and CSS parsed once), and the bulk print job."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from awards import clock
from awards.certificates import services
from awards.certificates.render import CertificateData, CertificateRenderer
from awards.db import db
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


def render_one(data: CertificateData) -> bytes:
    """One certificate's PDF/A bytes (the same data always gives the same bytes)."""
    with _lock:
        return renderer().render_one(data)


def run_print_job(job_id: int) -> None:
    """Render a queued bulk print job, recording progress on the job row as chunks finish.

    Runs in the job consumer (or inline when jobs are immediate). Transactions stay short: progress is
    committed while rendering, so the page following the job sees it move.
    """
    session = db.session_factory()
    try:
        job = session.get(Job, job_id)
        if job is None or job.state not in ("queued", "running"):
            return
        job.state = "running"
        session.commit()
        params = job.params
        cycle = session.get(Cycle, params["cycle_id"])
        category = session.get(Category, params["category_id"]) if params.get("category_id") else None
        awards = services.awards_of(session, cycle=cycle, category=category)
        items = services.certificates_for(session, awards=awards, verify_base_url=params["verify_base_url"],
                                          upload_dir=current_app.config["UPLOAD_FOLDER"])
        job.total = len(items)
        session.commit()

        def progress(done: int, _total: int) -> None:
            job.done = done
            session.commit()

        out_dir = Path(current_app.config["OUTPUT_FOLDER"]) / "jobs" / str(job.id)
        out_dir.mkdir(parents=True, exist_ok=True)
        name = services.output_name(cycle=cycle, category=category, fmt=params["format"])
        out_path = out_dir / name
        with _lock:
            if params["format"] == "pdf":
                renderer().render_many_chunked(
                    items, out_path=out_path, progress=progress,
                    chunk_size=current_app.config["CERTIFICATE_CHUNK_SIZE"],
                    workers=current_app.config["CERTIFICATE_WORKERS"])
            else:
                renderer().render_zip(items, out_path=out_path, progress=progress,
                                      workers=current_app.config["CERTIFICATE_WORKERS"])
        job.state, job.done = "done", len(items)
        job.result_path, job.result_name = str(out_path), name
        job.finished_at = clock.now()
        session.commit()
    except Exception as error:  # the job page must say what went wrong instead of spinning forever
        session.rollback()
        job = session.get(Job, job_id)
        if job is not None:
            job.state = "failed"
            job.error = getattr(error, "message", None) or "خطا در ساختن لوح‌ها؛ گزارش آن ثبت شد."
            job.finished_at = clock.now()
            session.commit()
        current_app.logger.exception("certificate job %s failed", job_id)
    finally:
        session.close()
