"""Reads of the «مدیریت» area, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from awards.models import Category, Committee, Cycle, Membership, Nomination, User


@dataclass(frozen=True)
class CycleRow:
    cycle: Cycle
    categories: int
    final: int
    members: int


def cycles_overview(session: Session) -> list[CycleRow]:
    """Every cycle, newest first, with its number of categories, final categories and seats."""
    categories = dict(session.execute(select(Category.cycle_id, func.count(Category.id))
                                      .group_by(Category.cycle_id)).all())
    final = dict(session.execute(select(Category.cycle_id, func.count(Category.id))
                                 .where(Category.finalised_at.is_not(None)).group_by(Category.cycle_id)).all())
    members = dict(session.execute(select(Membership.cycle_id, func.count(Membership.id))
                                   .group_by(Membership.cycle_id)).all())
    return [CycleRow(c, categories.get(c.id, 0), final.get(c.id, 0), members.get(c.id, 0))
            for c in session.scalars(select(Cycle).order_by(Cycle.year.desc()))]


def committees(session: Session) -> list[Committee]:
    return list(session.scalars(select(Committee).order_by(Committee.position)))


def nomination_counts(session: Session, *, cycle: Cycle) -> dict[int, int]:
    """Nominations per category of the cycle."""
    return dict(session.execute(select(Nomination.category_id, func.count(Nomination.id))
                                .where(Nomination.cycle_id == cycle.id).group_by(Nomination.category_id)).all())


def seats(session: Session, *, cycle: Cycle) -> dict[int, list[Membership]]:
    """The seats of the cycle by committee id, chair first, then by name."""
    rows = session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .options(joinedload(Membership.user))
        .where(Membership.cycle_id == cycle.id)
        .order_by(Membership.is_chair.desc(), User.full_name, User.id)
    ).unique()
    by_committee: dict[int, list[Membership]] = {}
    for membership in rows:
        by_committee.setdefault(membership.committee_id, []).append(membership)
    return by_committee


def candidates(session: Session, *, cycle: Cycle, committee: Committee) -> list[User]:
    """Active users not yet on this committee in this cycle, by name."""
    seated = select(Membership.user_id).where(Membership.cycle_id == cycle.id,
                                              Membership.committee_id == committee.id)
    return list(session.scalars(select(User).where(User.active.is_(True), User.id.not_in(seated))
                                .order_by(User.full_name, User.id)))
