"""The notification jobs: send pending mail (after each commit that made some, and every five minutes) and
the daily deadline reminders. ``awards.tasks`` imports this module so the consumer sees them."""

from __future__ import annotations

import logging

from flask import current_app
from huey import crontab

from awards.db import db
from awards.jobs import huey, with_app
from awards.notifications.mail import send_pending
from awards.notifications.reminders import run_reminders

log = logging.getLogger("awards.notifications")


def send_pending_mail_now() -> int:
    """Send every pending notification mail, in the current app context; return how many went out."""
    session = db.session_factory()
    try:
        return send_pending(session, config=current_app.config)
    finally:
        session.close()


def send_reminders_now() -> int:
    """One daily reminder run, committed; then the mail it made goes out."""
    session = db.session_factory()
    try:
        created = run_reminders(session)
        session.commit()
    finally:
        session.close()
    return created


@huey.task()
def send_pending_mail() -> None:
    with_app(send_pending_mail_now)


@huey.periodic_task(crontab(minute="*/5"))
def sweep_pending_mail() -> None:
    """Every five minutes: mail whose after-commit job was lost (queue down) or whose server refused it."""
    with_app(send_pending_mail_now)


@huey.periodic_task(crontab(hour="4", minute="30"))
def send_reminders() -> None:
    """Daily (04:30 UTC, 08:00 in Tehran): the 7-, 3- and 1-day deadline reminders."""
    with_app(send_reminders_now)


def enqueue_pending_mail() -> None:
    """Queue a send after a commit; a queue that cannot be reached is left to the periodic sweep."""
    try:
        send_pending_mail()
    except Exception:
        log.warning("could not queue notification mail; the periodic sweep sends it", exc_info=True)
