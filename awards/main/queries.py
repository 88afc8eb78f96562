"""The dashboard's figures: one grouped query, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from awards import permissions
from awards.cycles.queries import current_cycle
from awards.db import utcnow
from awards.enums import NominationState, Phase
from awards.models import Cycle, Nomination, User


@dataclass
class DashboardFigures:
    cycle: Cycle | None
    phase: Phase | None
    by_state: dict[NominationState, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


def dashboard_figures(session: Session, *, user: User) -> DashboardFigures:
    """Count the current cycle's nominations by state, for the province or for everyone."""
    cycle = current_cycle(session)
    if cycle is None:
        return DashboardFigures(cycle=None, phase=None)
    query = (
        select(Nomination.state, func.count())
        .where(Nomination.cycle_id == cycle.id)
        .group_by(Nomination.state)
    )
    if not permissions.can_view_all_provinces(user):
        if not permissions.is_province_officer(user):
            return DashboardFigures(cycle=cycle, phase=cycle.phase_at(utcnow()))
        query = query.where(Nomination.province_id == user.province_id)
    counts = {NominationState(state): n for state, n in session.execute(query)}
    return DashboardFigures(cycle=cycle, phase=cycle.phase_at(utcnow()), by_state=counts)
