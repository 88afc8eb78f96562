"""Small factories for import files (built in the test, never read from disk) and an upload helper."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from awards.demo import legal_id, national_code
from awards.imports.columns import COLUMNS
from awards.models import AuditEvent, Nomination
from tests.conftest import csrf_token

HEADERS = {column.field: column.header for column in COLUMNS}


def good_row(number: int, **overrides) -> dict:
    """A valid legal-entity nominee; ``number`` keeps names and legal ids distinct."""
    values = {
        "nominee_name": f"شرکت آزمون شماره {number}",
        "legal_id": legal_id(f"10{number:08d}"),
        "representative_name": "مریم احمدی",
        "representative_title": "مدیرعامل",
        "city": "شیراز",
        "sector": "صنایع غذایی",
        "founding_year": 1300 + number % 200,
        "employees": 100 + number,
        "annual_sales": 250_000,
        "exports_value": 1_200,
        "growth_percent": 12.5,
        "narrative": "افزایش صادرات و بهره‌وری.",
        "mobile": "09171234567",
    }
    values.update(overrides)
    return values


def table(rows: list[dict | None], *, extra: dict[str, list] | None = None, english: bool = False) -> list[list]:
    """Turn dicts into a header row plus data rows; ``None`` is a blank row; ``extra`` adds columns."""
    fields = [column.field for column in COLUMNS]
    header = [field if english else HEADERS[field] for field in fields] + list((extra or {}).keys())
    out = [header]
    extra_values = list((extra or {}).values())
    data_index = 0
    for row in rows:
        if row is None:
            out.append([None] * len(header))
            continue
        line = [row.get(field) for field in fields]
        line += [values[data_index] for values in extra_values]
        data_index += 1
        out.append(line)
    return out


def make_xlsx(lines: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_csv(lines: list[list], *, bom: bool = True, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    for line in lines:
        writer.writerow(["" if cell is None else cell for cell in line])
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding, errors="replace")


def post_file(client, category_id: int, filename: str, data: bytes, *, with_csrf: bool = True):
    form = {"category": str(category_id), "file": (io.BytesIO(data), filename)}
    if with_csrf:
        form["csrf_token"] = csrf_token(client, "/imports/")
    return client.post("/imports/", data=form, content_type="multipart/form-data")


def counts(session) -> tuple[int, int]:
    """Nominations and audit events in the database (the read transaction is closed again at once)."""
    try:
        return (session.scalar(select(func.count()).select_from(Nomination)),
                session.scalar(select(func.count()).select_from(AuditEvent)))
    finally:
        session.rollback()


@dataclass(frozen=True)
class Ids:
    industry: int
    veteran: int
    fars_province: int
    fars_user: int


@pytest.fixture
def ids(demo) -> Ids:
    """Plain ids read once from the demo, so tests never touch expired objects (and open transactions)."""
    return Ids(industry=demo.categories["industry"].id, veteran=demo.categories["veteran"].id,
               fars_province=demo.users["fars"].province_id, fars_user=demo.users["fars"].id)


__all__ = ["HEADERS", "Ids", "counts", "good_row", "legal_id", "make_csv", "make_xlsx", "national_code",
           "post_file", "table"]
