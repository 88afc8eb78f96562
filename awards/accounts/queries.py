"""Reads for the users pages: one page of the list (a fixed number of statements), one account's links."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from awards.accounts.services import Role
from awards.models import Membership, PasswordLink, User
from awards.pagination import Page
from awards.persian import ZWNJ, normalize_search


@dataclass
class UserFilters:
    search: str = ""
    role: Role | None = None
    active: bool | None = None


def _filtered(query: Select, filters: UserFilters) -> Select:
    needle = normalize_search(filters.search or "")
    if needle:
        # Names are stored with Persian ی/ک already; ZWNJ and case are ignored on both sides.
        name_key = func.lower(func.replace(User.full_name, ZWNJ, ""))
        query = query.where(or_(
            User.username.contains(needle, autoescape=True),
            name_key.contains(needle, autoescape=True),
            func.lower(func.coalesce(User.email, "")).contains(needle, autoescape=True),
            func.coalesce(User.mobile, "").contains(needle, autoescape=True),
        ))
    if filters.role is Role.ORGANIZER:
        query = query.where(User.is_organizer.is_(True))
    elif filters.role is Role.PROVINCE_OFFICER:
        query = query.where(User.province_id.is_not(None))
    elif filters.role is Role.COMMITTEE_MEMBER:
        query = query.where(exists().where(Membership.user_id == User.id))
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    return query


def list_users(session: Session, *, filters: UserFilters, page: int, page_size: int) -> Page:
    """One page of accounts by username, with provinces and memberships eager-loaded (three statements)."""
    total = session.scalar(_filtered(select(func.count(User.id)), filters)) or 0
    pages = max(1, math.ceil(total / page_size))
    number = min(max(1, page), pages)
    items = list(session.scalars(
        _filtered(select(User), filters).order_by(User.username).limit(page_size).offset((number - 1) * page_size)
    ).unique())
    return Page(items=items, total=total, number=number, size=page_size)


def recent_links(session: Session, *, user: User, limit: int = 10) -> list[PasswordLink]:
    """The user's latest set-password links, newest first (their state, never a token)."""
    return list(session.scalars(select(PasswordLink).where(PasswordLink.user_id == user.id)
                                .order_by(PasswordLink.created_at.desc(), PasswordLink.id.desc()).limit(limit)))
