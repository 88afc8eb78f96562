"""Guards every service that changes a cycle's or a category's data calls first.

A low module (models, errors and SQLAlchemy only) so that every domain package can use it without importing
another: evaluation, results and nominations all refuse writes to an archived cycle or a final category here.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.errors import DomainError
from awards.models import Category, Cycle


class CycleArchived(DomainError):
    """The cycle is archived and read-only."""


def ensure_cycle_writable(cycle: Cycle | None) -> None:
    """Refuse any change to the data of an archived cycle (its nominations, evidence, sheets, rubric, set-up)."""
    if cycle is not None and cycle.archived_at is not None:
        raise CycleArchived(_("دورهٔ «%(title)s» بایگانی شده است و فقط خواندنی است.", title=cycle.title))


def lock_category(session: Session, *, category: Category) -> Category:
    """Take the category row's lock (PostgreSQL: FOR UPDATE) and reload it, so decisions see the latest row."""
    return session.scalars(
        select(Category).where(Category.id == category.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def assert_category_open(session: Session, *, category: Category) -> Category:
    """Lock the category row and refuse if its result is final: sheets may change only while this holds.

    Every service that writes scores, sheets or conflicts calls this first in its transaction, so a write
    racing a finalisation either lands before it (and the confirmation sees it) or is refused.
    """
    locked = lock_category(session, category=category)
    if locked.is_final:
        raise DomainError(_("نتایج این رشته نهایی شده است"))
    return locked


def lock_open_category(session: Session, *, category: Category) -> Category:
    """Lock the category row (serialising with finalisation); refuse when the category is final or archived."""
    ensure_cycle_writable(category.cycle)
    return assert_category_open(session, category=category)
