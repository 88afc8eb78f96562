"""Background task of a large results export."""

from __future__ import annotations

from awards.jobs import huey, with_app
from awards.results.export_jobs import run_export_job


@huey.task()
def export_results(job_id: int) -> None:
    """Build a queued results export (see ``export_jobs.run_export_job``)."""
    with_app(lambda: run_export_job(job_id))
