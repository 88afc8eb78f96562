"""A category's export too large for a request, built as a background job the page follows with a progress bar.

The results page asks :func:`awards.results.queries.export_size` (one COUNT statement) how many rows an export has;
above ``EXPORT_JOB_ROWS`` (nominees plus submitted sheets) the export buttons start a job instead of answering with
the file. :func:`start_export_job` queues it (audited; the same person asking again for the same file while it is
still being made gets the job already under way). :func:`run_export_job` runs in the job consumer: it reads as a
reader (on SQLite a plain ``BEGIN``: writers go on meanwhile, as for ``flask results export``), computes the result
afresh (a worker must not fill the per-process cache with a category it will not ask for again) and streams the
workbook or CSV into ``<OUTPUT_FOLDER>/jobs/<id>/`` through a ``.part`` file, committing progress in short write
transactions of its own. Only the person who asked may download the file, and only while they may still export
the category.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from awards import clock, jobs, permissions
from awards.audit.services import record
from awards.db import db, write_intent
from awards.enums import JobState
from awards.errors import DomainError, PermissionDenied
from awards.models import Category, Job, User
from awards.results import exports, queries

EXPORT_JOB_KIND = "results_export"
FORMATS = ("xlsx", "csv")
TABLES = ("ranking", "sheets")
ACTION = "results.export"


def runs_as_job(rows: int, threshold: int) -> bool:
    """Whether an export of ``rows`` rows (nominees plus sheets) is built in the background."""
    return rows > threshold


def output_name(*, category: Category, fmt: str, table: str | None) -> str:
    """The file's name, the same whether the request or a job makes it."""
    name = f"results-{category.cycle.year}-{category.code}"
    return f"{name}.xlsx" if fmt == "xlsx" else f"{name}-{table}.csv"


def _params(category: Category, fmt: str, table: str | None) -> dict:
    return {"category_id": category.id, "format": fmt, "table": table}


def start_export_job(session: Session, *, actor: User, category: Category, fmt: str, table: str | None,
                     rows: int) -> Job:
    """Queue the export of one category (a workbook, or one CSV table); flush; return the job.

    The same actor asking again for the same file while an earlier job is queued or running gets that job back.
    """
    if not permissions.can_export_results(actor, category):
        raise PermissionDenied(_("خروجی نتایج این رشته برای شما در دسترس نیست."))
    if fmt not in FORMATS:
        raise DomainError(_("قالب خروجی باید اکسل یا CSV باشد."))
    if fmt == "xlsx":
        table = None
    elif table not in TABLES:
        raise DomainError(_("جدول خروجی باید رتبه‌بندی یا برگه‌ها باشد."))
    params = _params(category, fmt, table)
    for job in session.scalars(select(Job).where(
            Job.kind == EXPORT_JOB_KIND, Job.created_by_id == actor.id,
            Job.state.in_((JobState.QUEUED, JobState.RUNNING))).order_by(Job.id.desc())):
        if job.params == params:
            return job
    job = Job(kind=EXPORT_JOB_KIND, state=JobState.QUEUED, total=rows, done=0, created_by_id=actor.id,
              heartbeat_at=jobs.real_now(), params=params)
    session.add(job)
    session.flush()
    record(session, actor=actor, action=ACTION, object_type="job", object_id=job.id, cycle_id=category.cycle_id,
           changes={"category": [None, category.code], "format": [None, fmt], "table": [None, table],
                    "rows": [None, rows]})
    return job


def job_category(session: Session, job: Job) -> Category | None:
    """The category an export job is about (None for any other job, or one whose category is gone)."""
    if job.kind != EXPORT_JOB_KIND or not isinstance(job.params, dict):
        return None
    category_id = job.params.get("category_id")
    return queries.load_category(session, category_id) if isinstance(category_id, int) else None


def can_follow(user: User, job: Job, category: Category | None) -> bool:
    """The job's page and file: the person who asked, while they may still export its category."""
    return (category is not None and job.created_by_id is not None and job.created_by_id == user.id
            and permissions.can_export_results(user, category))


def recent_jobs(session: Session, *, user: User, category: Category, limit: int = 5) -> list[Job]:
    """The user's latest export jobs of this category, newest first (one statement)."""
    mine = session.scalars(select(Job).where(Job.kind == EXPORT_JOB_KIND, Job.created_by_id == user.id)
                           .order_by(Job.id.desc()).limit(50))
    return [job for job in mine if isinstance(job.params, dict) and job.params.get("category_id") == category.id
            ][:limit]


