"""The upload page: good files become drafts, bad files save nothing, and refusals per role, CSRF and phase."""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from awards import clock
from awards.demo import jalali_moment
from awards.enums import NominationState
from awards.models import AuditEvent, Nomination
from tests.conftest import csrf_token
from tests.imports.conftest import (
    HEADERS,
    counts,
    good_row,
    legal_id,
    make_csv,
    make_xlsx,
    national_code,
    post_file,
    table,
)


def _imported(session, names: list[str]) -> list[Nomination]:
    try:
        nominations = list(session.scalars(
            select(Nomination).where(Nomination.nominee_name.in_(names)).order_by(Nomination.id)))
        session.expunge_all()
        return nominations
    finally:
        session.rollback()


def _batch_events(session) -> list[AuditEvent]:
    try:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "import.batch")))
        session.expunge_all()
        return events
    finally:
        session.rollback()


def _table_errors(html: str) -> list[tuple[str, str, str]]:
    """(row, column, message) of each line of the page's error table."""
    pattern = re.compile(r'<td class="text-nowrap"><span [^>]*>ردیف: </span>(.*?)</td>\s*'
                         r'<td><span [^>]*>ستون: </span>(.*?)</td>.*?'
                         r'<td class="text-danger"><span [^>]*>خطا: </span>(.*?)</td>', re.S)
    return pattern.findall(html)


# --- good files ------------------------------------------------------------------------------------------


def test_upload_good_xlsx_creates_drafts_in_officers_province(client, demo, ids, session, login_as):
    login_as("fars")
    rows = [good_row(1), good_row(2), good_row(3)]
    data = make_xlsx(table(rows, extra={"استان": ["تهران", "اصفهان", "یزد"]}))
    nominations_before, events_before = counts(session)

    response = post_file(client, ids.industry, "نامزدها.xlsx", data)

    assert response.status_code == 302
    assert response.headers["Location"] == "/imports/"
    nominations = _imported(session, [row["nominee_name"] for row in rows])
    assert len(nominations) == 3
    assert {n.state for n in nominations} == {NominationState.DRAFT}
    assert {n.province_id for n in nominations} == {ids.fars_province}
    assert {n.category_id for n in nominations} == {ids.industry}
    assert {n.created_by_id for n in nominations} == {ids.fars_user}
    first = nominations[0]
    assert first.legal_id == legal_id("1000000001")
    assert first.founding_year == 1301
    assert first.employees == 101
    assert first.annual_sales == 250_000
    assert first.growth_percent == Decimal("12.50")
    assert first.mobile == "09171234567"
    # three nomination.create events and one import.batch event
    assert counts(session) == (nominations_before + 3, events_before + 4)
    (batch,) = _batch_events(session)
    assert batch.actor_id == ids.fars_user
    assert batch.province_id == ids.fars_province
    assert batch.changes["file"] == [None, "نامزدها.xlsx"]
    assert batch.changes["sha256"] == [None, hashlib.sha256(data).hexdigest()]
    assert batch.changes["rows"] == [None, 3]
    assert sorted(batch.changes["nomination_ids"][1]) == sorted(n.id for n in nominations)


def test_upload_good_xlsx_flashes_persian_summary_and_ignored_province_column(client, demo, ids, login_as):
    login_as("fars")
    data = make_xlsx(table([good_row(1), good_row(2)], extra={"استان": ["تهران", "تهران"]}))

    html = client.get(post_file(client, ids.industry, "x.xlsx", data).headers["Location"]).get_data(as_text=True)

    assert "۲ پیش‌نویس در رشتهٔ «واحد نمونهٔ صنعتی» ساخته شد." in html
    assert "مدرک پیوست کنید" in html
    assert "این ستون‌ها نادیده گرفته شد: استان." in html


