"""Factories and helpers for the screening and compliance tests (also used by the audit tests)."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Iterator

from sqlalchemy import event, select

from awards.db import db
from awards.demo import jalali_moment
from awards.enums import NominationState
from awards.models import EvidenceDocument, Nomination, Province

_serial = itertools.count(1)


@contextlib.contextmanager
def count_statements() -> Iterator[list[str]]:
    """Collect every SQL statement the app's engine sends while the block runs."""
    statements: list[str] = []

    def _listener(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _listener)


def add_nomination(session, demo, *, iso: str = "IR-07", category: str = "industry",
                   state: NominationState = NominationState.SUBMITTED, name: str | None = None,
                   day: int = 10, documents: int = 1) -> Nomination:
    """Insert a dossier straight into the database in ``state`` (no quota or phase checks: a data factory)."""
    number = next(_serial)
    province = session.scalar(select(Province).where(Province.iso_code == iso))
    nomination = Nomination(
        cycle_id=demo.cycle.id, category_id=demo.categories[category].id, province_id=province.id, state=state,
        nominee_name=name or f"شرکت آزمایشی {number}", search_name=f"test {number}", city="شیراز",
        sector="آزمایشی", employees=10 + number, annual_sales=1000 * number,
        submitted_at=jalali_moment(1404, 2, day, 9, 0) if state != NominationState.DRAFT else None,
    )
    for index in range(documents):
        digest = hashlib.sha256(f"{number}-{index}".encode()).hexdigest()
        nomination.documents.append(EvidenceDocument(
            original_name=f"مدرک-{index}.pdf", stored_name=f"test-{number}-{index}.pdf",
            content_type="application/pdf", size_bytes=2048, sha256=digest))
    session.add(nomination)
    session.flush()
    return nomination


def read(session, statement):
    """Run a read in the test's session and end its transaction at once.

    On SQLite every transaction begins IMMEDIATE (it takes the write lock), so a test that keeps one open
    would block the request it makes next; the session does not expire on commit, so the result stays usable.
    """
    session.expire_all()
    value = session.scalar(statement)
    session.commit()
    return value


def nomination_named(session, name: str) -> Nomination:
    return read(session, select(Nomination).where(Nomination.nominee_name == name))

