"""Every background task, imported in one place so the consumer (``huey_consumer awards.tasks.huey``) sees them.

Besides the jobs themselves, the consumer watches over them: at start-up and every minute it records its own
heartbeat (read by ``/healthz``), fails running jobs whose heartbeat went stale (their consumer was killed)
and sends again queued jobs whose message never reached the queue.
"""

from __future__ import annotations

import logging

from flask import current_app
from huey import crontab
from sqlalchemy import select

from awards import create_app, jobs
from awards.certificates.services import JOB_KIND as CERTIFICATES_KIND
from awards.certificates.tasks import print_certificates
from awards.db import db
from awards.jobs import huey, with_app
from awards.models import Job
from awards.notifications.tasks import send_pending_mail, send_reminders, sweep_pending_mail
from awards.results.export_jobs import EXPORT_JOB_KIND
from awards.results.tasks import export_results

__all__ = ["export_results", "huey", "print_certificates", "send_pending_mail", "send_reminders",
           "sweep_pending_mail", "watch_jobs"]

#: The task that runs each kind of job, for sending a lost one again.
TASKS = {CERTIFICATES_KIND: print_certificates, EXPORT_JOB_KIND: export_results}

log = logging.getLogger("awards.jobs")
jobs.set_app_factory(create_app)  # a task outside any app context (the consumer) builds the app once per worker


def watch_jobs_now() -> dict[str, list[int]]:
    """One round of the watch, in the current app context; return the failed and resent job ids."""
    app = current_app._get_current_object()
    jobs.beat_consumer(app)
    session = db.session_factory()
    try:
        failed = jobs.fail_stale_jobs(session, stale_seconds=app.config["JOB_STALE_SECONDS"],
                                      output_folder=app.config["OUTPUT_FOLDER"])
        resend = jobs.queued_jobs_to_resend(session, stale_seconds=app.config["JOB_STALE_SECONDS"])
        kinds = {job_id: kind for job_id, kind in session.execute(select(Job.id, Job.kind).where(Job.id.in_(resend)))}
        session.commit()
    finally:
        session.close()
    for job_id in resend:
        task = TASKS.get(kinds.get(job_id))
        if task is not None:
            task(job_id)
    return {"failed": failed, "resent": resend}


@huey.periodic_task(crontab(minute="*"))
def watch_jobs() -> None:
    """Every minute: the consumer's heartbeat and the stale-job sweep."""
    with_app(watch_jobs_now)


@huey.on_startup()
def _watch_at_start_up() -> None:
    try:
        with_app(watch_jobs_now)
    except Exception:  # Redis or the database down at start-up: the periodic run tries again
        log.warning("job watch at consumer start-up failed", exc_info=True)