# ---------------------------------------------------------------------------------------------------------------
# The job itself (in the consumer)
# ---------------------------------------------------------------------------------------------------------------


def run_export_job(job_id: int) -> None:
    """Build a queued export job's file, recording progress on the job row as rows are written.

    Two sessions: ``session`` keeps the job's row (short write transactions: claim, progress, finish) and
    ``reader`` reads the category in one plain transaction (SQLite ``BEGIN``, never ``BEGIN IMMEDIATE``), so the
    whole build holds no write lock. The file is written as ``<name>.part`` and renamed when complete.
    """
    config = current_app.config
    session = db.session_factory()
    reader = db.session_factory()
    out_dir = jobs.job_folder(config["OUTPUT_FOLDER"], job_id)
    part_path = None
    try:
        if not jobs.claim(session, job_id, stale_seconds=config["JOB_STALE_SECONDS"]):
            return
        job = session.get(Job, job_id)
        params = dict(job.params)
        fmt, table = params["format"], params.get("table")
        with write_intent(False):
            category = queries.load_category(reader, params["category_id"])
            if category is None:
                raise DomainError(_("رشتهٔ این خروجی دیگر وجود ندارد."))
            data = queries.load_results(reader, category=category, fresh=True)
            info = exports.info_table(data) if fmt == "xlsx" else None
        nominees, sheets = len(data.result.nominees), len(data.sheets)
        total = (len(info.rows) + nominees + sheets if info is not None
                 else nominees if table == "ranking" else sheets)  # the body rows the file will have
        _progress(session, job_id, done=0, total=total)

        def progress(done: int) -> None:
            _progress(session, job_id, done=min(done, total))

        out_dir.mkdir(parents=True, exist_ok=True)
        jobs.clear_partial_output(out_dir)  # what an earlier, killed attempt left
        name = output_name(category=category, fmt=fmt, table=table)
        out_path = out_dir / name
        part_path = out_dir / (name + jobs.PART_SUFFIX)
        interval = max(0.5, config["JOB_STALE_SECONDS"] / 6)
        with jobs.Heartbeat(db.session_factory, job_id, interval=interval), write_intent(False):
            if fmt == "xlsx":
                exports.write_xlsx(_workbook_tables(info, data), part_path, progress=progress)
            else:
                built = exports.ranking_table(data) if table == "ranking" else exports.sheets_table(data)
                exports.write_csv(built, part_path, progress=progress)
                del built
        del data
        reader.rollback()
        os.replace(part_path, out_path)
        with write_intent(True):
            finished = session.execute(
                update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING)
                .values(state=JobState.DONE, done=total, total=total, result_path=str(out_path), result_name=name,
                        finished_at=clock.now(), heartbeat_at=jobs.real_now()))
            session.commit()
        if finished.rowcount != 1:  # failed as stale meanwhile: nobody will be offered this file
            out_path.unlink(missing_ok=True)
    except Exception as error:  # the job page must say what went wrong instead of spinning forever
        reader.rollback()
        session.rollback()
        if part_path is not None:
            Path(part_path).unlink(missing_ok=True)
        with write_intent(True):
            job = session.get(Job, job_id)
            if job is not None and job.state == JobState.RUNNING:
                job.state = JobState.FAILED
                job.error = getattr(error, "message", None) or _failure_message(error)
                job.finished_at = clock.now()
                session.commit()
        current_app.logger.exception("results export job %s failed", job_id)
    finally:
        reader.close()
        session.close()


def _workbook_tables(info: exports.Table, data: queries.CategoryResults):
    """The job's workbook: the info table taken when the data was read, then each table built when asked for."""
    yield info
    yield exports.ranking_table(data)
    yield exports.sheets_table(data)


def _progress(session: Session, job_id: int, *, done: int, total: int | None = None) -> None:
    """Record progress in a short write transaction of the job's own session."""
    values: dict = {"done": done, "heartbeat_at": jobs.real_now()}
    if total is not None:
        values["total"] = total
    with write_intent(True):
        session.execute(update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING).values(**values))
        session.commit()


def _failure_message(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "فضای دیسک سرور پر است و پرونده ساخته نشد. پس از آزاد کردن فضا دوباره امتحان کنید."
    return "خطا در ساختن پروندهٔ خروجی؛ گزارش آن ثبت شد."