def test_upload_good_csv_with_bom_persian_digits_and_arabic_letters(client, demo, ids, session, login_as):
    login_as("fars")
    code = national_code("012345678")
    persian_code = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    rows = [
        {"nominee_name": "مهندس علي كريمي", "national_code": persian_code, "city": "كازرون",
         "sector": "ماشين‌سازي", "founding_year": "۱۳۵۰", "employees": "۱٬۲۰۰", "growth_percent": "-۳٫۵",
         "mobile": "+98 917 765 4321"},
        {"nominee_name": "بانو زهرا نيكو", "national_code": national_code("123456780"), "city": "شيراز"},
    ]
    data = make_csv(table(rows, extra={"province": ["IR-23", "IR-10"]}), bom=True)

    response = post_file(client, ids.veteran, "persons.csv", data)

    assert response.status_code == 302
    nominations = _imported(session, ["مهندس علی کریمی", "بانو زهرا نیکو"])
    assert [n.nominee_name for n in nominations] == ["مهندس علی کریمی", "بانو زهرا نیکو"]
    assert {n.province_id for n in nominations} == {ids.fars_province}
    assert {n.state for n in nominations} == {NominationState.DRAFT}
    first = nominations[0]
    assert first.national_code == code
    assert first.city == "کازرون"
    assert first.sector == "ماشین‌سازی"
    assert first.founding_year == 1350
    assert first.employees == 1200
    assert first.growth_percent == Decimal("-3.50")
    assert first.mobile == "09177654321"
    assert first.search_name == "مهندس علی کریمی"


def test_upload_english_headers_are_accepted(client, demo, ids, session, login_as):
    login_as("fars")
    data = make_csv(table([good_row(7)], english=True), bom=False)

    assert post_file(client, ids.industry, "export.csv", data).status_code == 302
    assert len(_imported(session, ["شرکت آزمون شماره 7"])) == 1


# --- bad files: nothing saved ------------------------------------------------------------------------------


def test_upload_with_one_bad_national_code_saves_nothing_and_names_row_and_column(client, demo, ids, session,
                                                                                   login_as):
    login_as("fars")
    bad_code = national_code("012345678")[:9] + str((int(national_code("012345678")[9]) + 1) % 10)
    rows = [good_row(1), None, good_row(2, national_code=bad_code), good_row(3)]
    data = make_xlsx(table(rows))
    before = counts(session)

    response = post_file(client, ids.industry, "bad.xlsx", data)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert counts(session) == before
    assert "هیچ ردیفی ذخیره نشد" in html
    # header is row 1, good row 2, blank row 3, the bad row is row 4 in the spreadsheet
    assert _table_errors(html) == [("۴", "کد ملی", "کد ملی معتبر نیست.")]
    assert bad_code in html


def test_upload_reports_every_bad_cell_not_just_the_first(client, demo, ids, session, login_as):
    login_as("fars")
    rows = [good_row(1, founding_year=1995, employees="-4"), good_row(2, nominee_name="", mobile="12345")]
    before = counts(session)

    html = post_file(client, ids.industry, "bad.csv", make_csv(table(rows))).get_data(as_text=True)

    assert counts(session) == before
    assert "پرونده ۴ خطا دارد" in html
    assert _table_errors(html) == [
        ("۲", "سال تأسیس", "سال تأسیس را به تقویم شمسی بنویسید: عددی بین ۱۲۰۰ و ۱۵۰۰."),
        ("۲", "تعداد کارکنان", "عدد نمی‌تواند منفی باشد."),
        ("۳", "نام نامزد", "نام نامزد را وارد کنید."),
        ("۳", "تلفن همراه", "شماره همراه معتبر نیست؛ نمونه: ۰۹۱۲۱۲۳۴۵۶۷"),
    ]


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://example.com/x","کلیک")', "=1+1"])
def test_upload_xlsx_formula_cell_is_reported_and_not_stored(client, demo, ids, session, login_as, formula):
    login_as("fars")
    data = make_xlsx(table([good_row(1), good_row(2, nominee_name=formula), good_row(3, employees="=1+1")]))
    before = counts(session)

    html = post_file(client, ids.industry, "f.xlsx", data).get_data(as_text=True)

    assert counts(session) == before
    assert [(row, message[:18]) for row, _column, message in _table_errors(html)] == [
        ("۳", "فرمول پذیرفته نیست"), ("۴", "فرمول پذیرفته نیست")]
    assert _imported(session, ["شرکت آزمون شماره 1", formula]) == []


