"""Background tasks of certificate printing."""

from __future__ import annotations

from awards.certificates.printing import run_print_job
from awards.jobs import huey, with_app


@huey.task()
def print_certificates(job_id: int) -> None:
    """Render a bulk print job (see ``printing.run_print_job``)."""
    with_app(lambda: run_print_job(job_id))
