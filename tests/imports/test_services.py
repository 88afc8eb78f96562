"""Parsing and validating import files without a request: numbering, headers, formulas, limits, atomicity."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import func, select

from awards.errors import PermissionDenied
from awards.imports import services
from awards.imports.columns import COLUMNS, EXAMPLE_NAME, guide
from awards.imports.services import MSG_FORMULA, ImportRejected, parse_upload, validate_rows
from awards.models import AuditEvent, Nomination
from tests.imports.conftest import good_row, legal_id, make_csv, make_xlsx, national_code, table

MB = 1024 * 1024


def _errors(rows) -> list[tuple[int, str, str]]:
    return [(error.row, error.column, error.message) for error in validate_rows(rows)[1]]


def _one_cell(header: str, value) -> list:
    return parse_upload("x.xlsx", make_xlsx([["نام نامزد", header], ["شرکت الف", value]]), max_bytes=MB)


# --- reading files --------------------------------------------------------------------------------------------


def test_parse_xlsx_keeps_spreadsheet_row_numbers_across_blank_rows():
    data = make_xlsx(table([good_row(1), None, None, good_row(2)]))

    rows = parse_upload("a.xlsx", data, max_bytes=MB)

    assert [row.number for row in rows] == [1, 2, 5]


def test_parse_xlsx_ignores_a_wrong_dimension_in_the_file():
    data = make_xlsx(table([good_row(1), good_row(2), good_row(3)]))
    source, patched = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', content)
            target.writestr(info, content)

    rows = parse_upload("a.xlsx", patched.getvalue(), max_bytes=MB)

    assert [row.number for row in rows] == [1, 2, 3, 4]


def test_parse_csv_numbers_records_not_lines_when_a_cell_spans_lines():
    lines = table([good_row(1, narrative="خط یک\nخط دو\nخط سه"), None, good_row(2, national_code="12")])
    data = make_csv(lines)

    assert [row.number for row in parse_upload("a.csv", data, max_bytes=MB)] == [1, 2, 4]
    assert _errors(parse_upload("a.csv", data, max_bytes=MB)) == [(4, "کد ملی", "کد ملی معتبر نیست.")]


def test_parse_csv_with_semicolons_and_no_bom():
    rows = parse_upload("a.csv", make_csv(table([good_row(1)]), bom=False, delimiter=";"), max_bytes=MB)

    clean, errors = validate_rows(rows)

    assert errors == []
    assert clean[0].values["nominee_name"] == "شرکت آزمون شماره 1"


def test_parse_refuses_file_over_the_size_limit():
    with pytest.raises(ImportRejected, match="اندازهٔ پرونده بیش از ۱ مگابایت است"):
        parse_upload("a.csv", b"x" * (MB + 1), max_bytes=MB)


def test_parse_refuses_more_than_max_rows():
    data = make_csv(table([{"nominee_name": f"نامزد {i}"} for i in range(services.MAX_ROWS + 1)]))

    with pytest.raises(ImportRejected, match="بیش از ۵۰۰ ردیف"):
        validate_rows(parse_upload("a.csv", data, max_bytes=MB))


def test_validate_accepts_exactly_max_rows():
    data = make_csv(table([{"nominee_name": f"نامزد {i}"} for i in range(services.MAX_ROWS)]))

    clean, errors = validate_rows(parse_upload("a.csv", data, max_bytes=MB))

    assert (len(clean), errors) == (services.MAX_ROWS, [])


def test_parse_refuses_xlsx_that_unpacks_too_large():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (services.MAX_UNPACKED_BYTES + 1))

    with pytest.raises(ImportRejected, match="بیش از حد بزرگ"):
        parse_upload("bomb.xlsx", buffer.getvalue(), max_bytes=MB)


def test_parse_refuses_xlsx_content_named_csv():
    with pytest.raises(ImportRejected, match="این پرونده xlsx است"):
        parse_upload("a.csv", make_xlsx([["نام نامزد"]]), max_bytes=MB)


def test_parse_refuses_empty_file():
    with pytest.raises(ImportRejected, match="پرونده خالی است"):
        parse_upload("a.csv", b"", max_bytes=MB)


# --- headers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["فروش سالانه (میلیون ریال)", "فروش سالانه", "فروش سالانه *", "annual_sales",
                                    "Annual Sales", "فروش   سالانه"])
def test_header_spellings_map_to_the_field(header):
    clean, errors = validate_rows(_one_cell(header, "۱٬۲۰۰"))

    assert errors == []
    assert clean[0].values["annual_sales"] == 1200


def test_header_with_arabic_letters_and_no_zwnj_is_accepted():
    clean, errors = validate_rows(_one_cell("شرح دستاوردها".replace("\u200c", ""), "متن"))

    assert errors == []
    assert clean[0].values["narrative"] == "متن"


def test_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers():
    lines = [["فهرست نامزدهای استان فارس"], *table([good_row(1), good_row(2, legal_id="123")])]

    assert _errors(parse_upload("a.xlsx", make_xlsx(lines), max_bytes=MB)) == [
        (4, "شناسه ملی", "شناسه ملی باید ۱۱ رقم باشد.")]


def test_missing_name_column_is_refused():
    with pytest.raises(ImportRejected, match="ستون «نام نامزد» در ردیف سرستون‌ها پیدا نشد"):
        validate_rows(parse_upload("a.csv", make_csv([["شهر"], ["شیراز"]]), max_bytes=MB))


def test_duplicate_column_is_refused_with_its_header():
    rows = parse_upload("a.csv", make_csv([["نام نامزد", "کد ملی", "national_code"], ["الف", "", ""]]),
                        max_bytes=MB)

    with pytest.raises(ImportRejected) as caught:
        validate_rows(rows)

    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "national_code")]


def test_unknown_columns_are_listed_as_ignored():
    rows = parse_upload("a.csv", make_csv(table([good_row(1)], extra={"استان": ["تهران"], "province": ["IR-23"]})),
                        max_bytes=MB)

    assert services.read_layout(rows).ignored == ("استان", "province")


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
    ("سال تأسیس", datetime(1995, 1, 1), services.MSG_NOT_TEXT),
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
    clean, _errors_found = validate_rows(parse_upload("t.csv", services.build_template_csv(), max_bytes=MB))

    assert [(row.number, row.is_example) for row in clean] == [(2, True)]
    assert clean[0].values["nominee_name"] == EXAMPLE_NAME
    assert [line.field for line in guide()] == [column.field for column in COLUMNS]


# --- importing ---------------------------------------------------------------------------------------------------


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_by_non_officer_raises_and_leaves_session_clean(demo, session):
    before = (_count(session, Nomination), _count(session, AuditEvent))

    with pytest.raises(PermissionDenied):
        services.import_nominations(session, actor=demo.users["admin"], category=demo.categories["industry"],
                                    filename="a.csv", data=make_csv(table([good_row(1)])))

    assert list(session.new) == []
    assert (_count(session, Nomination), _count(session, AuditEvent)) == before


def test_import_returns_created_drafts_and_batch_digest(demo, session):
    data = make_csv(table([good_row(1), good_row(2)]))

    result = services.import_nominations(session, actor=demo.users["fars"], category=demo.categories["industry"],
                                         filename="../../etc/نامزدها.csv", data=data)

    assert [n.nominee_name for n in result.created] == ["شرکت آزمون شماره 1", "شرکت آزمون شماره 2"]
    assert result.filename == "نامزدها.csv"
    assert len(result.sha256) == 64
    batch = session.scalar(select(AuditEvent).where(AuditEvent.action == "import.batch"))
    assert batch.changes["rows"] == [None, 2]
    assert batch.object_id == demo.categories["industry"].id
