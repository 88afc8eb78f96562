"""Reading a nominee import file: its rows (an .xlsx's first sheet or a UTF-8 CSV) and its header layout.

Formula cells are read as their text (openpyxl with ``data_only=False``), never evaluated; what a cell may
hold is :mod:`awards.imports.validate`'s business.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from awards.imports import sheets
from awards.imports.columns import BY_FIELD, HEADER_ALIASES, Column, aliases, header_key
from awards.imports.sheets import ImportRejected, RowError, SheetRow, fa_number

#: Data rows one file may hold (blank rows not counted).
MAX_ROWS = 500
#: Rows before the header that may hold a title; the header is the first row naming the name column.
MAX_PREAMBLE_ROWS = 10


@dataclass(frozen=True)
class Layout:
    header_row: int
    positions: dict[str, int]  # field -> cell index
    headers: dict[str, str]  # field -> the header as written in the file
    ignored: tuple[str, ...]  # headers that name no dossier field (a province column, say)


def too_many_rows() -> str:
    """The refusal of a file with more than :data:`MAX_ROWS` data rows."""
    return _("پرونده بیش از %(n)s ردیف نامزد دارد؛ آن را در چند پرونده بفرستید.", n=fa_number(MAX_ROWS))


def parse_upload(filename: str, data: bytes, *, max_bytes: int) -> list[SheetRow]:
    """Read the non-blank rows of an .xlsx (its first sheet) or a UTF-8 CSV, refusing anything else."""
    return sheets.parse_upload(
        filename, data, max_bytes=max_bytes, max_rows=MAX_ROWS + MAX_PREAMBLE_ROWS + 1,
        too_many=too_many_rows())


def read_layout(rows: list[SheetRow], extra: tuple[Column, ...] = ()) -> Layout:
    """Find the header row (the first naming the name column) and map its columns to dossier fields (and to the
    ``extra`` columns: the cycle's indicators)."""
    known = aliases(extra) if extra else HEADER_ALIASES
    by_field = {**BY_FIELD, **{column.field: column for column in extra}}
    for row in rows[: MAX_PREAMBLE_ROWS + 1]:
        keys = [header_key(cell) if cell is not None else "" for cell in row.cells]
        if "nominee_name" not in {known.get(key) for key in keys}:
            continue
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        ignored = []
        errors = []
        for index, (cell, key) in enumerate(zip(row.cells, keys, strict=True)):
            if not key:
                continue
            name = known.get(key)
            written = str(cell).strip()
            if name is None:
                ignored.append(written)
            elif name in positions:
                message = _("ستون «%(header)s» دو بار آمده است؛ یکی را پاک کنید.", header=by_field[name].header)
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
