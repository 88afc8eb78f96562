"""Reads about cycles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from awards.models import AuditEvent, Cycle, User


def current_cycle(session: Session) -> Cycle | None:
    """Return the newest cycle (the one the app works on by default)."""
    return session.scalar(
        select(Cycle).options(selectinload(Cycle.categories)).order_by(Cycle.year.desc()).limit(1)
    )


def all_cycles(session: Session) -> list[Cycle]:
    """Every cycle, newest first."""
    return list(session.scalars(select(Cycle).order_by(Cycle.year.desc())))


def timeline_history(session: Session, *, limit: int = 20) -> list[AuditEvent]:
    """The latest timeline edits and postponements of every cycle, newest first, with their actors."""
    return list(session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "cycle")
        .options(joinedload(AuditEvent.actor).lazyload(User.memberships))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ))

