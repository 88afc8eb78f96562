"""Bulk import of nominees from an .xlsx or UTF-8 CSV file: parse, validate every row, then create drafts.

All or nothing: one bad row saves nothing. Rows become DRAFT nominations through
``awards.nominations.services.create_draft`` (which checks the actor, the phase and audits each draft), in the
acting officer's province whatever the file says. Formula cells are read as their text (openpyxl with
``data_only=False``) and refused; nothing here ever evaluates a cell.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from awards import clock, i18n
from awards.audit.services import record
from awards.enums import Phase
from awards.errors import DomainError, PermissionDenied, PhaseClosed
from awards.imports import sheets
from awards.imports.columns import BY_FIELD, COLUMNS, EXAMPLE_NAME, HEADER_ALIASES, Column, Kind, header_key
from awards.imports.sheets import (  # noqa: F401  (re-exported: part of this module's API)
    FORMULA_STARTS,
    MAX_UNPACKED_BYTES,
    MSG_FORMULA,
    MSG_NOT_TEXT,
    XLSX_MAGIC,
    ImportRejected,
    RowError,
    SheetRow,
    cell_text,
    fa_number,
    formula_refused,
    is_blank,
    shown,
)
from awards.models import Category, Cycle, Nomination, User
from awards.nominations.documents import safe_display_name
from awards.nominations.services import create_draft
from awards.persian import (
    normalize_text,
    parse_number,
    validate_legal_id,
    validate_mobile,
    validate_national_code,
)

#: Data rows one file may hold (blank rows not counted).
MAX_ROWS = 500
#: Rows before the header that may hold a title; the header is the first row naming the name column.
MAX_PREAMBLE_ROWS = 10
#: Errors the page lists (all are counted); a file with more usually has a wrong column.
MAX_ERRORS_SHOWN = 200
YEAR_RANGE = (1200, 1500)
#: Upper bounds that keep values inside their database columns.
LIMITS = {"employees": 10_000_000, "annual_sales": 10**15, "exports_value": 10**15}
PERCENT_LIMIT = Decimal("100000")
NUMERIC_KINDS = (Kind.YEAR, Kind.COUNT, Kind.AMOUNT, Kind.PERCENT)

MSG_REQUIRED = _l("نام نامزد را وارد کنید.")
MSG_NEGATIVE = _l("عدد نمی‌تواند منفی باشد.")
MSG_WHOLE = _l("عدد باید صحیح باشد.")


@dataclass(frozen=True)
class Layout:
    header_row: int
    positions: dict[str, int]  # field -> cell index
    headers: dict[str, str]  # field -> the header as written in the file
    ignored: tuple[str, ...]  # headers that name no dossier field (a province column, say)


@dataclass(frozen=True)
class CleanRow:
    number: int
    values: dict[str, Any]
    is_example: bool = False


@dataclass
class ImportResult:
    created: list[Nomination]
    filename: str
    sha256: str
    ignored_columns: tuple[str, ...] = ()
    skipped_example_rows: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------


def _too_many() -> str:
    return _("پرونده بیش از %(n)s ردیف نامزد دارد؛ آن را در چند پرونده بفرستید.", n=fa_number(MAX_ROWS))


def parse_upload(filename: str, data: bytes, *, max_bytes: int) -> list[SheetRow]:
    """Read the non-blank rows of an .xlsx (its first sheet) or a UTF-8 CSV, refusing anything else."""
    return sheets.parse_upload(
        filename, data, max_bytes=max_bytes, max_rows=MAX_ROWS + MAX_PREAMBLE_ROWS + 1,
        too_many=_too_many())


# --------------------------------------------------------------------------
# Validating rows
# --------------------------------------------------------------------------


def read_layout(rows: list[SheetRow]) -> Layout:
    """Find the header row (the first naming the name column) and map its columns to dossier fields."""
    for row in rows[: MAX_PREAMBLE_ROWS + 1]:
        keys = [header_key(cell) if cell is not None else "" for cell in row.cells]
        if "nominee_name" not in {HEADER_ALIASES.get(key) for key in keys}:
            continue
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        ignored = []
        errors = []
        for index, (cell, key) in enumerate(zip(row.cells, keys, strict=True)):
            if not key:
                continue
            name = HEADER_ALIASES.get(key)
            written = str(cell).strip()
            if name is None:
                ignored.append(written)
            elif name in positions:
                message = _("ستون «%(header)s» دو بار آمده است؛ یکی را پاک کنید.", header=BY_FIELD[name].header)
                errors.append(RowError(row.number, written, written, message))
            else:
                positions[name] = index
                headers[name] = written
        if errors:
            raise ImportRejected(_("سرستون‌های پرونده تکراری است؛ هیچ ردیفی ذخیره نشد."), errors)
        return Layout(row.number, positions, headers, tuple(ignored))
    raise ImportRejected(
        _("ستون «نام نامزد» در ردیف سرستون‌ها پیدا نشد. ردیف اول پرونده باید سرستون‌های الگو باشد "
        "(فارسی یا نام انگلیسی فیلد، مانند nominee_name).")
    )


def _parse(column: Column, text: str) -> Any:
    """Read the cell's format (digits in either set, separators); range rules come after."""
    if column.kind is Kind.LEGAL_ID:
        return validate_legal_id(text)
    if column.kind is Kind.NATIONAL_CODE:
        return validate_national_code(text)
    if column.kind is Kind.MOBILE:
        return validate_mobile(text)  # "+98 ..." is a phone number, stored as 09...
    if column.kind is Kind.PERCENT:
        return parse_number(text.rstrip("%٪ \u200c"), allow_decimal=True)
    try:
        return parse_number(text)
    except ValueError:
        parse_number(text, allow_decimal=True)  # not a number at all: let its message through
        raise ValueError(MSG_WHOLE) from None


