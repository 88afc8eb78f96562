"""Reads for the press list and the public winners page: one query for the rows, whatever their number.

What is published: the awards of the categories the media chair's approval covers (``Publication.category_ids``,
those final when approved), never a revoked one. The public page shows them only once the chair has opened it
and only from the ceremony's date (Tehran) on, even if a row says it is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from awards.enums import PublicationState, Tier
from awards.models import Award, Category, Cycle, Nomination, Province, Publication
from awards.pagination import Page
from awards.persian import TEHRAN

PAGE_SIZE = 50


@dataclass(frozen=True)
class WinnerRow:
    """One published award, with what the press list and the public page print."""

    award_id: int
    category_id: int
    category_title: str
    category_title_en: str
    rank: int
    tier: Tier
    serial: str
    token: str
    nominee_name: str
    representative_name: str | None
    representative_title: str | None
    province_iso: str
    province_fa: str
    province_en: str


def publication_of(session: Session, *, cycle: Cycle) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.cycle_id == cycle.id))


def final_category_ids(session: Session, *, cycle: Cycle) -> list[int]:
    """The cycle's categories whose result is confirmed, in the cycle's order."""
    return list(session.scalars(
        select(Category.id).where(Category.cycle_id == cycle.id, Category.finalised_at.is_not(None))
        .order_by(Category.position, Category.id)
    ))


def listed_category_ids(session: Session, *, cycle: Cycle, publication: Publication | None) -> list[int]:
    """What the press list covers: the approved categories, or (before an approval) every final one."""
    if publication is not None and publication.state is not PublicationState.PREPARING:
        return list(publication.category_ids)
    return final_category_ids(session, cycle=cycle)


def ceremony_day(cycle: Cycle) -> date:
    return cycle.ceremony_at.astimezone(TEHRAN).date()


def ceremony_reached(cycle: Cycle, now: datetime) -> bool:
    """Whether ``now`` falls on or after the ceremony's date in Tehran (not its hour: the day counts)."""
    return now.astimezone(TEHRAN).date() >= ceremony_day(cycle)


def is_public(cycle: Cycle, publication: Publication | None, now: datetime) -> bool:
    """The public page exists: opened by the media chair, and the ceremony's date has come."""
    return (publication is not None and publication.state is PublicationState.OPEN
            and ceremony_reached(cycle, now))


def _winners_query(category_ids: list[int]) -> Select:
    return (
        select(Award.id, Award.category_id, Category.title, Category.title_en, Award.rank, Award.tier,
               Award.serial, Award.token, Nomination.nominee_name, Nomination.representative_name,
               Nomination.representative_title, Province.iso_code, Province.name_fa, Province.name_en)
        .join(Category, Category.id == Award.category_id)
        .join(Nomination, Nomination.id == Award.nomination_id)
        .join(Province, Province.id == Nomination.province_id)
        .where(Award.category_id.in_(category_ids), Award.revoked_at.is_(None))
    )


def _rows(session: Session, query: Select) -> list[WinnerRow]:
    return [WinnerRow(*row) for row in session.execute(query.order_by(Category.position, Award.rank, Award.id))]


def winners(session: Session, *, category_ids: list[int]) -> list[WinnerRow]:
    """Every live award of the given categories, by category order then rank (one query)."""
    return _rows(session, _winners_query(category_ids))


def winners_page(session: Session, *, category_ids: list[int], province_iso: str | None,
                 number: int) -> Page:
    """One page of the published winners, of one province when ``province_iso`` is given (two queries)."""
    query = _winners_query(category_ids)
    if province_iso:
        query = query.where(Province.iso_code == province_iso)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    items = _rows(session, query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE))
    return Page(items=items, total=total, number=number, size=PAGE_SIZE)


def by_category(rows: list[WinnerRow]) -> list[list[WinnerRow]]:
    """Consecutive rows of one category together, in the order given (the category order)."""
    return [list(group) for _, group in groupby(rows, key=lambda row: row.category_id)]


def winner_provinces(session: Session, *, category_ids: list[int]) -> list[Province]:
    """The provinces with at least one published winner, for the filter (one query)."""
    live = _winners_query(category_ids).with_only_columns(Nomination.province_id).subquery()
    return list(session.scalars(select(Province).where(Province.id.in_(select(live.c.province_id)))
                                .order_by(Province.name_fa)))


def cycle_by_year(session: Session, year: int) -> Cycle | None:
    return session.scalar(select(Cycle).where(Cycle.year == year))
