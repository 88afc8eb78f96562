"""Guards every service that changes a cycle's data calls first: a low module (models and errors only)."""

from __future__ import annotations

from flask_babel import gettext as _

from awards.errors import DomainError
from awards.models import Cycle


class CycleArchived(DomainError):
    """The cycle is archived and read-only."""


def ensure_cycle_writable(cycle: Cycle | None) -> None:
    """Refuse any change to the data of an archived cycle (its nominations, evidence, sheets, rubric, set-up)."""
    if cycle is not None and cycle.archived_at is not None:
        raise CycleArchived(_("دورهٔ «%(title)s» بایگانی شده است و فقط خواندنی است.", title=cycle.title))
