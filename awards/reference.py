"""Reference data: the 31 provinces and the six committees every installation holds.

The Alembic data migration ``0002`` loads them (its own frozen copy of the rows); this module only checks that
a database holds them all, for ``init`` and for anyone who wants to know before opening a cycle.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.enums import CommitteeCode
from awards.models import Committee, Province

PROVINCES_CSV = Path(__file__).with_name("data") / "provinces.csv"

#: The six committees: (code, Persian name, English name), in display order.
COMMITTEES = [
    (CommitteeCode.WINNERS, "برگزیدگان", "Winners"),
    (CommitteeCode.PROVINCIAL_AFFAIRS, "امور استان‌ها", "Provincial affairs"),
    (CommitteeCode.MEDIA, "رسانه", "Media"),
    (CommitteeCode.OVERSIGHT, "نظارت و پیگیری", "Oversight and follow-up"),
    (CommitteeCode.FINANCE, "مالی", "Finance"),
    (CommitteeCode.CONTENT, "محتوا", "Content"),
]


def province_codes() -> list[str]:
    """Return the ISO codes of the 31 provinces, from ``awards/data/provinces.csv``."""
    with open(PROVINCES_CSV, encoding="utf-8") as handle:
        return [row["iso_code"] for row in csv.DictReader(handle)]


def missing_reference_data(session: Session) -> list[str]:
    """Return what the database lacks ("province IR-07", "committee media"); empty when it is complete."""
    have_provinces = set(session.scalars(select(Province.iso_code)))
    have_committees = set(session.scalars(select(Committee.code)))
    missing = [f"province {code}" for code in province_codes() if code not in have_provinces]
    missing += [f"committee {code.value}" for code, _fa, _en in COMMITTEES if code not in have_committees]
    return missing
