"""Background tasks of certificate printing."""

from __future__ import annotations

import logging

from awards.certificates.printing import run_print_job, warm_workers
from awards.jobs import huey, with_app

log = logging.getLogger("awards.jobs")


@huey.task()
def print_certificates(job_id: int) -> None:
    """Render a bulk print job (see ``printing.run_print_job``)."""
    with_app(lambda: run_print_job(job_id))


@huey.on_startup()
def _start_certificate_workers() -> None:
    """Start the renderer's worker processes once per consumer, not once per job (each takes about a second to
    import WeasyPrint and parse the fonts and CSS); a failure only means the first job starts them."""
    try:
        with_app(warm_workers)
    except Exception:
        log.warning("starting the certificate workers at consumer start-up failed", exc_info=True)