def test_upload_csv_formula_like_text_is_reported(client, demo, ids, session, login_as):
    login_as("fars")
    rows = [good_row(1, city="@SUM(A1:A9)"), good_row(2, sector="+cmd|' /C calc'!A0"),
            good_row(3, narrative="-2+3"), good_row(4, legal_id="-" + legal_id("1000000004"))]
    before = counts(session)

    html = post_file(client, ids.industry, "f.csv", make_csv(table(rows))).get_data(as_text=True)

    assert counts(session) == before
    assert [(row, column, message[:18]) for row, column, message in _table_errors(html)] == [
        ("۲", "شهر", "فرمول پذیرفته نیست"), ("۳", "بخش فعالیت", "فرمول پذیرفته نیست"),
        ("۴", "شرح دستاوردها", "فرمول پذیرفته نیست"), ("۵", "شناسه ملی", "فرمول پذیرفته نیست")]


def test_upload_pdf_renamed_xlsx_is_rejected(client, demo, ids, session, login_as):
    login_as("fars")
    before = counts(session)

    html = post_file(client, ids.industry, "list.xlsx", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n").get_data(as_text=True)

    assert counts(session) == before
    assert "محتوای پرونده xlsx نیست" in html


def test_upload_zip_that_is_not_a_workbook_is_rejected(client, demo, ids, session, login_as):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    login_as("fars")
    before = counts(session)

    html = post_file(client, ids.industry, "list.xlsx", buffer.getvalue()).get_data(as_text=True)

    assert counts(session) == before
    assert "پروندهٔ xlsx خوانا نیست" in html


def test_upload_non_utf8_csv_is_rejected(client, demo, ids, session, login_as):
    login_as("fars")
    data = make_csv(table([good_row(1, nominee_name="شرکت پارس")]), bom=False, encoding="cp1256")
    before = counts(session)

    html = post_file(client, ids.industry, "list.csv", data).get_data(as_text=True)

    assert counts(session) == before
    assert "پروندهٔ CSV باید با کدگذاری UTF-8 ذخیره شده باشد" in html


def test_upload_other_extension_is_rejected(client, demo, ids, session, login_as):
    login_as("fars")

    html = post_file(client, ids.industry, "list.xls", b"\xd0\xcf\x11\xe0").get_data(as_text=True)

    assert "فقط پرونده‌های xlsx و CSV پذیرفته می‌شوند." in html


def test_upload_without_file_keeps_category_and_asks_for_file(client, demo, ids, login_as):
    login_as("fars")
    token = csrf_token(client, "/imports/")

    response = client.post("/imports/", data={"category": str(ids.veteran), "csrf_token": token},
                           content_type="multipart/form-data")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "پرونده را انتخاب کنید." in html
    assert f'<option selected value="{ids.veteran}">' in html


# --- templates ---------------------------------------------------------------------------------------------


def test_template_xlsx_download_has_persian_headers_and_example(client, demo, login_as):
    login_as("fars")

    response = client.get("/imports/template.xlsx")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(min_row=1, max_row=2, values_only=True))
    # The dossier's columns, then the 1404 cycle's indicators (two columns each; tests/imports/test_indicators.py).
    assert list(rows[0])[:len(HEADERS)] == list(HEADERS.values())
    assert len(rows[0]) == len(HEADERS) + 12
    assert rows[1][0].startswith("نمونه:")
    assert workbook.sheetnames == ["نامزدها", "راهنما"]
    workbook.close()


