"""Reads of the province workspace: the nomination list, one dossier with its history, category quotas.

Each function issues a fixed number of statements whatever the number of rows (eager loading and grouped
counts), so pages built on them stay cheap as the cycle grows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from awards import permissions
from awards.enums import NominationState
from awards.models import (
    Category,
    ComplianceDecision,
    Cycle,
    EvidenceDocument,
    Nomination,
    Province,
    ScreeningDecision,
    User,
)
from awards.nominations.states import QUOTA_STATES
from awards.pagination import Page
from awards.persian import normalize_search


@dataclass
class NominationFilters:
    """What the list is narrowed to; ``None`` or empty means no narrowing."""

    cycle_id: int | None = None
    category_id: int | None = None
    province_id: int | None = None
    state: NominationState | None = None
    search: str = ""


def _visible_to(query: Select, user: User, filters: NominationFilters) -> Select:
    """Scope to what the user may list: their own province, or every province for an organizer."""
    if permissions.can_view_all_provinces(user):
        if filters.province_id is not None:
            query = query.where(Nomination.province_id == filters.province_id)
    else:
        query = query.where(Nomination.province_id == user.province_id)
    if filters.cycle_id is not None:
        query = query.where(Nomination.cycle_id == filters.cycle_id)
    if filters.category_id is not None:
        query = query.where(Nomination.category_id == filters.category_id)
    if filters.state is not None:
        query = query.where(Nomination.state == filters.state)
    needle = normalize_search(filters.search or "")
    if needle:
        query = query.where(or_(
            Nomination.search_name.contains(needle, autoescape=True),
            Nomination.legal_id.contains(needle, autoescape=True),
            Nomination.national_code.contains(needle, autoescape=True),
        ))
    return query


def list_nominations(session: Session, *, user: User, filters: NominationFilters, page: int,
                     page_size: int) -> Page:
    """Return one page of the nominations the user may list, newest change first (two statements)."""
    total = session.scalar(_visible_to(select(func.count(Nomination.id)), user, filters)) or 0
    pages = max(1, math.ceil(total / page_size))
    number = min(max(1, page), pages)
    query = (
        _visible_to(select(Nomination), user, filters)
        .options(joinedload(Nomination.category), joinedload(Nomination.province))
        .order_by(Nomination.updated_at.desc(), Nomination.id.desc())
        .limit(page_size)
        .offset((number - 1) * page_size)
    )
    items = list(session.scalars(query).unique())
    return Page(items=items, total=total, number=number, size=page_size)


def filter_options(session: Session, *, user: User) -> tuple[list[Cycle], list[Category], list[Province]]:
    """Cycles, categories and (for an organizer) provinces to offer in the list's filters."""
    cycles = list(session.scalars(select(Cycle).order_by(Cycle.year.desc())))
    categories = list(session.scalars(
        select(Category).join(Cycle).order_by(Cycle.year.desc(), Category.position, Category.id)
    ))
    provinces: list[Province] = []
    if permissions.can_view_all_provinces(user):
        provinces = list(session.scalars(select(Province).order_by(Province.name_fa)))
    return cycles, categories, provinces


def load_nomination(session: Session, nomination_id: int) -> Nomination | None:
    """Load a nomination with its cycle, category, province and evidence list."""
    return session.scalar(
        select(Nomination)
        .where(Nomination.id == nomination_id)
        .options(
            joinedload(Nomination.cycle),
            joinedload(Nomination.category),
            joinedload(Nomination.province),
            selectinload(Nomination.documents),
        )
    )


def load_document(session: Session, *, nomination: Nomination, document_id: int) -> EvidenceDocument | None:
    """Return the document only if it belongs to ``nomination`` (a guessed id of another one is None)."""
    return session.scalar(
        select(EvidenceDocument).where(
            EvidenceDocument.id == document_id, EvidenceDocument.nomination_id == nomination.id
        )
    )


def screening_history(session: Session, nomination: Nomination) -> list[ScreeningDecision]:
    """Every accept and return of the nomination, oldest first, with who decided."""
    return list(session.scalars(
        select(ScreeningDecision)
        .where(ScreeningDecision.nomination_id == nomination.id)
        .options(joinedload(ScreeningDecision.decided_by))
        .order_by(ScreeningDecision.decided_at, ScreeningDecision.id)
    ))