def _check_range(column: Column, value: Any) -> Any:
    if column.kind is Kind.PERCENT:
        if value.as_tuple().exponent < -2:
            raise ValueError(_("درصد رشد حداکثر دو رقم اعشار دارد."))
        if abs(value) >= PERCENT_LIMIT:
            raise ValueError(_("درصد رشد بیش از حد بزرگ است."))
    elif column.kind is Kind.YEAR:
        low, high = YEAR_RANGE
        if not low <= value <= high:
            raise ValueError(_("سال تأسیس را به تقویم شمسی بنویسید: عددی بین %(low)s و %(high)s.",
                               low=i18n.digits(low), high=i18n.digits(high)))
    elif column.kind in (Kind.COUNT, Kind.AMOUNT):
        if value < 0:
            raise ValueError(MSG_NEGATIVE)
        if value > LIMITS[column.field]:
            raise ValueError(_("عدد بیش از حد بزرگ است (حداکثر %(max)s).", max=fa_number(LIMITS[column.field])))
    return value


def _read_value(column: Column, raw: Any) -> Any:
    """Validate one cell for its column and return the value create_draft expects (None when empty).

    Text beginning with = + - @ is a formula (or a formula injection waiting for the next spreadsheet that
    opens an export) and is refused, except a plain signed number in a numeric column and a +98 phone number,
    which are stored as plain digits.
    """
    text = cell_text(raw).strip()
    if not text:
        if column.required:
            raise ValueError(MSG_REQUIRED)
        return None
    formula_like = text.startswith(FORMULA_STARTS)
    if column.kind is Kind.TEXT:
        if formula_like:
            raise ValueError(formula_refused())
        text = normalize_text(text)
        if column.max_length and len(text) > column.max_length:
            raise ValueError(_("حداکثر %(n)s نویسه مجاز است.", n=fa_number(column.max_length)))
        return text
    signed_ok = NUMERIC_KINDS if text[0] == "-" else (Kind.MOBILE,) if text[0] == "+" else ()
    if formula_like and column.kind not in signed_ok:
        raise ValueError(formula_refused())
    try:
        value = _parse(column, text)
    except ValueError:
        if formula_like:
            raise ValueError(formula_refused()) from None
        raise
    return _check_range(column, value)


def validate_rows(rows: list[SheetRow]) -> tuple[list[CleanRow], list[RowError]]:
    """Check every data row against the layout; return the clean rows and every error found (not just the first)."""
    layout = read_layout(rows)
    data_rows = [row for row in rows if row.number > layout.header_row]
    if len(data_rows) > MAX_ROWS:
        raise ImportRejected(_too_many())
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    seen_ids: dict[tuple[str, str], int] = {}
    for row in data_rows:
        cells = [row.cells[index] if index < len(row.cells) else None for index in layout.positions.values()]
        if is_blank(cells):
            continue  # only unmapped columns (a province column, say) are filled
        values: dict[str, Any] = {}
        row_errors = []
        for name, index in layout.positions.items():
            raw = row.cells[index] if index < len(row.cells) else None
            try:
                value = _read_value(BY_FIELD[name], raw)
            except ValueError as exc:
                row_errors.append(RowError(row.number, layout.headers[name], shown(raw), str(exc)))
                continue
            if value is not None and name in ("legal_id", "national_code"):
                first = seen_ids.setdefault((name, value), row.number)
                if first != row.number:
                    row_errors.append(RowError(row.number, layout.headers[name], shown(raw),
                                               _("همین شناسه در ردیف %(n)s هم آمده است.", n=fa_number(first))))
                    continue
            values[name] = value
        errors.extend(row_errors)
        if not row_errors:
            clean.append(CleanRow(row.number, values, is_example=values.get("nominee_name") == EXAMPLE_NAME))
    return clean, errors


