"""Spreadsheet exports of a category's ranking and of every submitted sheet: .xlsx (right to left) and CSV.

Headers are Persian, dates Jalali (Latin digits, so a column sorts and parses), numbers stay numbers. Any text
cell that a spreadsheet could read as a formula (beginning with = + - @, a tab or a carriage return) is
neutralised with a leading apostrophe and stored as text.
"""

from __future__ import annotations

import csv
import io
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from os import PathLike
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from awards import clock
from awards.enums import CommitteeCode, Tier
from awards.evaluation.scoring import CriterionSpec, SheetScorer, round2, round2_or_none
from awards.persian import format_jalali_datetime
from awards.results.queries import CategoryResults

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TIER_FA = {Tier.GOLD: "تندیس زرین ملی و لوح تقدیر", Tier.CERTIFICATE: "لوح تقدیر"}

Cell = str | int | Decimal | None
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def jalali(moment: datetime | None) -> str | None:
    return format_jalali_datetime(moment, persian_digits=False) if moment else None


def _status(data: CategoryResults) -> str:
    category = data.category
    if category.finalised_at:
        return "نهایی"
    return "پیشنهادشده" if category.proposed_at else "باز"


def info_table(data: CategoryResults) -> Table:
    """What the export is: the category, its status, its digest and when it was taken."""
    category = data.category
    return Table("مشخصات", ["عنوان", "مقدار"], [
        ["دوره", category.cycle.title],
        ["سال", category.cycle.year],
        ["رشته", category.title],
        ["کد رشته", category.code],
        ["وضعیت", _status(data)],
        ["تاریخ پیشنهاد", jalali(category.proposed_at)],
        ["تاریخ نهایی‌شدن", jalali(category.finalised_at)],
        ["چکیدهٔ نتیجه (SHA-256)", category.result_digest],
        ["سر زنجیرهٔ دفتر ممیزی در چکیده (شمارهٔ رویداد)", category.audit_head_event_id],
        ["چکیدهٔ سر زنجیرهٔ دفتر ممیزی", category.audit_head_hash],
        ["زمان تهیهٔ این خروجی", jalali(clock.now())],
    ])


def _notes(data: CategoryResults, nominee) -> str:
    notes = []
    if nominee.ineligible:
        notes.append(f"فاقد صلاحیت: {nominee.ineligible_reason}")
    if nominee.is_incomplete:
        names = "، ".join(data.committee_rows[CommitteeCode(c)].name for c in nominee.incomplete) or "—"
        notes.append(f"ناقص (حد نصاب برگه‌ها نرسیده): {names}")
    if nominee.tie is not None:
        tie = data.result.ties[nominee.tie]
        notes.append("هم‌امتیاز؛ ترتیب با رئیس کمیتهٔ برگزیدگان" + ("" if tie.resolved else " (تعیین نشده)"))
    return "؛ ".join(notes)


def ranking_table(data: CategoryResults, *, with_category: bool = False) -> Table:
    """One row per nomination: rank, each C_K (raw, and normalised when on), F, proposed tier, serial, notes."""
    committees = data.scored_committees
    headers = ["کد رشته"] if with_category else []
    headers += ["رتبه", "شناسهٔ نامزد", "نامزد", "استان"]
    for committee in committees:
        headers.append(f"{committee.name} (وزن {committee.weight})")
        if committee.normalise:
            headers.append(f"{committee.name} (نرمال‌شده)")
    headers += ["امتیاز نهایی F", "سطح", "شمارهٔ سریال", "ملاحظات"]
    table = Table("رتبه‌بندی", headers)
    for nominee in data.result.nominees:
        row_info = data.nominees[nominee.id]
        award = data.awards.get(nominee.id)
        row: list[Cell] = [data.category.code] if with_category else []
        row += [nominee.rank, nominee.id, row_info.name, row_info.province]
        for committee in committees:
            score = nominee.committees[committee.code]
            row.append(round2_or_none(score.raw))
            if committee.normalise:
                row.append(round2_or_none(score.normalised))
        row += [nominee.final2, TIER_FA.get(nominee.tier) if nominee.tier else None,
                award.serial if award else None, _notes(data, nominee)]
        table.rows.append(row)
    return table


