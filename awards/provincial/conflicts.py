"""Conflicts in the provincial round: the rule flags live beside the national ones (awards.evaluation.conflicts)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from awards.evaluation.conflicts import flag_provincial_conflicts
from awards.models import ProvincialSeat, User


def flag_seat_conflicts(session: Session, *, seat: ProvincialSeat, actor: User | None = None) -> int:
    """Flag the newly seated member against the province's submitted dossiers."""
    group = seat.group
    return flag_provincial_conflicts(session, cycle=group.cycle, province_id=group.province_id, user_id=seat.user_id)
