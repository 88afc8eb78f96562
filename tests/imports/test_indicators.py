"""The cycle's indicators in the import: template columns, the round trip, and the same digit and formula rules."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards.evaluation import figures
from awards.imports import services
from awards.imports.columns import COLUMNS
from awards.imports.sheets import ImportRejected
from awards.models import IndicatorValue, Nomination
from tests.conftest import login
from tests.imports.conftest import good_row, make_csv, table


def _extra(session, demo):
    return services.indicator_columns(figures.cycle_indicators(session, cycle_id=demo.cycle.id))


def test_template_carries_each_indicator_and_its_year_after_the_dossier_columns(session, demo):
    headers, example = services.template_rows(_extra(session, demo))
    assert headers[:len(COLUMNS)] == [c.header for c in COLUMNS]
    assert headers[len(COLUMNS):len(COLUMNS) + 4] == ["شاخص فروش سالانه (میلیون ریال)", "سال شاخص فروش سالانه",
                                                      "شاخص رشد فروش (درصد)", "سال شاخص رشد فروش"]
    assert len(headers) == len(COLUMNS) + 12 and len(example) == len(headers)


def test_template_round_trip_declares_the_figures(session, demo, client):
    login(client, "fars")
    template = client.get("/imports/template.csv").get_data().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(template)))
    assert "شاخص رشد فروش (درصد)" in header and "سال شاخص رشد فروش" in header
    row = dict(zip(header, [""] * len(header), strict=True))
    for column in COLUMNS:
        value = good_row(7).get(column.field)
        row[column.header] = "" if value is None else str(value)
    row["شاخص رشد فروش (درصد)"] = "-۱۲٫۵"  # Persian digits and decimal separator, negative
    row["سال شاخص رشد فروش"] = "۱۴۰۳"
    row["شاخص فروش سالانه (میلیون ریال)"] = "۶۴۰٬۰۰۰"
    row["سال شاخص فروش سالانه"] = "1403"
    out = io.StringIO()
    csv.writer(out).writerows([header, [row[h] for h in header]])
    result = services.import_nominations(session, actor=demo.users["fars"], category=demo.categories["industry"],
                                         filename="round.csv", data=out.getvalue().encode("utf-8-sig"))
    (nomination,) = result.created
    saved = {v.indicator.code: (v.declared_value, v.year)
             for v in figures.figures_of(session, nomination_id=nomination.id).values()}
    assert saved == {"sales_growth": (Decimal("-12.5"), 1403), "annual_sales": (Decimal(640000), 1403)}


@pytest.mark.parametrize(("cells", "column", "fragment"), [
    ({"شاخص کارکنان (نفر)": "12.5", "سال شاخص کارکنان": "1403"}, "شاخص کارکنان (نفر)", "صحیح"),
    ({"شاخص صادرات (هزار دلار)": "-5", "سال شاخص صادرات": "1403"}, "شاخص صادرات (هزار دلار)", "کمترین"),
    ({"شاخص صادرات (هزار دلار)": "=1+1", "سال شاخص صادرات": "1403"}, "شاخص صادرات (هزار دلار)", "فرمول"),
    ({"شاخص صادرات (هزار دلار)": "500"}, "سال شاخص صادرات", "سال"),
    ({"شاخص صادرات (هزار دلار)": "500", "سال شاخص صادرات": "1600"}, "سال شاخص صادرات", "سال شمسی"),
])
def test_bad_indicator_cells_refuse_the_whole_file_beside_the_column(session, demo, cells, column, fragment):
    before = session.scalar(select(func.count()).select_from(Nomination))
    figures_before = session.scalar(select(func.count()).select_from(IndicatorValue))
    lines = table([good_row(1), good_row(2)], extra={header: [value, ""] for header, value in cells.items()})
    with pytest.raises(ImportRejected) as refused:
        services.import_nominations(session, actor=demo.users["fars"], category=demo.categories["industry"],
                                    filename="bad.csv", data=make_csv(lines))
    assert [(e.row, e.column) for e in refused.value.errors if fragment in e.message] == [(2, column)], \
        refused.value.errors
    assert session.scalar(select(func.count()).select_from(Nomination)) == before
    assert session.scalar(select(func.count()).select_from(IndicatorValue)) == figures_before