def test_template_csv_download_has_bom_headers_and_example(client, demo, login_as):
    login_as("fars")

    response = client.get("/imports/template.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(",".join(HEADERS.values()) + ",شاخص فروش سالانه")  # the cycle's indicators follow
    assert lines[1].startswith("نمونه:")


def test_template_xlsx_reimports_after_filling_one_row(client, demo, ids, session, login_as):
    login_as("fars")
    workbook = load_workbook(io.BytesIO(client.get("/imports/template.xlsx").data))
    sheet = workbook["نامزدها"]
    row = good_row(9)
    for index, field in enumerate(HEADERS, start=1):
        sheet.cell(row=3, column=index, value=row.get(field))
    out = io.BytesIO()
    workbook.save(out)
    before = counts(session)

    response = post_file(client, ids.industry, "filled.xlsx", out.getvalue())

    assert response.status_code == 302
    assert counts(session)[0] == before[0] + 1
    assert [n.nominee_name for n in _imported(session, ["شرکت آزمون شماره 9"])] == ["شرکت آزمون شماره 9"]
    assert "ردیف نمونهٔ الگو (ردیف ۲) وارد نشد." in client.get("/imports/").get_data(as_text=True)


def test_template_csv_reimports_after_filling_one_row(client, demo, ids, session, login_as):
    login_as("fars")
    template = client.get("/imports/template.csv").data
    filled = template + make_csv([list(good_row(8).get(field) for field in HEADERS)], bom=False)
    before = counts(session)

    response = post_file(client, ids.industry, "filled.csv", filled)

    assert response.status_code == 302
    assert counts(session)[0] == before[0] + 1


def test_template_only_is_refused_as_empty(client, demo, ids, session, login_as):
    login_as("fars")
    before = counts(session)

    html = post_file(client, ids.industry, "t.csv", client.get("/imports/template.csv").data).get_data(as_text=True)

    assert counts(session) == before
    assert "پرونده هیچ ردیف نامزدی ندارد" in html


# --- refusals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/imports/", "/imports/template.xlsx", "/imports/template.csv"])
def test_anonymous_is_sent_to_login(client, demo, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("username", ["admin", "winners-1", "provincial_affairs-chair", "oversight-2"])
@pytest.mark.parametrize("path", ["/imports/", "/imports/template.xlsx", "/imports/template.csv"])
def test_non_officers_get_403(client, demo, login_as, username, path):
    login_as(username)

    assert client.get(path).status_code == 403


def test_organizer_post_with_valid_csrf_gets_403_and_saves_nothing(client, demo, ids, session, login_as):
    login_as("admin")
    token = csrf_token(client, "/")
    before = counts(session)

    response = client.post("/imports/", data={"category": str(ids.industry), "csrf_token": token,
                                              "file": (io.BytesIO(make_csv(table([good_row(1)]))), "x.csv")},
                           content_type="multipart/form-data")

    assert response.status_code == 403
    assert counts(session) == before


def test_upload_without_csrf_token_is_400_and_saves_nothing(client, demo, ids, session, login_as):
    login_as("fars")
    before = counts(session)

    response = post_file(client, ids.industry, "x.csv", make_csv(table([good_row(1)])), with_csrf=False)

    assert response.status_code == 400
    assert counts(session) == before


def test_upload_after_nominations_close_shows_phase_message_and_saves_nothing(client, demo, ids, session,
                                                                               login_as):
    login_as("fars")
    clock.freeze(jalali_moment(1404, 3, 2, 10, 0))
    before = counts(session)

    response = post_file(client, ids.industry, "late.xlsx", make_xlsx(table([good_row(1), good_row(2)])))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "مهلت معرفی نامزد در این دوره باز نیست." in html
    assert counts(session) == before


def test_page_warns_when_nominations_are_closed(client, demo, login_as):
    login_as("fars")
    clock.freeze(jalali_moment(1404, 3, 2, 10, 0))

    html = client.get("/imports/").get_data(as_text=True)

    assert "تا بازگشایی مهلت، ورود گروهی ممکن نیست" in html


def test_upload_page_documents_every_column(client, demo, login_as):
    login_as("fars")

    html = client.get("/imports/").get_data(as_text=True)

    for header in HEADERS.values():
        assert header in html
    for field in HEADERS:
        assert f'<code class="ltr">{field}</code>' in html
    assert "پرونده‌های واردشده پیش‌نویس‌اند" in html
    assert "۵۰۰ ردیف" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrf_token"' in html


def test_error_table_lists_at_most_200_errors_and_counts_the_rest(client, demo, ids, session, login_as):
    login_as("fars")
    rows = [good_row(i, mobile="123") for i in range(1, 251)]

    html = post_file(client, ids.industry, "many.csv", make_csv(table(rows))).get_data(as_text=True)

    assert "پرونده ۲۵۰ خطا دارد" in html
    assert len(_table_errors(html)) == 200
    assert "۲۰۰ خطای نخست نمایش داده شد و ۵۰ خطای دیگر هم هست" in html
