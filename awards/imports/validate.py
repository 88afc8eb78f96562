"""Validating a nominee import's rows: every cell against its column, every error collected (not just the first).

Text beginning with = + - @ is refused as a formula, except a plain signed number in a numeric column and a
+98 phone number; nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from awards import i18n
from awards.evaluation.figures import figure_problem, year_problem
from awards.imports.columns import BY_FIELD, EXAMPLE_NAME, Column, Kind
from awards.imports.parse import MAX_ROWS, read_layout, too_many_rows
from awards.imports.sheets import (
    FORMULA_STARTS,
    ImportRejected,
    RowError,
    SheetRow,
    cell_text,
    fa_number,
    formula_refused,
    is_blank,
    shown,
)
from awards.persian import (
    normalize_text,
    parse_number,
    validate_legal_id,
    validate_mobile,
    validate_national_code,
)

YEAR_RANGE = (1200, 1500)
#: Upper bounds that keep values inside their database columns.
LIMITS = {"employees": 10_000_000, "annual_sales": 10**15, "exports_value": 10**15}
PERCENT_LIMIT = Decimal("100000")
NUMERIC_KINDS = (Kind.YEAR, Kind.COUNT, Kind.AMOUNT, Kind.PERCENT, Kind.FIGURE)

MSG_REQUIRED = _l("نام نامزد را وارد کنید.")
MSG_NEGATIVE = _l("عدد نمی‌تواند منفی باشد.")
MSG_WHOLE = _l("عدد باید صحیح باشد.")


@dataclass(frozen=True)
class CleanRow:
    number: int
    values: dict[str, Any]
    is_example: bool = False


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
    if column.kind is Kind.FIGURE:
        return Decimal(parse_number(text.rstrip("%٪ \u200c"), allow_decimal=True))
    try:
        return parse_number(text)
    except ValueError:
        parse_number(text, allow_decimal=True)  # not a number at all: let its message through
        raise ValueError(MSG_WHOLE) from None


def _check_figure(column: Column, value: Any) -> Any:
    """An indicator's figure against the indicator's rules, or the year it refers to."""
    problem = figure_problem(column.indicator, value) if column.kind is Kind.FIGURE else year_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _check_range(column: Column, value: Any) -> Any:
    if column.kind in (Kind.FIGURE, Kind.FIGURE_YEAR):
        return _check_figure(column, value)
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


def _unpaired_figures(number: int, values: dict[str, Any], extra: tuple[Column, ...],
                      headers: dict[str, str]) -> list[RowError]:
    """A figure without its year, or a year without its figure."""
    errors = []
    written = {column.field: column.header for column in extra}
    written.update(headers)
    for column in extra:
        if column.kind is not Kind.FIGURE:
            continue
        year_name = f"{column.field}_year"
        value, year = values.get(column.field), values.get(year_name)
        if value is not None and year is None:
            errors.append(RowError(number, written[year_name], "",
                                   _("سالی را که این رقم مربوط به آن است بنویسید.")))
        elif year is not None and value is None:
            errors.append(RowError(number, written[column.field], "",
                                   _("رقم این شاخص را بنویسید یا سال را خالی بگذارید.")))
    return errors


def validate_rows(rows: list[SheetRow], extra: tuple[Column, ...] = ()) -> tuple[list[CleanRow], list[RowError]]:
    """Check every data row against the layout; return the clean rows and every error found (not just the first).

    ``extra`` are the cycle's indicator columns: a figure needs its year and a year its figure."""
    layout = read_layout(rows, extra)
    by_field = {**BY_FIELD, **{column.field: column for column in extra}}
    data_rows = [row for row in rows if row.number > layout.header_row]
    if len(data_rows) > MAX_ROWS:
        raise ImportRejected(too_many_rows())
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
                value = _read_value(by_field[name], raw)
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
        row_errors += _unpaired_figures(row.number, values, extra, layout.headers)
        errors.extend(row_errors)
        if not row_errors:
            clean.append(CleanRow(row.number, values, is_example=values.get("nominee_name") == EXAMPLE_NAME))
    return clean, errors
