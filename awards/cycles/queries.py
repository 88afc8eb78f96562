"""Reads about cycles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from awards.models import Cycle


def current_cycle(session: Session) -> Cycle | None:
    """Return the newest cycle (the one the app works on by default)."""
    return session.scalar(
        select(Cycle).options(selectinload(Cycle.categories)).order_by(Cycle.year.desc()).limit(1)
    )
