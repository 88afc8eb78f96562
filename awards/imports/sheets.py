"""Reading an uploaded .xlsx or UTF-8 CSV into numbered rows, shared by every bulk import (nominees, users).

Formula cells are read as their text (openpyxl with ``data_only=False``) so the importers can refuse them;
nothing here ever evaluates a cell. Problems are reported as ``ImportRejected`` with ``RowError`` entries
located as the uploader sees them: spreadsheet row number, column header, the value typed.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
from flask_babel import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from awards import i18n
from awards.errors import DomainError

#: Uncompressed size an .xlsx may unpack to (a guard against zip bombs).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
FORMULA_STARTS = ("=", "+", "-", "@")

MSG_FORMULA = "فرمول پذیرفته نیست؛ مقدار را به صورت متن یا عدد ساده بنویسید."
MSG_NOT_TEXT = "تاریخ یا زمان پذیرفته نیست؛ مقدار را به صورت متن یا عدد بنویسید."


def formula_refused() -> str:
    """MSG_FORMULA in the reader's language."""
    return _("فرمول پذیرفته نیست؛ مقدار را به صورت متن یا عدد ساده بنویسید.")


def not_text_refused() -> str:
    """MSG_NOT_TEXT in the reader's language."""
    return _("تاریخ یا زمان پذیرفته نیست؛ مقدار را به صورت متن یا عدد بنویسید.")


def fa_number(number: int) -> str:
    """A count for a message: Persian digits and separator in Persian, Latin digits in other languages."""
    return i18n.number(number)


@dataclass(frozen=True)
class SheetRow:
    """A non-blank row of the file, numbered as the spreadsheet numbers it (header row included)."""

    number: int
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class RowError:
    """One problem, located as the uploader sees it: row number, column header, the value typed."""

    row: int | None
    column: str
    value: str
    message: str

    @property
    def value_dir(self) -> str:
        """Right to left only for Persian text: formulas, codes and numbers read left to right."""
        return "auto" if any("\u0600" <= ch <= "\u06ff" for ch in self.value) else "ltr"


class ImportRejected(DomainError):
    """Nothing was saved; ``errors`` locates each problem by row and column."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message, field="file")
        self.errors = errors or []


def is_blank(cells: tuple[Any, ...] | list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _keep(numbered_rows, limit: int, too_many: str) -> list[SheetRow]:
    rows = []
    for number, cells in numbered_rows:
        if is_blank(cells):
            continue
        rows.append(SheetRow(number, tuple(cells)))
        if len(rows) > limit:
            raise ImportRejected(too_many)
    return rows


def _read_xlsx(data: bytes, limit: int, too_many: str) -> list[SheetRow]:
    invalid = ImportRejected(_("پروندهٔ xlsx خوانا نیست؛ آن را در اکسل با قالب «Excel Workbook (.xlsx)» ذخیره کنید."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportRejected(_("محتوای پروندهٔ xlsx بیش از حد بزرگ است."))
        with warnings.catch_warnings():
            # openpyxl warns about spreadsheet features it does not read (styles, extensions): irrelevant here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                if not workbook.worksheets:
                    raise invalid
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # a wrong <dimension> in the file must not hide rows
                return _keep(enumerate(sheet.iter_rows(values_only=True), start=1), limit, too_many)
            finally:
                workbook.close()
    except ImportRejected:
        raise
    # A damaged or foreign ZIP fails in many ways inside openpyxl (ElementTree's ParseError is a SyntaxError).
    except (InvalidFileException, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError,
            OSError, EOFError, IndexError, AttributeError, SyntaxError) as exc:
        raise invalid from exc


def _delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {candidate: first_line.count(candidate) for candidate in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes, limit: int, too_many: str) -> list[SheetRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(_("پروندهٔ CSV باید با کدگذاری UTF-8 ذخیره شده باشد (در اکسل: «CSV UTF-8»).")) from exc
    if "\x00" in text:
        raise ImportRejected(_("پروندهٔ CSV خوانا نیست."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # One record is one spreadsheet row (a quoted cell may span lines), so number records, not lines.
        return _keep(enumerate(reader, start=1), limit, too_many)
    except csv.Error as exc:
        raise ImportRejected(_("پروندهٔ CSV خوانا نیست؛ نقل‌قول‌ها یا جداکننده‌ها را بررسی کنید.")) from exc


def parse_upload(filename: str, data: bytes, *, max_bytes: int, max_rows: int, too_many: str) -> list[SheetRow]:
    """Read the non-blank rows of an .xlsx (its first sheet) or a UTF-8 CSV, refusing anything else.

    At most ``max_rows`` rows are read (header and preamble included); beyond that ``too_many`` is the refusal.
    """
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in (".xlsx", ".csv"):
        raise ImportRejected(_("فقط پرونده‌های xlsx و CSV پذیرفته می‌شوند."))
    if not data:
        raise ImportRejected(_("پرونده خالی است."))
    if len(data) > max_bytes:
        raise ImportRejected(_("اندازهٔ پرونده بیش از %(mb)s مگابایت است.", mb=fa_number(max_bytes // (1024 * 1024))))
    if extension == ".xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise ImportRejected(_("محتوای پرونده xlsx نیست؛ پروندهٔ اکسل را با قالب xlsx ذخیره کنید."))
        return _read_xlsx(data, max_rows, too_many)
    if data.startswith(XLSX_MAGIC):
        raise ImportRejected(_("این پرونده xlsx است، نه CSV؛ نام آن را با پسوند .xlsx بفرستید."))
    return _read_csv(data, max_rows, too_many)


def csv_bytes(rows: list[list[str]]) -> bytes:
    """Write rows as CSV in UTF-8 with a BOM, so that Excel opens the Persian text as Persian."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def shown(value: Any) -> str:
    """The cell as the uploader typed it, for the error table (never evaluated, only displayed)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def cell_text(value: Any) -> str:
    """Turn a cell into text without interpreting it; formulas stay their own text ("=...")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time | timedelta):
        raise ValueError(not_text_refused())
    # openpyxl's ArrayFormula / DataTableFormula objects: formulas, never evaluated.
    raise ValueError(formula_refused())
