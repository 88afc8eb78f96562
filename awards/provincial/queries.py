"""Reads of the provincial round: the groups of a cycle, one province's group."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from awards.enums import NominationState
from awards.models import Cycle, Nomination, Province, ProvincialGroup, ProvincialSeat, ProvincialSheet, User


@dataclass
class GroupRow:
    province: Province
    group: ProvincialGroup | None

    @property
    def size(self) -> int:
        return len(self.group.seats) if self.group else 0

    @property
    def chair(self) -> ProvincialSeat | None:
        return self.group.chair if self.group else None


def provinces(session: Session) -> list[Province]:
    return list(session.scalars(select(Province).order_by(Province.name_fa)))


def groups_of(session: Session, *, cycle: Cycle) -> list[GroupRow]:
    """Every province with its working group in ``cycle`` (None where none is seated yet), by Persian name."""
    groups = {g.province_id: g for g in session.scalars(
        select(ProvincialGroup).where(ProvincialGroup.cycle_id == cycle.id)
        .options(selectinload(ProvincialGroup.seats)))}
    return [GroupRow(province, groups.get(province.id)) for province in provinces(session)]


def group_of(session: Session, *, cycle: Cycle, province_id: int) -> ProvincialGroup | None:
    return session.scalar(select(ProvincialGroup).where(ProvincialGroup.cycle_id == cycle.id,
                                                        ProvincialGroup.province_id == province_id)
                          .options(selectinload(ProvincialGroup.seats)))


def seated_province_ids(user: User, *, cycle: Cycle) -> list[int]:
    """The provinces whose working group in ``cycle`` the user sits on."""
    return sorted({seat.group.province_id for seat in user.provincial_seats if seat.group.cycle_id == cycle.id})


@dataclass
class MySheet:
    nomination: Nomination
    sheet: ProvincialSheet | None


def my_sheets(session: Session, *, user: User, cycle: Cycle, province_id: int) -> list[MySheet]:
    """The province's dossiers under provincial review, with the user's own sheet on each (members only)."""
    if not any(seat.group.cycle_id == cycle.id and seat.group.province_id == province_id
               for seat in user.provincial_seats):
        return []
    nominations = list(session.scalars(select(Nomination).where(
        Nomination.cycle_id == cycle.id, Nomination.province_id == province_id,
        Nomination.state == NominationState.SUBMITTED).order_by(Nomination.category_id, Nomination.id)))
    own = {s.nomination_id: s for s in session.scalars(select(ProvincialSheet).where(
        ProvincialSheet.member_id == user.id, ProvincialSheet.nomination_id.in_([n.id for n in nominations] or [0])))}
    return [MySheet(n, own.get(n.id)) for n in nominations]


@dataclass
class DossierSheets:
    """A dossier under provincial review and each member's sheet on it (member id -> sheet; none yet: absent)."""

    nomination: Nomination
    sheets: dict[int, ProvincialSheet]


def member_sheets(session: Session, *, group: ProvincialGroup) -> list[DossierSheets]:
    """The chair's view: the province's dossiers under provincial review, by category, with every member's sheet
    (its state only; the values stay hidden until scoring closes)."""
    nominations = list(session.scalars(select(Nomination).where(
        Nomination.cycle_id == group.cycle_id, Nomination.province_id == group.province_id,
        Nomination.state == NominationState.SUBMITTED).order_by(Nomination.category_id, Nomination.id)))
    found: dict[int, dict[int, ProvincialSheet]] = {n.id: {} for n in nominations}
    for sheet in session.scalars(select(ProvincialSheet).where(
            ProvincialSheet.nomination_id.in_(list(found) or [0]))
            .options(selectinload(ProvincialSheet.member))):
        found[sheet.nomination_id][sheet.member_id] = sheet
    return [DossierSheets(n, found[n.id]) for n in nominations]
