"""Reminding a committee's members of the score sheets they still owe.

A reminder is recorded in the audit log and reaches each member as a notification (the bell, and e-mail when
they have an address and have not opted out of reminders): ``awards.notifications.services.notify_reminder``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.audit.services import record
from awards.cycles.queries import current_cycle
from awards.errors import DomainError
from awards.guards import ensure_cycle_writable
from awards.main.dashboard import sheet_progress
from awards.models import Category, Committee, Cycle, User
from awards.notifications.services import notify_reminder


@dataclass(frozen=True)
class Reminder:
    """One member reminded, and how many of their sheets are not submitted yet."""

    user: User
    missing: int


def remind_members(session: Session, *, committee: Committee, category: Category | None = None, actor: User,
                   cycle: Cycle | None = None) -> list[Reminder]:
    """Record a reminder to every member of ``committee`` (but the actor) who still owes sheets.

    ``category`` narrows the sheets counted to one category; ``cycle`` defaults to the category's cycle, or
    else the current one. Permission (the committee's chair) is the caller's to check. Refuses, recording
    nothing, when nobody owes a sheet. Side effect: one ``evaluation.remind`` audit event naming the members
    and the sheets each still owes, and a reminder notification to each of them. Flushes, never commits.
    """
    cycle = cycle or (category.cycle if category is not None else current_cycle(session))
    if cycle is None:
        raise DomainError(_("هنوز دوره‌ای تعریف نشده است."))
    ensure_cycle_writable(cycle)
    owing = {p.member_id: p.missing for p in sheet_progress(
        session, cycle=cycle, committee_ids=[committee.id], category_id=category.id if category else None)
        if p.missing > 0 and p.member_id != actor.id}
    if not owing:
        raise DomainError(_("همهٔ برگه‌های این کمیته ارسال شده است؛ یادآوری لازم نیست."))
    users = list(session.scalars(select(User).where(User.id.in_(owing)).order_by(User.id)))
    reminders = [Reminder(user=user, missing=owing[user.id]) for user in users]
    record(session, actor=actor, action="evaluation.remind", object_type="committee", object_id=committee.id,
           cycle_id=cycle.id,
           changes={"members": "، ".join(f"{r.user.full_name} ({r.missing})" for r in reminders),
                    **({"category": category.title} if category is not None else {})})
    notify_reminder(session, users=users, cycle=cycle, deadline_name="evaluation_close_at", actor=actor)
    session.flush()
    return reminders
