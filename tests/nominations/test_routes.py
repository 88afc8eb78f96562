"""The province workspace in the browser's shoes: list, dossier form, nomination page, submit and withdraw."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import event, select

from awards import clock
from awards.db import db
from awards.demo import jalali_moment, national_code
from awards.enums import NominationAction, NominationState
from awards.models import AuditEvent, EvidenceDocument, Nomination
from awards.nominations import documents, services
from awards.pagination import page_window
from tests.nominations.conftest import (
    ELECTRONICS,
    MASKATI,
    PHARMA,
    RETURNED_TILES,
    SOLAR,
    by_name,
    demo_pdf,
    legal_id,
    post,
)

STEEL = "شرکت فولاد سپاهان نوین"
IRON = "شرکت معدنی سنگ آهن بافق"
TILES_MEYBOD = "خوشه کاشی و سرامیک میبد"
CARPET = "خوشه فرش دستباف کاشان"
RETURN_REASON = "گواهی استاندارد و صورت‌های مالی حسابرسی‌شده پیوست نشده است."


def field_errors(html: str) -> dict[str, list[str]]:
    """Map each field id to the error messages shown beside it."""
    found: dict[str, list[str]] = {}
    for field_id, message in re.findall(r'<div id="([\w-]+)-error" class="invalid-feedback d-block">([^<]+)<', html):
        found.setdefault(field_id, []).append(message)
    return found


def flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'role="alert">\s*([^<]+?)\s*<button', html)]


def listed_names(html: str) -> list[str]:
    return re.findall(r'<a class="fw-semibold" href="/nominations/\d+">([^<]+)</a>', html)


def add_nomination(session, demo, officer: str, name: str, category: str = "project") -> Nomination:
    nomination = services.create_draft(session, actor=demo.users[officer], category=demo.categories[category],
                                       values={"nominee_name": name})
    session.commit()
    return nomination


# --- pagination window ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("number", "pages", "window"), [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 10, [1, 2, 3, None, 10]),
    (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10]),
    (6, 12, [1, None, 4, 5, 6, 7, 8, None, 12]),
    (12, 12, [1, None, 10, 11, 12]),
])
def test_page_window_marks_gaps_with_none(number, pages, window):
    assert page_window(number, pages) == window


# --- the list ---------------------------------------------------------------------------------------------

def test_list_shows_only_own_province_with_category_state_and_jalali_update(client, demo, login_as):
    login_as("fars")
    html = client.get("/nominations/").get_data(as_text=True)
    assert sorted(listed_names(html)) == sorted([MASKATI, ELECTRONICS])
    assert "خوشهٔ صنعتی برتر" in html
    assert "پیش‌نویس" in html and "در حال ارزیابی" in html
    assert "۱۴۰۴/۰۲/۲۰" in html
    assert '<th scope="col">استان</th>' not in html
    assert 'name="province"' not in html


def test_list_shows_return_reason_of_returned_draft(client, demo, login_as):
    login_as("khorasan")
    html = client.get("/nominations/").get_data(as_text=True)
    assert RETURNED_TILES in listed_names(html)
    assert RETURN_REASON in html
    assert "بازگشتی" in html


def test_organizer_sees_every_province_and_filters_by_one(client, session, demo, login_as):
    login_as("admin")
    html = client.get("/nominations/").get_data(as_text=True)
    assert len(listed_names(html)) == 11
    assert {MASKATI, PHARMA, STEEL, IRON, RETURNED_TILES} <= set(listed_names(html))
    assert '<th scope="col">استان</th>' in html
    assert "فارس" in html and "یزد" in html
    fars = by_name(session, MASKATI).province_id
    html = client.get(f"/nominations/?province={fars}").get_data(as_text=True)
    assert sorted(listed_names(html)) == sorted([MASKATI, ELECTRONICS])


def test_list_filters_by_state_category_and_cycle(client, demo, login_as):
    login_as("admin")
    html = client.get("/nominations/?state=submitted").get_data(as_text=True)
    assert sorted(listed_names(html)) == sorted([PHARMA, IRON])
    html = client.get(f"/nominations/?category={demo.categories['cluster'].id}&state=in_evaluation")
    assert sorted(listed_names(html.get_data(as_text=True))) == sorted(
        [CARPET, TILES_MEYBOD, "خوشه زعفران تربت حیدریه"])
    html = client.get(f"/nominations/?cycle={demo.cycle.id}").get_data(as_text=True)
    assert len(listed_names(html)) == 11


@pytest.mark.parametrize("query", ["state=nonsense", "cycle=abc", "category=99999", "page=abc", "page=-3"])
def test_list_ignores_malformed_filters(client, demo, login_as, query):
    login_as("admin")
    response = client.get(f"/nominations/?{query}")
    assert response.status_code == 200
    assert len(listed_names(response.get_data(as_text=True))) == 11


@pytest.mark.parametrize("query", ["كاشي", "کاشی", "  كاشي  ", "KASHI"])
def test_search_tolerates_arabic_yeh_and_kaf(client, demo, login_as, query):
    login_as("admin")
    html = client.get("/nominations/", query_string={"q": query}).get_data(as_text=True)
    expected = [] if query == "KASHI" else [RETURNED_TILES, TILES_MEYBOD]
    assert sorted(listed_names(html)) == sorted(expected)


@pytest.mark.parametrize("query", ["۱۱۰", "110", "١١٠"])
def test_search_matches_digits_in_either_set(client, session, demo, login_as, query):
    add_nomination(session, demo, "fars", "شرکت پخش 110 فارس")
    add_nomination(session, demo, "fars", "شرکت ۲۲۰ شیراز")
    login_as("fars")
    html = client.get("/nominations/", query_string={"q": query}).get_data(as_text=True)
    assert listed_names(html) == ["شرکت پخش 110 فارس"]


def test_search_by_legal_id_typed_in_persian_digits(client, demo, login_as):
    login_as("fars")
    typed = legal_id("1086012345").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    html = client.get("/nominations/", query_string={"q": typed}).get_data(as_text=True)
    assert listed_names(html) == [ELECTRONICS]


def test_search_with_like_wildcards_is_literal(client, demo, login_as):
    login_as("admin")
    html = client.get("/nominations/", query_string={"q": "%"}).get_data(as_text=True)
    assert listed_names(html) == []
    assert "هیچ نامزدی با این پالایش پیدا نشد." in html


def test_list_paginates_with_page_size_and_keeps_filters_in_links(app, client, demo, login_as):
    app.config["PAGE_SIZE"] = 4
    login_as("admin")
    first = client.get("/nominations/?state=in_evaluation").get_data(as_text=True)
    assert len(listed_names(first)) == 4
    assert "۱ تا ۴ از ۶ نامزد" in first
    assert 'href="/nominations/?state=in_evaluation&amp;page=2"' in first
    second = client.get("/nominations/?state=in_evaluation&page=2").get_data(as_text=True)
    assert len(listed_names(second)) == 2
    assert set(listed_names(first)).isdisjoint(listed_names(second))
    assert 'aria-current="page">۲</a>' in second
    beyond = client.get("/nominations/?state=in_evaluation&page=99").get_data(as_text=True)
    assert listed_names(beyond) == listed_names(second)


def _statements_for(client, url: str) -> int:
    count = 0

    def _count(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", _count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)
    return count


def _bulk_add(session, demo, officer: str, count: int, start: int) -> None:
    user = demo.users[officer]
    category = demo.categories["project"]
    for i in range(start, start + count):
        session.add(Nomination(cycle_id=demo.cycle.id, category_id=category.id, province_id=user.province_id,
                               nominee_name=f"طرح انبوه {i}", search_name=f"طرح انبوه {i}",
                               state=NominationState.DRAFT, return_reason="دلیل" if i % 2 else None))
    session.commit()


@pytest.mark.parametrize("username", ["admin", "fars"])
def test_list_issues_same_number_of_statements_for_few_and_many_rows(client, session, demo, login_as, username):
    login_as(username)
    client.get("/nominations/")  # warm up anything loaded once per process
    _bulk_add(session, demo, "fars", 3, 0)
    few = _statements_for(client, "/nominations/")
    _bulk_add(session, demo, "fars", 37, 3)
    many = _statements_for(client, "/nominations/")
    assert few == many
    html = client.get("/nominations/").get_data(as_text=True)
    assert len(listed_names(html)) == 25


def test_nomination_page_issues_same_number_of_statements_for_few_and_many_documents(client, session, demo,
                                                                                     login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    client.get(f"/nominations/{nomination.id}")

    def add(count):
        session.commit()  # start from a fresh snapshot: requests have written since
        for i in range(count):
            documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename=f"{i}.pdf",
                                   data=demo_pdf(str(i)), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
        session.commit()

    add(1)
    few = _statements_for(client, f"/nominations/{nomination.id}")
    add(12)
    assert _statements_for(client, f"/nominations/{nomination.id}") == few


# --- choosing a category and the dossier form ------------------------------------------------------------

def test_new_lists_current_categories_with_quota_usage(client, demo, login_as):
    login_as("fars")
    html = client.get("/nominations/new").get_data(as_text=True)
    for category in demo.categories.values():
        assert f'href="/nominations/new?category={category.id}"' in html
    assert "سهمیهٔ استان: ۱ از ۳ ارسال‌شده" in html  # Fars's electronics company in the industry category


@pytest.mark.parametrize("username", ["admin", "winners-1"])
def test_new_is_forbidden_to_non_province_users(client, demo, login_as, username):
    login_as(username)
    assert client.get("/nominations/new").status_code == 403


@pytest.mark.parametrize("category", ["99999", "abc"])
def test_new_with_unknown_category_is_404(client, demo, login_as, category):
    login_as("fars")
    assert client.get(f"/nominations/new?category={category}").status_code == 404


def test_new_form_fits_the_kind_of_nominee(client, demo, login_as):
    login_as("fars")
    legal = client.get(f"/nominations/new?category={demo.categories['industry'].id}").get_data(as_text=True)
    person = client.get(f"/nominations/new?category={demo.categories['veteran'].id}").get_data(as_text=True)
    assert 'name="legal_id"' in legal and 'name="national_code"' not in legal
    assert 'name="national_code"' in person and 'name="legal_id"' not in person
    assert "سال آغاز فعالیت (شمسی)" in person


def test_new_form_errors_are_persian_beside_each_field_and_keep_input(client, session, demo, login_as):
    login_as("fars")
    typed = {
        "nominee_name": "",
        "legal_id": "۱۲۳۴۵۶۷۸۹۰۱",
        "representative_name": "رضا رضایی",
        "founding_year": "2005",
        "employees": "دوازده",
        "annual_sales": "1,5",
        "exports_value": "-3",
        "growth_percent": "12.5%",
        "mobile": "۰۹۱۲",
        "narrative": "روایت\nدو خطی",
    }
    response = post(client, f"/nominations/new?category={demo.categories['industry'].id}", typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html) == {
        "nominee_name": ["نام نامزد را وارد کنید."],
        "legal_id": ["شناسه ملی معتبر نیست؛ رقم کنترل آن درست درنمی‌آید."],
        "founding_year": ["سال را به تقویم شمسی بنویسید؛ مانند ۱۳۷۲ (نه میلادی)."],
        "employees": ["عدد صحیح وارد کنید (رقم‌های فارسی یا لاتین، بدون واحد)."],
        "annual_sales": ["عدد صحیح وارد کنید (رقم‌های فارسی یا لاتین، بدون واحد)."],
        "exports_value": ["عددی از ۰ تا ۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ وارد کنید."],
        "growth_percent": ["عدد معتبر وارد کنید (رقم‌های فارسی یا لاتین، بدون واحد)."],
        "mobile": ["شماره همراه معتبر نیست؛ نمونه: ۰۹۱۲۱۲۳۴۵۶۷"],
    }
    for value in ("۱۲۳۴۵۶۷۸۹۰۱", "رضا رضایی", 'value="2005"', "دوازده", 'value="1,5"', 'value="-3"', "12.5%", "۰۹۱۲"):
        assert value in html
    assert "روایت\nدو خطی" in html
    assert 'aria-invalid="true"' in html
    session.commit()
    assert session.scalar(select(Nomination).where(Nomination.province_id == demo.users["fars"].province_id,
                                                    Nomination.representative_name == "رضا رضایی")) is None


@pytest.mark.parametrize(("typed", "message"), [
    ("1399", None),
    ("۱۳۸۵", None),
    ("1404", None),
    ("1405", "سال شمسی باید از ۱۲۰۰ تا ۱۴۰۴ باشد."),
    ("1199", "سال شمسی باید از ۱۲۰۰ تا ۱۴۰۴ باشد."),
    ("85", "سال شمسی باید از ۱۲۰۰ تا ۱۴۰۴ باشد."),
    ("۱۳۸۵/۱", "سال را با چهار رقم بنویسید؛ مانند ۱۳۷۲."),
])
def test_founding_year_must_be_a_past_jalali_year(client, demo, login_as, typed, message):
    login_as("fars")
    response = post(client, f"/nominations/new?category={demo.categories['cluster'].id}",
                    {"nominee_name": "خوشهٔ آزمایشی", "founding_year": typed})
    if message is None:
        assert response.status_code == 302
    else:
        assert field_errors(response.get_data(as_text=True)) == {"founding_year": [message]}


def test_new_accepts_persian_digits_and_separators(client, session, demo, login_as):
    login_as("fars")
    persian_id = legal_id("1086099999").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = post(client, f"/nominations/new?category={demo.categories['industry'].id}", {
        "nominee_name": "شركت نمونه فارس",  # Arabic kaf: stored as Persian
        "legal_id": persian_id, "founding_year": "۱۳۷۲", "employees": "۱٬۲۰۰", "annual_sales": "1,850,000",
        "exports_value": "۴۲۰۰", "growth_percent": "۱۸٫۵", "mobile": "+98 917 123 4567",
    })
    assert response.status_code == 302
    created = by_name(session, "شرکت نمونه فارس")
    assert response.headers["Location"] == f"/nominations/{created.id}"
    assert (created.legal_id, created.founding_year, created.employees, created.annual_sales, created.exports_value,
            str(created.growth_percent), created.mobile) == (
        legal_id("1086099999"), 1372, 1200, 1_850_000, 4200, "18.50", "09171234567")
    assert created.search_name == "شرکت نمونه فارس"
    assert created.created_by_id == demo.users["fars"].id


def test_new_person_checks_national_code(client, session, demo, login_as):
    login_as("fars")
    url = f"/nominations/new?category={demo.categories['veteran'].id}"
    bad = post(client, url, {"nominee_name": "مهندس آزمایشی", "national_code": "1234567890"})
    assert field_errors(bad.get_data(as_text=True)) == {
        "national_code": ["کد ملی معتبر نیست؛ رقم کنترل آن درست درنمی‌آید."]}
    code = national_code("008765111")
    good = post(client, url, {"nominee_name": "مهندس آزمایشی",
                              "national_code": code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))})
    assert good.status_code == 302
    assert by_name(session, "مهندس آزمایشی").national_code == code


def test_new_draft_needs_only_a_name(client, session, demo, login_as):
    login_as("fars")
    response = post(client, f"/nominations/new?category={demo.categories['project'].id}",
                    {"nominee_name": "طرح تازه"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "پیش‌نویس «طرح تازه» ذخیره شد." in page
    assert by_name(session, "طرح تازه").state == NominationState.DRAFT


def test_new_after_nominations_close_keeps_input_with_persian_message(client, session, demo, login_as):
    login_as("fars")
    clock.freeze(jalali_moment(1404, 3, 2, 9, 0))
    response = post(client, f"/nominations/new?category={demo.categories['project'].id}",
                    {"nominee_name": "طرح دیرهنگام", "city": "فسا"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "مهلت معرفی نامزد در این دوره باز نیست." in flashes(html)
    assert 'value="طرح دیرهنگام"' in html and 'value="فسا"' in html
    session.commit()
    assert session.scalar(select(Nomination.id).where(Nomination.nominee_name == "طرح دیرهنگام")) is None


def test_edit_of_non_draft_redirects_with_message(client, session, demo, login_as):
    login_as("fars")
    nomination = by_name(session, ELECTRONICS)
    response = client.get(f"/nominations/{nomination.id}/edit")
    assert response.status_code == 302
    assert "فقط پیش‌نویس قابل ویرایش است." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_edit_form_shows_stored_values_in_persian_digits(client, session, demo, login_as):
    login_as("tehran")
    nomination = by_name(session, SOLAR)
    nomination_values = {"founding_year": 1398, "employees": 1200, "growth_percent": "7.25"}
    services.update_draft(session, actor=demo.users["tehran"], nomination=nomination, values=nomination_values)
    session.commit()
    html = client.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    assert 'value="۱۳۹۸"' in html
    assert 'value="۱٬۲۰۰"' in html
    assert 'value="۷٫۲۵"' in html


# --- the nomination page and the happy path ---------------------------------------------------------------

def test_fars_completes_and_submits_the_maskati_lari_draft(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "محمدعلی جمشیدی" in page and "عامل توسعه خوشه مسقطی لار" in page
    assert "پیش از ارسال این موارد را کامل کنید:" in page

    form = client.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    assert 'value="محمدعلی جمشیدی"' in form
    cluster_id = legal_id("1420012345")
    response = post(client, f"/nominations/{nomination.id}/edit", {
        "category_id": str(demo.categories["cluster"].id),
        "nominee_name": MASKATI,
        "legal_id": cluster_id,
        "representative_name": "محمدعلی جمشیدی",
        "representative_title": "عامل توسعه خوشه مسقطی لار",
        "city": "لار",
        "sector": "صنایع غذایی (حلوا و شیرینی سنتی)",
        "founding_year": "۱۳۹۵",
        "employees": "۳۲۰",
        "annual_sales": "۸۵۰٬۰۰۰",
        "narrative": "ساماندهی ۴۵ کارگاه مسقطی‌پزی لار، برند مشترک و بسته‌بندی صادراتی.",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == f"/nominations/{nomination.id}"

    response = post(client, f"/nominations/{nomination.id}/documents",
                    {"file": (io.BytesIO(demo_pdf("Maskati")), "معرفی‌نامه خوشه.pdf")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "پرونده کامل است و آمادهٔ ارسال." in page
    assert "معرفی‌نامه خوشه.pdf" in page

    response = post(client, f"/nominations/{nomination.id}/submit")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "پرونده ارسال شد و در نوبت غربالگری کمیتهٔ امور استان‌ها است." in page
    assert "ویرایش پرونده" not in page

    submitted = by_name(session, MASKATI)
    assert submitted.state == NominationState.SUBMITTED
    assert (submitted.legal_id, submitted.founding_year, submitted.employees, submitted.annual_sales) == (
        cluster_id, 1395, 320, 850_000)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.nomination_id == submitted.id)
                              .order_by(AuditEvent.id)).all()
    assert actions == ["nomination.create", "nomination.edit", "document.add", "nomination.submit"]


def test_submit_incomplete_flashes_missing_fields(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/submit")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "پرونده کامل نیست: سال تأسیس، تعداد کارکنان، شرح دستاوردها، دست‌کم یک مدرک پیوست." in flashes(html)
    assert by_name(session, MASKATI).state == NominationState.DRAFT


def _complete(session, demo, nomination, officer="fars"):
    services.update_draft(session, actor=demo.users[officer], nomination=nomination,
                          values={"founding_year": 1395, "employees": 320, "narrative": "شرح"})
    documents.add_document(session, actor=demo.users[officer], nomination=nomination, filename="a.pdf",
                           data=demo_pdf("a"), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    session.commit()


def test_submit_after_nominations_close_flashes_phase_message(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    _complete(session, demo, nomination)
    login_as("fars")
    clock.freeze(jalali_moment(1404, 3, 1, 8, 0))
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "مهلت ارسال و انصراف" in page
    response = post(client, f"/nominations/{nomination.id}/submit")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "مهلت ارسال و انصراف پرونده‌ها پایان یافته یا هنوز آغاز نشده است." in flashes(html)
    assert by_name(session, MASKATI).state == NominationState.DRAFT


def test_submit_when_quota_is_full_flashes_quota_message(client, session, demo, login_as):
    for name in ("خوشهٔ یکم", "خوشهٔ دوم"):
        other = services.create_draft(session, actor=demo.users["fars"], category=demo.categories["cluster"],
                                      values={"nominee_name": name})
        _complete(session, demo, other)
        services.update_draft(session, actor=demo.users["fars"], nomination=other,
                              values={"representative_name": "ن", "representative_title": "س", "city": "ش",
                                      "sector": "ب"})
        services.transition(session, nomination=other, action=NominationAction.SUBMIT, actor=demo.users["fars"])
        session.commit()
    nomination = by_name(session, MASKATI)
    _complete(session, demo, nomination)
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/submit")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "سهمیهٔ استان در رشتهٔ «خوشهٔ صنعتی برتر» (۲ نامزد) پر شده است." in flashes(html)
    assert by_name(session, MASKATI).state == NominationState.DRAFT


def test_withdraw_needs_confirmation(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/withdraw", {"reason": "تصمیم استان"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html) == {"confirm": ["برای انصراف، تأیید را علامت بزنید."]}
    assert "<details class=\"mt-3 withdraw-box\" open>" in html
    assert 'value="تصمیم استان"' in html
    assert by_name(session, MASKATI).state == NominationState.DRAFT


def test_withdraw_with_confirmation_records_reason(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/withdraw", {"confirm": "y", "reason": "تصمیم استان"})
    assert response.status_code == 302
    assert "انصراف از این نامزد ثبت شد." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert by_name(session, MASKATI).state == NominationState.WITHDRAWN
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "nomination.withdraw")).one()
    assert event.reason == "تصمیم استان"


def test_withdraw_of_evaluated_nomination_is_refused_with_flash(client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/withdraw", {"confirm": "y"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "این کار در وضعیت کنونی پرونده ممکن نیست." in flashes(html)
    assert by_name(session, ELECTRONICS).state == NominationState.IN_EVALUATION


def test_returned_nomination_is_fixed_and_resubmitted(client, session, demo, login_as):
    nomination = by_name(session, RETURNED_TILES)
    login_as("khorasan")
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "این پرونده از غربالگری به استان بازگشته است" in page
    assert RETURN_REASON in page
    assert "ارسال دوباره برای غربالگری" in page
    assert "بازگشت به استان" in page  # the screening history

    edit = client.get(f"/nominations/{nomination.id}/edit").get_data(as_text=True)
    assert RETURN_REASON in edit
    response = post(client, f"/nominations/{nomination.id}/edit", {
        "category_id": str(nomination.category_id), "nominee_name": RETURNED_TILES, "legal_id": nomination.legal_id,
        "representative_name": "سعید توکلی", "representative_title": "مدیرعامل", "city": "مشهد", "sector": "کاشی",
        "founding_year": "1372", "employees": "240", "annual_sales": "1850000",
        "narrative": "تولید کاشی با گواهی استاندارد ملی و صورت‌های مالی حسابرسی‌شده."})
    assert response.status_code == 302
    post(client, f"/nominations/{nomination.id}/documents",
         {"file": (io.BytesIO(demo_pdf("std")), "گواهی استاندارد.pdf")}, content_type="multipart/form-data")
    response = post(client, f"/nominations/{nomination.id}/submit")
    assert response.status_code == 302

    resubmitted = by_name(session, RETURNED_TILES)
    assert resubmitted.state == NominationState.SUBMITTED
    assert resubmitted.return_reason is None
    listing = client.get("/nominations/").get_data(as_text=True)
    assert RETURN_REASON not in listing


def test_nomination_page_shows_screening_and_compliance_history(client, session, demo, login_as):
    login_as("admin")
    steel = by_name(session, STEEL)
    html = client.get(f"/nominations/{steel.id}").get_data(as_text=True)
    assert "پذیرفته" in html
    assert "تأیید انطباق" in html
    assert "مجوزها، مفاصاحساب مالیاتی و بیمه‌ای بررسی شد." in html
    assert "ارسال برای غربالگری" not in html  # an organizer has no province actions


def test_nomination_page_shows_ineligible_reason(client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    services.decide_compliance(session, nomination=nomination, actor=demo.users["oversight-chair"], passed=False,
                               reason="پروندهٔ حقوقی باز در دادگستری.")
    session.commit()
    login_as("fars")
    html = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "فاقد صلاحیت به تشخیص کمیتهٔ نظارت و پیگیری" in html
    assert "پروندهٔ حقوقی باز در دادگستری." in html
    assert "رد انطباق" in html


def test_nomination_page_shows_dossier_figures_in_persian(client, session, demo, login_as):
    login_as("tehran")
    html = client.get(f"/nominations/{by_name(session, PHARMA).id}").get_data(as_text=True)
    assert "۶۱۰" in html  # employees
    assert "۱٬۸۵۰٬۰۰۰ میلیون ریال" in html
    assert "۱۸٫۵۰ درصد" in html


# --- CSRF -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/nominations/new?category={category}",
    "/nominations/{n}/edit",
    "/nominations/{n}/submit",
    "/nominations/{n}/withdraw",
    "/nominations/{n}/documents",
    "/nominations/{n}/documents/{d}/delete",
])
def test_post_without_csrf_token_is_400_and_changes_nothing(client, session, demo, login_as, path):
    nomination = by_name(session, MASKATI)
    document = documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                                      data=demo_pdf("a"), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    session.commit()
    login_as("fars")
    url = path.format(category=demo.categories["project"].id, n=nomination.id, d=document.id)
    response = client.post(url, data={"nominee_name": "بی‌توکن", "confirm": "y",
                                      "file": (io.BytesIO(demo_pdf("x")), "x.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "فرم منقضی شده است" in response.get_data(as_text=True)
    after = by_name(session, MASKATI)
    assert (after.state, after.nominee_name) == (NominationState.DRAFT, MASKATI)
    assert session.scalar(select(Nomination.id).where(Nomination.nominee_name == "بی‌توکن")) is None
    assert len(session.scalars(select(EvidenceDocument).where(EvidenceDocument.nomination_id == after.id)).all()) == 1
