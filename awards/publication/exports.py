"""The press list as a spreadsheet: .xlsx (right to left, with what it is and who approved it) and CSV.

Built on :mod:`awards.results.exports`, so text that a spreadsheet could run as a formula is neutralised the same
way; dates are Jalali with Latin digits.
"""

from __future__ import annotations

from awards import clock
from awards.enums import PublicationState
from awards.models import Cycle, Publication
from awards.persian import format_jalali_date
from awards.publication.queries import WinnerRow, ceremony_day
from awards.results.exports import TIER_FA, Table, jalali, to_csv, to_xlsx

HEADERS = ["رشته", "رتبه", "نامزد", "گیرنده", "عنوان", "استان", "سطح جایزه", "شمارهٔ لوح"]


def press_table(rows: list[WinnerRow]) -> Table:
    """One row per live award of the listed categories, by category order then rank."""
    return Table("فهرست برگزیدگان", list(HEADERS), [
        [row.category_title, row.rank, row.nominee_name, row.representative_name or row.nominee_name,
         row.representative_title, row.province_fa, TIER_FA[row.tier], row.serial]
        for row in rows
    ])


def info_table(cycle: Cycle, publication: Publication | None) -> Table:
    approved = publication is not None and publication.state is not PublicationState.PREPARING
    return Table("مشخصات", ["عنوان", "مقدار"], [
        ["دوره", cycle.title],
        ["سال", cycle.year],
        ["تاریخ آیین", format_jalali_date(ceremony_day(cycle), persian_digits=False)],
        ["وضعیت", "تأییدشدهٔ کمیتهٔ رسانه" if approved else "پیش‌نویس (هنوز تأیید نشده)"],
        ["تاریخ تأیید", jalali(publication.approved_at) if approved else None],
        ["متن آغاز خبرنامه", publication.intro if publication is not None and publication.intro else None],
        ["زمان تهیهٔ این خروجی", jalali(clock.now())],
    ])


def press_workbook(cycle: Cycle, publication: Publication | None, rows: list[WinnerRow]) -> bytes:
    return to_xlsx([press_table(rows), info_table(cycle, publication)])


def press_csv(rows: list[WinnerRow]) -> bytes:
    return to_csv(press_table(rows))