# --------------------------------------------------------------------------
# Importing
# --------------------------------------------------------------------------


def nominations_open(cycle: Cycle | None) -> bool:
    """Whether the cycle is in its nomination phase now (for the page's notice; create_draft enforces it)."""
    return cycle is not None and cycle.phase_at(clock.now()) is Phase.NOMINATION


def import_nominations(session: Session, *, actor: User, category: Category, filename: str, data: bytes,
                       max_bytes: int = 10 * 1024 * 1024) -> ImportResult:
    """Create one DRAFT per valid row, all or nothing, and audit the batch.

    Validates every row before writing anything; raises ``ImportRejected`` (with row/column errors) when a
    row is bad, and lets ``create_draft``'s PhaseClosed / PermissionDenied through. The drafts are written
    inside a SAVEPOINT, so a refusal half-way leaves the session as it was. Side effects: the drafts (each
    audited by create_draft as ``nomination.create``) and one ``import.batch`` audit event with the file
    name, its SHA-256 and the row count.
    """
    display_name = safe_display_name(filename)
    rows = parse_upload(filename, data, max_bytes=max_bytes)
    layout = read_layout(rows)
    clean, errors = validate_rows(rows)
    if errors:
        raise ImportRejected(_("پرونده %(n)s خطا دارد و هیچ ردیفی ذخیره نشد. "
                               "خطاها را در پرونده برطرف کنید و آن را دوباره بفرستید.", n=fa_number(len(errors))),
                             errors)
    to_create = [row for row in clean if not row.is_example]
    if not to_create:
        raise ImportRejected(_("پرونده هیچ ردیف نامزدی ندارد (ردیف نمونهٔ الگو وارد نمی‌شود)."))
    digest = hashlib.sha256(data).hexdigest()
    created: list[Nomination] = []
    with session.begin_nested():
        for row in to_create:
            try:
                created.append(create_draft(session, actor=actor, category=category, values=row.values))
            except (PhaseClosed, PermissionDenied):
                raise
            except DomainError as exc:
                column = layout.headers.get(exc.field or "", "")
                raise ImportRejected(
                    _("هیچ ردیفی ذخیره نشد: ساختن یکی از پرونده‌ها پذیرفته نشد."),
                    [RowError(row.number, column, shown(row.values.get(exc.field or "")), exc.message)],
                ) from exc
        record(session, actor=actor, action="import.batch", object_type="category", object_id=category.id,
               cycle_id=category.cycle_id, province_id=actor.province_id,
               changes={"file": [None, display_name], "sha256": [None, digest],
                        "rows": [None, len(created)], "nomination_ids": [None, [n.id for n in created]]})
        session.flush()
    return ImportResult(created=created, filename=display_name, sha256=digest, ignored_columns=layout.ignored,
                        skipped_example_rows=[row.number for row in clean if row.is_example])


def template_rows() -> tuple[list[str], list[Any]]:
    """Return the template's header row and its example row."""
    return [column.header for column in COLUMNS], [column.example_cell for column in COLUMNS]


def build_template_csv() -> bytes:
    """Return the CSV template: UTF-8 with a BOM (so Excel shows Persian), the headers and the example row."""
    headers, example = template_rows()
    return sheets.csv_bytes([headers, ["" if value is None else str(value) for value in example]])


def build_template_xlsx(guide: list[tuple[str, str, str, str, str, str]]) -> bytes:
    """Return the .xlsx template: a right-to-left «نامزدها» sheet (headers, example) and a «راهنما» sheet.

    ``guide`` holds one documentation line per column (header, field, meaning, required, format, example),
    already translated by the caller.
    """
    headers, example = template_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "نامزدها"
    sheet.sheet_view.rightToLeft = True
    sheet.append(headers)
    sheet.append(example)
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="FFF3CD" if column.required else "E9ECEF")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 40 if column.field == "narrative" else max(14, len(column.header) + 4)
        if column.kind in (Kind.LEGAL_ID, Kind.NATIONAL_CODE, Kind.MOBILE):
            # Identifiers are text: Excel must keep leading zeros and not show 1.08E+10.
            for row in range(2, MAX_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("راهنما")
    notes.sheet_view.rightToLeft = True
    notes.append(["سرستون", "نام انگلیسی", "معنا", "الزامی", "قالب", "نمونه"])
    for line in guide:
        notes.append(list(line))
    for cell in notes[1]:
        cell.font = bold
    for letter, width in zip("ABCDEF", (26, 22, 44, 10, 52, 30), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