def sheets_table(data: CategoryResults) -> Table:
    """One row per submitted sheet, with S, whether it counts, and each criterion's value."""
    criteria = data.criteria
    names = {c.code: c.name for c in data.committees}
    headers = ["شناسهٔ برگه", "شناسهٔ نامزد", "نامزد", "استان", "کمیته", "داور", "زمان ارسال",
               "امتیاز برگه S", "در محاسبه شمرده می‌شود"]
    headers += [f"{names.get(c.committee, c.committee)}: {c.title} (از {c.max_points}، وزن {c.weight})"
                for c in criteria]
    table = Table("برگه‌ها", headers)
    specs = {c.committee: [] for c in criteria}
    for c in criteria:
        specs[c.committee].append(CriterionSpec(c.id, c.committee, c.max_points, c.weight))
    values = {s.id: s.values for s in data.scoring_input.sheets}
    computed, points = data.scoring_input.computed_criteria, data.scoring_input.indicator_points
    if computed:  # a computed criterion's value is the verified figure's points, as in the scoring
        verified: dict[int, dict[int, Decimal]] = {}
        for (nomination_id, criterion_id), value in points.items():
            verified.setdefault(nomination_id, {})[criterion_id] = value
        values = {s.id: {**{cid: v for cid, v in s.values.items() if cid not in computed},
                         **verified.get(s.nomination_id, {})} for s in data.scoring_input.sheets}
    scorers = {code: SheetScorer(lines) for code, lines in specs.items()}
    no_criteria = SheetScorer(())
    for sheet in data.sheets:
        nominee = data.nominees[sheet.nomination_id]
        result = data.result.nominee(sheet.nomination_id)
        cs = result.committees.get(sheet.committee)
        counted = cs is not None and sheet.member_id in cs.expected and sheet.member_id not in cs.missing
        score = scorers.get(sheet.committee, no_criteria)(values[sheet.id])
        row: list[Cell] = [sheet.id, sheet.nomination_id, nominee.name, nominee.province,
                           names.get(sheet.committee, sheet.committee),
                           data.member_names.get(sheet.member_id, str(sheet.member_id)),
                           jalali(sheet.submitted_at), round2(score) if score is not None else None,
                           "بله" if counted else "خیر"]
        row += [values[sheet.id].get(c.id) if c.committee == sheet.committee else None for c in criteria]
        table.rows.append(row)
    return table


def _cell_value(value: Cell) -> Cell:
    if isinstance(value, str):
        return neutralise(value)
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name of at most 31 characters, numbered when an earlier sheet already took it."""
    name = title[:31]
    n = 2
    while name in used:
        name = f"{title[:28]} {n}"
        n += 1
    used.add(name)
    return name


def _header_cell(sheet, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_cell_value(header))
    cell.font = HEADER_FONT
    cell.alignment = HEADER_ALIGNMENT
    return cell


def _body_cell(sheet, value: Cell):
    """Text stays text (never read as a formula or an error code), decimals show two places, the rest as is."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.data_type = "s"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.00"
        return cell
    return value


#: A writer given ``progress`` calls it with the number of body rows written so far, every this many rows.
PROGRESS_ROWS = 1000

Progress = Callable[[int], None]


