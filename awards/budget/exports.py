"""The statuette maker's list as an .xlsx (right to left, formula-like text neutralised, as every export is).

Built on :mod:`awards.results.exports`: one sheet of statuettes (serial, whom it names, category, province) and one
saying what the file is. Always Persian: the maker engraves Persian names; dates are Jalali with Latin digits.
"""

from __future__ import annotations

from awards import clock
from awards.budget.queries import STATUETTE_TIER, StatuetteRow
from awards.models import Cycle
from awards.results.exports import TIER_FA, Table, jalali, to_xlsx

HEADERS = ["ردیف", "شمارهٔ لوح", "نام گیرنده", "سمت", "نامزد", "رشته", "استان"]


def statuettes_table(rows: list[StatuetteRow]) -> Table:
    return Table("تندیس‌ها", list(HEADERS), [
        [number, row.serial, row.recipient, row.recipient_title, row.nominee_name, row.category_title,
         row.province_fa]
        for number, row in enumerate(rows, start=1)
    ])


def info_table(cycle: Cycle, rows: list[StatuetteRow]) -> Table:
    return Table("مشخصات", ["عنوان", "مقدار"], [
        ["دوره", cycle.title],
        ["سال", cycle.year],
        ["سطح جایزه", TIER_FA[STATUETTE_TIER]],
        ["شمار تندیس‌ها", len(rows)],
        ["زمان تهیهٔ این خروجی", jalali(clock.now())],
    ])


def statuettes_workbook(cycle: Cycle, rows: list[StatuetteRow]) -> bytes:
    return to_xlsx([statuettes_table(rows), info_table(cycle, rows)])
