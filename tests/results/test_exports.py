"""Exports: right-to-left workbook, Persian headers, numbers as numbers, formula injection neutralised."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from awards.results import exports
from awards.results.queries import load_results
from tests.results.conftest import cluster, nomination_named

CARPET = "خوشه فرش دستباف کاشان"


def _rename_carpet(session, name: str) -> None:
    nomination_named(session, CARPET).nominee_name = name
    session.commit()


def test_neutralise_prefixes_formula_triggers():
    assert [exports.neutralise(t) for t in ["=1+1", "+98", "-2", "@SUM(A1)", "\tx", "\rx", "خوشه", "1=1"]] == [
        "'=1+1", "'+98", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "خوشه", "1=1"]


def test_workbook_is_rtl_with_persian_headers_and_numbers(scored, session):
    _rename_carpet(session, '=HYPERLINK("http://x","y")')
    workbook = load_workbook(io.BytesIO(exports.category_workbook(load_results(session, category=cluster(session)))))
    assert workbook.sheetnames == ["مشخصات", "رتبه‌بندی", "برگه‌ها"]
    assert all(ws.sheet_view.rightToLeft for ws in workbook.worksheets)
    ranking = workbook["رتبه‌بندی"]
    headers = [c.value for c in ranking[1]]
    assert headers[:4] == ["رتبه", "شناسهٔ نامزد", "نامزد", "استان"]
    assert "امتیاز نهایی F" in headers
    first = [c for c in ranking[2]]
    f_cell = first[headers.index("امتیاز نهایی F")]
    assert f_cell.data_type == "n" and isinstance(f_cell.value, float | int | Decimal)
    assert first[0].value == 1
    name_cell = first[headers.index("نامزد")]
    assert name_cell.value == '\'=HYPERLINK("http://x","y")' and name_cell.data_type == "s"
    sheets = workbook["برگه‌ها"]
    assert sheets.max_row == 1 + 3 * 5 * 3  # three nominees x five committees x three members
    submitted = [c.value for c in sheets[2]][6]
    assert submitted.startswith("1404/03/20")  # Jalali


def test_csv_has_bom_and_neutralises(scored, session):
    _rename_carpet(session, "@cmd")
    body = exports.to_csv(exports.ranking_table(load_results(session, category=cluster(session))))
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["رتبه", "شناسهٔ نامزد", "نامزد"]
    assert rows[1][2] == "'@cmd"
    assert rows[1][0] == "1"


def test_export_routes_return_files(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("admin")
    xlsx = client.get(f"/results/{cid}/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "results-1404-cluster.xlsx" in xlsx.headers["Content-Disposition"]
    load_workbook(io.BytesIO(xlsx.data))
    sheets = client.get(f"/results/{cid}/export.csv?table=sheets")
    assert sheets.mimetype == "text/csv"
    assert sheets.data.decode("utf-8-sig").splitlines()[0].startswith("شناسهٔ برگه")


def test_merge_aligns_columns_by_header():
    a = exports.Table("a", ["x", "y"], [[1, 2]])
    b = exports.Table("b", ["x", "z"], [[3, 4]])
    merged = exports.merge([a, b], "m")
    assert merged.headers == ["x", "y", "z"]
    assert merged.rows == [[1, 2, None], [3, None, 4]]
