"""Bulk import of nominees from an .xlsx or UTF-8 CSV file: parse, validate every row, then create drafts.

Reading the file is :mod:`awards.imports.parse`, checking its rows :mod:`awards.imports.validate`; this module
imports them and builds the templates. All or nothing: one bad row saves nothing. Rows become DRAFT
nominations through ``awards.nominations.services.create_draft`` (which checks the actor, the phase and audits
each draft), in the acting officer's province whatever the file says.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.orm import Session

from awards import clock
from awards.audit.services import record
from awards.enums import Phase
from awards.errors import DomainError, PermissionDenied, PhaseClosed
from awards.evaluation import figures
from awards.imports import sheets
from awards.imports.columns import COLUMNS, Column, Kind, indicator_columns
from awards.imports.parse import MAX_ROWS, parse_upload, read_layout
from awards.imports.sheets import ImportRejected, RowError, fa_number, shown
from awards.imports.validate import validate_rows
from awards.models import Category, Cycle, Nomination, User
from awards.nominations.documents import safe_display_name
from awards.nominations.services import create_draft

__all__ = ["MAX_ERRORS_SHOWN", "MAX_ROWS", "ImportResult", "RowError", "build_template_csv", "build_template_xlsx",
           "import_nominations", "indicator_columns", "nominations_open", "template_rows"]

#: Errors the page lists (all are counted); a file with more usually has a wrong column.
MAX_ERRORS_SHOWN = 200


@dataclass
class ImportResult:
    created: list[Nomination]
    filename: str
    sha256: str
    ignored_columns: tuple[str, ...] = ()
    skipped_example_rows: list[int] = field(default_factory=list)


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
    indicators = figures.cycle_indicators(session, cycle_id=category.cycle_id)
    extra = indicator_columns(indicators)
    layout = read_layout(rows, extra)
    clean, errors = validate_rows(rows, extra)
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
                nomination = create_draft(session, actor=actor, category=category, values=row.values)
                declared = {i.id: (row.values.get(figures.value_field(i)), row.values.get(figures.year_field(i)))
                            for i in indicators}
                if any(value is not None for value, _year in declared.values()):
                    figures.declare_figures(session, actor=actor, nomination=nomination, figures=declared)
                created.append(nomination)
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


def template_rows(extra: tuple[Column, ...] = ()) -> tuple[list[str], list[Any]]:
    """Return the template's header row and its example row (``extra``: the cycle's indicator columns)."""
    columns = (*COLUMNS, *extra)
    return [column.header for column in columns], [column.example_cell for column in columns]


def build_template_csv(extra: tuple[Column, ...] = ()) -> bytes:
    """Return the CSV template: UTF-8 with a BOM (so Excel shows Persian), the headers and the example row."""
    headers, example = template_rows(extra)
    return sheets.csv_bytes([headers, ["" if value is None else str(value) for value in example]])


def build_template_xlsx(guide: list[tuple[str, str, str, str, str, str]], extra: tuple[Column, ...] = ()) -> bytes:
    """Return the .xlsx template: a right-to-left «نامزدها» sheet (headers, example) and a «راهنما» sheet.

    ``guide`` holds one documentation line per column (header, field, meaning, required, format, example),
    already translated by the caller.
    """
    headers, example = template_rows(extra)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "نامزدها"
    sheet.sheet_view.rightToLeft = True
    sheet.append(headers)
    sheet.append(example)
    bold = Font(bold=True)
    for index, column in enumerate((*COLUMNS, *extra), start=1):
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
