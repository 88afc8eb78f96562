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


def test_streamed_merged_csv_is_merge_then_to_csv(tmp_path):
    a = exports.Table("a", ["x", "y"], [[1, "=HYPERLINK()"], [None, Decimal("2.50")]])
    b = exports.Table("b", ["x", "z"], [[3, "فارس"]])
    c = exports.Table("c", ["z"], [])
    out = tmp_path / "merged.csv"

    exports.write_merged_csv(iter([a, b, c]), out)

    assert out.read_bytes() == exports.to_csv(exports.merge([a, b, c], "m"))


def test_merge_aligns_columns_by_header():
    a = exports.Table("a", ["x", "y"], [[1, 2]])
    b = exports.Table("b", ["x", "z"], [[3, 4]])
    merged = exports.merge([a, b], "m")
    assert merged.headers == ["x", "y", "z"]
    assert merged.rows == [[1, 2, None], [3, None, 4]]


# --- The streaming writer against the in-memory one it replaced --------------------------------------------------

def _reference_to_xlsx(tables) -> bytes:
    """The in-memory writer as it stood before the export streamed (issue 14): the expectation the streaming
    writer must match cell for cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        title = table.title[:31]
        n = 2
        while title in used:
            title = f"{table.title[:28]} {n}"
            n += 1
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.sheet_view.rightToLeft = True
        sheet.append([exports._cell_value(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append([exports._cell_value(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
        for index, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
                max(12, len(header) + 2), 40)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _reference_cli_tables(session, categories) -> list[exports.Table]:
    """The tables the CLI's whole-cycle (or one-category) workbook was built from before it streamed."""
    results = [load_results(session, category=c) for c in categories]
    tables = []
    for data in results:
        for part in (exports.ranking_table(data), exports.sheets_table(data)):
            part.title = f"{part.title} {data.category.code}" if len(results) > 1 else part.title
            tables.append(part)
    if len(results) == 1:
        tables.insert(0, exports.info_table(results[0]))
    return tables


def _contents(source) -> list[dict]:
    """Everything a reader sees of a workbook: per sheet its name, direction, frozen header, widths, and each cell's
    value, type, number format, boldness and wrapping."""
    workbook = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    sheets = []
    for ws in workbook.worksheets:
        rows = [[(c.value, c.data_type, c.number_format if c.row > 1 else None, c.font.b, c.alignment.wrap_text)
                 for c in row] for row in ws.iter_rows()]
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
        sheets.append({"title": ws.title, "rtl": ws.sheet_view.rightToLeft, "freeze": ws.freeze_panes,
                       "widths": widths, "rows": rows})
    return sheets


def _assert_same_workbook(actual, expected) -> None:
    got, want = _contents(actual), _contents(expected)
    assert [s["title"] for s in got] == [s["title"] for s in want]
    for g, w in zip(got, want, strict=True):
        assert g["rtl"] is True and w["rtl"] is True
        assert (g["freeze"], g["widths"]) == (w["freeze"], w["widths"]), g["title"]
        assert all(cell[3] for cell in g["rows"][0]), f"header of {g['title']} not bold"
        assert len(g["rows"]) == len(w["rows"]), g["title"]
        for number, (row_g, row_w) in enumerate(zip(g["rows"], w["rows"], strict=True), start=1):
            assert row_g == row_w, f"{g['title']} row {number}"


def _demo_categories(session):
    from awards.results import queries

    return queries.categories_of(session, queries.cycle_by_year(session, 1404))


def test_cli_whole_cycle_workbook_matches_the_in_memory_writer(demo_final, app, session, tmp_path):
    categories = _demo_categories(session)
    assert len(categories) > 1 and any(c.finalised_at for c in categories)
    expected = _reference_to_xlsx(_reference_cli_tables(session, categories))
    session.rollback()
    out = tmp_path / "all.xlsx"
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--format", "xlsx",
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out.stat().st_size} bytes" in result.output
    workbook = _contents(out)
    assert sum(len(s["rows"]) for s in workbook) > 2 * len(categories) + 10  # real rows, not just headers
    _assert_same_workbook(out, expected)


def test_cli_one_category_and_route_workbooks_match_the_in_memory_writer(demo_final, app, session, tmp_path):
    from datetime import UTC, datetime

    from awards import clock

    clock.freeze(datetime(2025, 7, 1, 8, 30, tzinfo=UTC))  # the info sheet says when it was taken
    category = next(c for c in _demo_categories(session) if c.finalised_at)
    data = load_results(session, category=category)
    expected = _reference_to_xlsx(_reference_cli_tables(session, [category]))
    _assert_same_workbook(exports.category_workbook(data), expected)  # the web route's workbook
    session.rollback()
    out = tmp_path / "one.xlsx"
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--category",
                                                category.code, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    _assert_same_workbook(out, expected)


def test_streaming_writer_keeps_types_formats_and_unique_titles():
    tables = [exports.Table("رتبه‌بندی", ["a", "b", "c", "d"], [["#N/A", Decimal("1.50"), 3, None],
                                                                  ["=1+1", Decimal("2"), -4, "متن"]]),
              exports.Table("رتبه‌بندی", ["x" * 60], [["y"]])]
    _assert_same_workbook(exports.to_xlsx(tables), _reference_to_xlsx(tables))


def test_a_table_failing_midway_leaves_no_sheet_writer_open(tmp_path):
    import gc

    import pytest
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    def tables():
        yield exports.Table("یکم", ["الف"], [["۱"], ["۲"]])
        raise RuntimeError("the second table failed")

    before = list(ALL_TEMP_FILES)
    with pytest.raises(RuntimeError):
        exports.write_xlsx(tables(), tmp_path / "x.xlsx")
    gc.collect()  # an unfinished row writer finalised now would raise on its closed file (an unraisable error)
    assert before == ALL_TEMP_FILES
    assert not (tmp_path / "x.xlsx").exists()
