"""What every queue and list of dossiers shares: its filters, the tolerant search and the page number.

Low in the layers (below the domain packages), so the screening queues, the evaluation inbox and the citations
list narrow their queries the same way without importing one another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from awards.models import Nomination, Province
from awards.persian import normalize_search


def provinces(session: Session) -> list[Province]:
    return list(session.scalars(select(Province).order_by(Province.name_fa)))


@dataclass
class QueueFilters:
    """What a queue is narrowed to and how it is ordered; ``None`` or empty means no narrowing."""

    province_id: int | None = None
    category_id: int | None = None
    search: str = ""
    sort: str = "oldest"
    status: str | None = None  # compliance only: pending, passed or failed


def narrow(query: Select, filters: QueueFilters) -> Select:
    if filters.province_id is not None:
        query = query.where(Nomination.province_id == filters.province_id)
    if filters.category_id is not None:
        query = query.where(Nomination.category_id == filters.category_id)
    needle = normalize_search(filters.search or "")
    if needle:  # the same tolerant match as the nominations list (ی/ي, ک/ك, Persian or Latin digits)
        query = query.where(or_(
            Nomination.search_name.contains(needle, autoescape=True),
            Nomination.legal_id.contains(needle, autoescape=True),
            Nomination.national_code.contains(needle, autoescape=True),
        ))
    return query


def page_number(total: int, page: int, size: int) -> int:
    return min(max(1, page), max(1, math.ceil(total / size)))