def compliance_decision(session: Session, nomination: Nomination) -> ComplianceDecision | None:
    """The oversight committee's pass or fail, if made."""
    return session.scalar(
        select(ComplianceDecision)
        .where(ComplianceDecision.nomination_id == nomination.id)
        .options(joinedload(ComplianceDecision.decided_by))
    )


def quota_usage(session: Session, *, province_id: int, cycle_id: int) -> dict[int, int]:
    """How many quota slots the province has used per category of the cycle (one grouped query)."""
    rows = session.execute(
        select(Nomination.category_id, func.count(Nomination.id))
        .where(Nomination.province_id == province_id, Nomination.cycle_id == cycle_id,
               Nomination.state.in_(QUOTA_STATES))
        .group_by(Nomination.category_id)
    )
    return {category_id: count for category_id, count in rows}


def categories_like(session: Session, category: Category) -> list[Category]:
    """Categories of the same cycle and kind of nominee: what a draft may move to without losing fields.

    Retired categories are left out, except the draft's own.
    """
    return list(session.scalars(
        select(Category)
        .where(Category.cycle_id == category.cycle_id, Category.nominee_kind == category.nominee_kind,
               (Category.retired_at.is_(None)) | (Category.id == category.id))
        .order_by(Category.position, Category.id)
    ))


def offered_categories(cycle) -> list[Category]:
    """The categories a province may nominate in (or import into): none in an archived cycle, no retired one."""
    if cycle is None or cycle.archived_at is not None:
        return []
    return [category for category in cycle.categories if category.retired_at is None]


#: States in which a dossier still counts as a nomination of its nominee (a withdrawn one no longer does).
_DUPLICATE_STATES = tuple(state for state in NominationState if state is not NominationState.WITHDRAWN)


@dataclass(frozen=True)
class DuplicateNominee:
    """Another dossier of the same cycle with the same national company ID or national code."""

    nomination_id: int
    nominee_name: str
    province_id: int
    field: str  # "legal_id" or "national_code"


def duplicate_nominees(session: Session, *, nominations: list[Nomination]) -> dict[int, list[DuplicateNominee]]:
    """For each of ``nominations``, the other dossiers of its cycle, from any province, that name the same legal
    entity (شناسه ملی) or person (کد ملی). One statement however many nominations are asked about."""
    if not nominations:
        return {}
    other = aliased(Nomination)
    ids = [n.id for n in nominations]
    same_legal = ((other.legal_id == Nomination.legal_id) & Nomination.legal_id.is_not(None)
                  & (Nomination.legal_id != ""))
    same_person = ((other.national_code == Nomination.national_code) & Nomination.national_code.is_not(None)
                   & (Nomination.national_code != ""))

    def matches(same, field: str, *extra):
        # One equality join per field, so each side is found through its (cycle_id, field) index: an OR of the
        # two in one join makes the database read the whole cycle for every nomination asked about.
        return (select(Nomination.id.label("nomination_id"), other.id.label("other_id"),
                       other.nominee_name.label("name"), other.province_id.label("province_id"),
                       literal_column(f"'{field}'").label("field"))
                .join(other, (other.cycle_id == Nomination.cycle_id) & (other.id != Nomination.id) & same)
                .where(Nomination.id.in_(ids), Nomination.state.in_(_DUPLICATE_STATES),
                       other.state.in_(_DUPLICATE_STATES), *extra))

    # A dossier matching on both counts once, as a legal-ID match (the second part leaves those out).
    not_same_legal = or_(Nomination.legal_id.is_(None), Nomination.legal_id == "", other.legal_id.is_(None),
                         other.legal_id != Nomination.legal_id)
    both = union_all(matches(same_legal, "legal_id"),
                     matches(same_person, "national_code", not_same_legal)).subquery()
    rows = session.execute(select(both).order_by(both.c.nomination_id, both.c.other_id))
    found: dict[int, list[DuplicateNominee]] = {}
    for nomination_id, other_id, name, province_id, field in rows:
        found.setdefault(nomination_id, []).append(DuplicateNominee(other_id, name, province_id, field))
    return found
