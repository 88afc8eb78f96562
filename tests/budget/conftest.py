"""The demo at its final stage (budget approved, certificates printable), and the same demo before any budget."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from awards.enums import CommitteeCode
from awards.models import AuditEvent, Budget, Committee, Job, Meeting, MeetingAttendee, MeetingDecision


@pytest.fixture
def final(demo_final):
    return demo_final


@pytest.fixture
def unbudgeted(demo_final, session):
    """The final demo as the secretariat found it before the budget: results confirmed, no budget, and no minutes
    of the finance committee (the demo's meeting approved the demo's budget)."""
    session.execute(delete(Budget))
    finance = select(Meeting.id).join(Committee, Committee.id == Meeting.committee_id).where(
        Committee.code == CommitteeCode.FINANCE).scalar_subquery()
    session.execute(delete(MeetingDecision).where(MeetingDecision.meeting_id.in_(finance)))
    session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id.in_(finance)))
    session.execute(delete(Meeting).where(Meeting.id.in_(finance)))
    session.commit()
    return demo_final


def budget(session) -> Budget | None:
    """The cycle's budget as the database now holds it (a new transaction, so what a request wrote shows)."""
    session.commit()
    session.expire_all()
    return session.scalar(select(Budget))


def snapshot(session) -> tuple:
    """What a refusal must leave as it was: the budget's row and lines, the audit events, the print jobs."""
    session.commit()
    session.expire_all()
    row = session.scalar(select(Budget))
    lines = [(line.kind, line.tier, line.label, line.unit_cost) for line in row.lines] if row else []
    state = (row.state, row.approved_at, row.approved_total, row.submitted_at, row.return_reason) if row else None
    return (state, lines, session.scalar(select(func.count(AuditEvent.id))),
            session.scalar(select(func.count(Job.id))))