def write_xlsx(tables: Iterable[Table], target: str | PathLike | BinaryIO, *, progress: Progress | None = None) -> None:
    """Stream a workbook with one right-to-left sheet per table into ``target`` (a path or a binary file):
    bold wrapped header, frozen under it, two-decimal numbers, text as text.

    openpyxl's write-only mode keeps no cell in memory once its row is written, and ``tables`` may be a generator,
    so memory is bounded by the table being written, not by the workbook. ``progress`` (if given) is called with
    the body rows written so far every :data:`PROGRESS_ROWS` rows and after each table."""
    workbook = Workbook(write_only=True)
    try:
        used: set[str] = set()
        written = 0
        for table in tables:
            sheet = workbook.create_sheet(_sheet_title(table.title, used))
            sheet.sheet_view.rightToLeft = True
            sheet.freeze_panes = "A2"
            for index, header in enumerate(table.headers, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = min(max(12, len(header) + 2), 40)
            sheet.append([_header_cell(sheet, h) for h in table.headers])
            for row in table.rows:
                sheet.append([_body_cell(sheet, v) for v in row])
                written += 1
                if progress is not None and written % PROGRESS_ROWS == 0:
                    progress(written)
            if progress is not None:
                progress(written)
            del table  # let the next table be built without this one's rows still held
    except BaseException:  # a table that fails to build: close the sheets begun and drop their temporary files
        _discard(workbook)
        raise
    workbook.save(target)


def _discard(workbook: Workbook) -> None:
    """Close a write-only workbook's sheets without saving it, and remove their temporary files (an unfinished
    sheet's row writer would otherwise be finalised later, by the garbage collector, on a closed file)."""
    for sheet in workbook.worksheets:
        try:
            sheet.close()
        finally:
            if sheet._writer is not None:
                sheet._writer.cleanup()


def to_xlsx(tables: Iterable[Table]) -> bytes:
    """:func:`write_xlsx` into memory: for one category's workbook (the web export)."""
    buffer = io.BytesIO()
    write_xlsx(tables, buffer)
    return buffer.getvalue()


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read Persian), formula-like text neutralised."""
    buffer = io.StringIO()
    _write_csv(buffer, table.headers, table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _write_csv(text, headers: Sequence[str], rows: Iterable[Sequence[Cell]], progress: Progress | None = None) -> None:
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([_cell_value(h) for h in headers])
    written = 0
    for row in rows:
        writer.writerow(["" if v is None else _cell_value(v) for v in row])
        written += 1
        if progress is not None and written % PROGRESS_ROWS == 0:
            progress(written)
    if progress is not None:
        progress(written)


def write_csv(table: Table, target: str | PathLike, *, progress: Progress | None = None) -> None:
    """:func:`to_csv` streamed into a file (the same bytes), with ``progress`` as for :func:`write_xlsx`."""
    with open(target, "w", encoding="utf-8-sig", newline="") as text:
        _write_csv(text, table.headers, table.rows, progress)


def write_merged_csv(tables: Iterable[Table], target: str | PathLike) -> None:
    """:func:`merge` then :func:`to_csv`, streamed: each table's rows go to a spool file as it comes (so one table
    is in memory at a time, as for :func:`write_xlsx`), and the CSV is written from the spool under the union of
    every table's headers, which is known only once the last table has come."""
    headers: list[str] = []
    with tempfile.TemporaryFile() as spool:
        for table in tables:
            headers += [h for h in table.headers if h not in headers]
            pickle.dump((table.headers, table.rows), spool, protocol=pickle.HIGHEST_PROTOCOL)
        spool.seek(0)

        def rows() -> Iterable[list[Cell]]:
            while True:
                try:
                    part_headers, part_rows = pickle.load(spool)  # noqa: S301 - our own spool file, just written
                except EOFError:
                    return
                for row in part_rows:
                    by_header = dict(zip(part_headers, row, strict=True))
                    yield [by_header.get(h) for h in headers]

        with open(target, "w", encoding="utf-8-sig", newline="") as text:
            _write_csv(text, headers, rows())


def category_tables(data: CategoryResults) -> Iterator[Table]:
    """One category's workbook: its info, ranking and sheets tables, each built when the writer asks for it."""
    yield info_table(data)
    yield ranking_table(data)
    yield sheets_table(data)


def category_workbook(data: CategoryResults) -> bytes:
    return to_xlsx(category_tables(data))


def merge(tables: Sequence[Table], title: str) -> Table:
    """Concatenate tables (the CLI's whole-cycle CSV) under the union of their headers, in first-seen order."""
    headers: list[str] = []
    for table in tables:
        headers += [h for h in table.headers if h not in headers]
    merged = Table(title, headers)
    for table in tables:
        for row in table.rows:
            by_header = dict(zip(table.headers, row, strict=True))
            merged.rows.append([by_header.get(h) for h in headers])
    return merged
