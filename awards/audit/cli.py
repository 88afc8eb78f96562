"""``flask audit verify``: walk the audit log's hash chain and name the first event that breaks it."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from awards.audit import services
from awards.db import db, write_intent

# An AppGroup runs each command inside an app context, so the database session is the app context's own.
audit_group = AppGroup("audit", help="The audit log: verify its hash chain.")


@audit_group.command("verify")
@click.option("--batch", type=click.IntRange(100, 100_000), default=2000, show_default=True,
              help="Rows read at a time (memory stays bounded by it).")
def verify_command(batch: int) -> None:
    """Recompute every event's hash in id order; exit 1 naming the first edited, deleted, inserted or moved event."""
    with write_intent(False):  # a reader: on SQLite it must not hold the write lock for the whole walk
        report = services.verify_chain(db.session, batch=batch)
        db.session.rollback()
    with current_app.test_request_context():  # the Persian half of the line comes from the message catalogue
        line = report.describe()
    if not report.ok:
        click.echo(f"زنجیرهٔ رویدادها شکسته است / audit chain broken: {line}", err=True)
        raise SystemExit(1)
    click.echo(line)
