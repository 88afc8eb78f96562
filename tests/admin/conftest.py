"""Helpers for the «مدیریت» tests: moments of the demo cycle, and short loaders (``demo_final``: tests/conftest.py)."""

from __future__ import annotations

from sqlalchemy import select

from awards.demo import jalali_moment
from awards.models import Category, Committee, Cycle, Membership, User

#: Moments around the 1404 demo cycle (Tehran time).
AFTER_CEREMONY = jalali_moment(1404, 7, 1, 10, 0)

TIMELINE_1405 = {
    "nominations_open_at": "۱۴۰۴/۱۲/۰۱",
    "nominations_close_at": "۱۴۰۵/۰۲/۳۱",
    "screening_close_at": "۱۴۰۵/۰۳/۱۵",
    "evaluation_close_at": "۱۴۰۵/۰۳/۳۱",
    "results_final_at": "۱۴۰۵/۰۴/۰۵",
    "ceremony_at": "۱۴۰۵/۰۴/۱۰",
}


def user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def cycle_of(session, year: int) -> Cycle | None:
    return session.scalar(select(Cycle).where(Cycle.year == year))


def category(session, code: str, year: int = 1404) -> Category:
    return session.scalar(select(Category).join(Cycle).where(Category.code == code, Cycle.year == year))


def committee(session, code: str) -> Committee:
    return session.scalar(select(Committee).where(Committee.code == code))


def seat(session, username: str, code: str, year: int = 1404) -> Membership:
    return session.scalar(select(Membership).join(Cycle).where(
        Membership.user_id == user(session, username).id, Membership.committee_id == committee(session, code).id,
        Cycle.year == year))
