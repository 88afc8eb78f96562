"""Reading import files without a request: row numbering, formats, size and row limits, header layout."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from awards.imports.parse import MAX_ROWS, parse_upload, read_layout
from awards.imports.sheets import MAX_UNPACKED_BYTES, ImportRejected
from awards.imports.validate import validate_rows
from tests.imports.conftest import good_row, make_csv, make_xlsx, table

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
    data = make_csv(table([{"nominee_name": f"نامزد {i}"} for i in range(MAX_ROWS + 1)]))

    with pytest.raises(ImportRejected, match="بیش از ۵۰۰ ردیف"):
        validate_rows(parse_upload("a.csv", data, max_bytes=MB))


def test_validate_accepts_exactly_max_rows():
    data = make_csv(table([{"nominee_name": f"نامزد {i}"} for i in range(MAX_ROWS)]))

    clean, errors = validate_rows(parse_upload("a.csv", data, max_bytes=MB))

    assert (len(clean), errors) == (MAX_ROWS, [])


def test_parse_refuses_xlsx_that_unpacks_too_large():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (MAX_UNPACKED_BYTES + 1))

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

    assert read_layout(rows).ignored == ("استان", "province")
