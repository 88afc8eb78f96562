"""Validating import rows without a request: cell formats in either digit set, formulas, limits, duplicates."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from awards.imports.columns import COLUMNS, EXAMPLE_NAME, guide
from awards.imports.parse import parse_upload
from awards.imports.services import build_template_csv
from awards.imports.sheets import MSG_FORMULA, MSG_NOT_TEXT
from awards.imports.validate import validate_rows
from tests.imports.conftest import good_row, legal_id, make_csv, make_xlsx, national_code, table

MB = 1024 * 1024


def _errors(rows) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.message) for error in validate_rows(rows)[1]]


def _one_cell(header: str, value) -> list:
    return parse_upload("x.xlsx", make_xlsx([["نام نامزد", header], ["شرکت الف", value]]), max_bytes=MB)


# --- cells -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "value", "expected"), [
    ("درصد رشد", "-3.5", Decimal("-3.5")),
    ("درصد رشد", "۱۲٪", Decimal("12")),
    ("درصد رشد", 18.25, Decimal("18.25")),
    ("تلفن همراه", "+98 917 123 4567", "09171234567"),
    ("تلفن همراه", "۰۹۱۷۱۲۳۴۵۶۷", "09171234567"),
    ("کد ملی", int(national_code("001234567")), national_code("001234567")),  # a number cell lost its zeros
    ("شناسه ملی", float(legal_id("1086012345")), legal_id("1086012345")),
    ("سال تأسیس", "۱۳۷۲", 1372),
    ("تعداد کارکنان", 240.0, 240),
    ("فروش سالانه", "1,850,000", 1850000),
])
def test_cell_values_are_read_in_either_digit_set(header, value, expected):
    clean, errors = validate_rows(_one_cell(header, value))

    assert errors == []
    assert list(clean[0].values.values())[1] == expected


@pytest.mark.parametrize(("header", "value", "message"), [
    ("درصد رشد", "18.555", "درصد رشد حداکثر دو رقم اعشار دارد."),
    ("درصد رشد", "+5", MSG_FORMULA),
    ("تعداد کارکنان", "-4", "عدد نمی‌تواند منفی باشد."),
    ("تعداد کارکنان", "-A1", MSG_FORMULA),
    ("تعداد کارکنان", "12.5", "عدد باید صحیح باشد."),
    ("تعداد کارکنان", 12.5, "عدد باید صحیح باشد."),
    ("تعداد کارکنان", "1,5", "عدد معتبر نیست"),
    ("تلفن همراه", "-09171234567", MSG_FORMULA),
    ("تلفن همراه", "+1 555 0100", MSG_FORMULA),
    ("کد ملی", "+0012345679", MSG_FORMULA),
    ("سال تأسیس", "1995", "سال تأسیس را به تقویم شمسی بنویسید: عددی بین ۱۲۰۰ و ۱۵۰۰."),
    ("سال تأسیس", datetime(1995, 1, 1), MSG_NOT_TEXT),
    ("شهر", "=A1", MSG_FORMULA),
    ("شهر", "  =A1", MSG_FORMULA),
    ("شهر", "ش" * 81, "حداکثر ۸۰ نویسه مجاز است."),
])
def test_bad_cells_get_persian_messages(header, value, message):
    assert _errors(_one_cell(header, value)) == [(2, header, message)]


def test_array_formula_cell_is_reported_as_formula():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["نام نامزد", "تعداد کارکنان"])
    sheet["A2"] = "شرکت الف"
    sheet["B2"] = ArrayFormula("B2:B2", "=SUM(1,2)")
    out = io.BytesIO()
    workbook.save(out)

    assert _errors(parse_upload("a.xlsx", out.getvalue(), max_bytes=MB)) == [(2, "تعداد کارکنان", MSG_FORMULA)]


def test_duplicate_legal_id_in_the_file_is_reported_on_the_later_row():
    rows = parse_upload("a.csv", make_csv(table([good_row(1), good_row(2, legal_id=legal_id("1000000001"))])),
                        max_bytes=MB)

    assert _errors(rows) == [(3, "شناسه ملی", "همین شناسه در ردیف ۲ هم آمده است.")]


def test_rows_with_only_unmapped_columns_filled_are_skipped():
    rows = parse_upload("a.csv", make_csv(table([good_row(1), {}], extra={"استان": ["فارس", "فارس"]})),
                        max_bytes=MB)

    clean, errors = validate_rows(rows)

    assert ([row.number for row in clean], errors) == ([2], [])


def test_example_row_is_flagged_and_the_guide_covers_every_column():
    clean, _errors_found = validate_rows(parse_upload("t.csv", build_template_csv(), max_bytes=MB))

    assert [(row.number, row.is_example) for row in clean] == [(2, True)]
    assert clean[0].values["nominee_name"] == EXAMPLE_NAME
    assert [line.field for line in guide()] == [column.field for column in COLUMNS]
