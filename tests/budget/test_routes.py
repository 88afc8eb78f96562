"""The «بودجه» page: who sees it, Persian figures and the words line, the buttons, refusals, the statuette list."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from awards import clock
from awards.budget import queries
from awards.certificates.services import revoke
from awards.enums import BudgetState, MeetingAction, Tier
from awards.meetings import services as meetings
from awards.models import Cycle, Meeting, User
from awards.persian import TEHRAN, amount_in_words, format_jalali_date, persian_number
from tests.budget.conftest import budget, snapshot
from tests.conftest import csrf_token
from tests.factories import seal_finance_minutes
from tests.publication.conftest import maskati_award


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/budget/"), **(data or {})})


@pytest.mark.parametrize(("user", "status"), [("admin", 200), ("finance-chair", 200), ("finance-1", 200),
                                              ("fars", 403), ("tehran", 403), ("media-chair", 403),
                                              ("oversight-1", 403)])
def test_budget_page_and_statuettes_are_for_the_finance_committee_and_organizers(client, final, login_as, user,
                                                                                  status):
    login_as(user)
    assert client.get("/budget/").status_code == status
    assert client.get("/budget/statuettes.xlsx").status_code == status


def test_budget_page_needs_a_login(client, final):
    assert client.get("/budget/").status_code == 302
    assert client.get("/budget/statuettes.xlsx").status_code == 302


@pytest.mark.parametrize(("user", "shown"), [("admin", True), ("finance-1", True), ("fars", False)])
def test_budget_is_in_the_navigation_of_those_who_see_it(client, final, login_as, user, shown):
    login_as(user)
    assert ('href="/budget/"' in client.get("/").get_data(as_text=True)) is shown


def _cells(html: str, css: str) -> list[str]:
    table = html.split(f'class="{css}', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)]


def test_budget_page_shows_figures_in_persian_digits_and_the_total_in_words(client, final, login_as, session):
    sheet = queries.budget_sheet(session, cycle=final.cycle)
    login_as("finance-1")
    html = client.get("/budget/").get_data(as_text=True)
    cells = _cells(html, "table table-sm align-middle bg-white budget-lines")
    assert persian_number(350_000_000) == "۳۵۰٬۰۰۰٬۰۰۰"
    for row in sheet.lines:
        assert persian_number(row.line.unit_cost) in cells and persian_number(row.subtotal) in cells
    assert persian_number(sheet.total) in cells
    assert not any(re.search("[0-9]", cell) for cell in cells)
    words = html.split('class="budget-words"', 1)[1].split("</tr>", 1)[0]
    assert "به حروف" in words and f"{amount_in_words(sheet.total)} ریال" in words
    assert labels_in(html) >= {"تأییدشدهٔ کمیتهٔ مالی"}


def labels_in(html: str) -> set[str]:
    return set(re.findall(r'budget-state">([^<]+)<', html))


def test_budget_page_before_every_result_is_confirmed_says_not_yet_known(client, demo, login_as):
    login_as("admin")
    assert _post(client, "/budget/lines", {"kind": "per_award", "tier": "gold", "label": "تندیس",
                                           "unit_cost": "۱۰۰٬۰۰۰"}).status_code == 302
    html = client.get("/budget/").get_data(as_text=True)
    assert "شمار جایزه‌ها هنوز معلوم نیست" in html and "هنوز معلوم نیست</td>" in html
    assert 'class="budget-words"' not in html


def test_budget_page_after_a_revocation_shows_the_approved_and_the_current_total(client, final, login_as, session):
    approved = budget(session).approved_total
    revoke(session, award=maskati_award(session), actor=final.users["oversight-1"], reason="مدارک نادرست")
    session.commit()
    login_as("admin")
    html = client.get("/budget/").get_data(as_text=True)
    assert f"مبلغ تأییدشده {persian_number(approved)} ریال بود" in html


def test_organizer_adds_a_line_in_persian_digits_and_sends_the_budget(client, unbudgeted, login_as, session):
    login_as("admin")
    response = _post(client, "/budget/lines", {"kind": "per_award", "tier": "gold", "label": "تندیس زرین",
                                               "unit_cost": "۳۵۰٬۰۰۰٬۰۰۰"})
    assert response.status_code == 302
    line = budget(session).lines[0]
    assert (line.tier, line.label, line.unit_cost) == (Tier.GOLD, "تندیس زرین", 350_000_000)
    assert _post(client, "/budget/lines", {"kind": "fixed", "tier": "gold", "label": "چاپ",
                                           "unit_cost": "150000000"}).status_code == 302
    assert budget(session).lines[1].tier is None  # a fixed line has no tier, whatever the select said
    assert _post(client, "/budget/submit").status_code == 302
    assert budget(session).state is BudgetState.UNDER_REVIEW
    assert "بودجه برای تصمیم رئیس کمیتهٔ مالی فرستاده شد." in client.get("/budget/").get_data(as_text=True)


def test_bad_amount_is_refused_beside_its_field_with_what_was_typed(client, unbudgeted, login_as, session):
    login_as("admin")
    before = snapshot(session)
    response = _post(client, "/budget/lines", {"kind": "fixed", "label": "محل برگزاری", "unit_cost": "۱۲ میلیارد"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="unit_cost-error"' in html and 'value="۱۲ میلیارد"' in html and 'value="محل برگزاری"' in html
    assert snapshot(session) == before


def test_duplicate_line_is_refused_beside_the_label(client, final, login_as, session):
    login_as("admin")
    before = snapshot(session)
    response = _post(client, "/budget/lines", {"kind": "fixed", "label": "چاپ و نشر", "unit_cost": "1"})
    assert response.status_code == 200 and 'id="label-error"' in response.get_data(as_text=True)
    assert snapshot(session) == before


def test_editing_a_line_of_an_approved_budget_withdraws_the_approval(client, final, login_as, session):
    line = budget(session).lines[0]
    login_as("admin")
    response = _post(client, f"/budget/lines/{line.id}", {f"l{line.id}-label": line.label,
                                                         f"l{line.id}-unit_cost": "۴۰۰٬۰۰۰٬۰۰۰"})
    assert response.status_code == 302
    row = budget(session)
    assert (row.state, row.lines[0].unit_cost) == (BudgetState.DRAFTING, 400_000_000)


def test_finance_chair_returns_with_a_reason_the_organizer_sees(client, unbudgeted, login_as, session):
    login_as("admin")
    _post(client, "/budget/lines", {"kind": "fixed", "label": "چاپ", "unit_cost": "1000"})
    _post(client, "/budget/submit")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("finance-chair")
    assert _post(client, "/budget/return", {"reason": ""}).status_code == 200
    assert budget(session).state is BudgetState.UNDER_REVIEW
    assert _post(client, "/budget/return", {"reason": "برآورد جابه‌جایی نیامده است."}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("admin")
    html = client.get("/budget/").get_data(as_text=True)
    assert "برآورد جابه‌جایی نیامده است." in html.split('class="alert alert-warning budget-return"', 1)[1]


def _sent_for_review(client, login_as, session) -> int:
    """The organizer lists one certificate line and sends it; the finance chair is signed in. Returns the total."""
    login_as("admin")
    _post(client, "/budget/lines", {"kind": "per_award", "tier": "certificate", "label": "لوح", "unit_cost": "1000"})
    _post(client, "/budget/submit")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("finance-chair")
    session.commit()
    return queries.budget_sheet(session, cycle=session.scalar(select(Cycle))).total


def test_finance_chair_approves_from_the_page(client, unbudgeted, login_as, session):
    total = _sent_for_review(client, login_as, session)
    seal_finance_minutes(session, unbudgeted.cycle, total)
    session.commit()
    assert 'action="/budget/approve"' in client.get("/budget/").get_data(as_text=True)
    assert _post(client, "/budget/approve").status_code == 302
    assert budget(session).state is BudgetState.APPROVED


def test_approval_without_finance_minutes_is_refused_on_the_page_and_changes_nothing(client, unbudgeted, login_as,
                                                                                     session):
    _sent_for_review(client, login_as, session)
    before = snapshot(session)
    response = _post(client, "/budget/approve")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "صورتجلسهٔ مهر و موم‌شدهٔ کمیتهٔ مالی" in page
    assert snapshot(session) == before


def test_budget_page_links_to_finance_minutes_with_the_amount_prefilled(client, unbudgeted, login_as, session):
    """From «ثبت صورتجلسه» on the budget page: the agenda names the amount, the new minutes offer the budget
    decision with it, and once signed by every member the chair approves."""
    total = _sent_for_review(client, login_as, session)
    page = client.get("/budget/").get_data(as_text=True)
    link = re.search(r'class="record-minutes" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link == f"/meetings/new/finance?amount={total}"
    form = client.get(link).get_data(as_text=True)
    assert f"بررسی و تصویب بودجهٔ جایزه‌ها به مبلغ {persian_number(total)} ریال" in form
    seated = [str(u.id) for u in session.scalars(select(User).where(User.username.like("finance-%")))]
    response = client.post(link, data={"csrf_token": csrf_token(client, link), "held_on": format_jalali_date(
        clock.now().astimezone(TEHRAN).date()), "place": "تهران", "agenda": "بودجه", "attendees": seated})
    assert response.status_code == 302 and f"amount={total}" in response.headers["Location"]
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<option (selected )?value="budget"( selected)?', shown).group(0).count("selected") == 1
    assert f'value="{persian_number(total)}"' in shown
    session.commit()
    meeting = session.get(Meeting, int(re.search(r"/meetings/(\d+)", response.headers["Location"]).group(1)))
    assert meeting.committee.code.value == "finance"
    assert client.post(f"/meetings/{meeting.id}/decisions", data={
        "csrf_token": csrf_token(client, f"/meetings/{meeting.id}"), "kind": "budget", "category_id": "",
        "text": "بودجه تصویب شد.", "amount": persian_number(total)}).status_code == 302
    session.commit()
    session.expire_all()
    for attendee in session.get(Meeting, meeting.id).attendees:
        meetings.transition(session, meeting=session.get(Meeting, meeting.id), action=MeetingAction.SIGN,
                            actor=attendee.user)
    session.commit()
    assert _post(client, "/budget/approve").status_code == 302
    assert (budget(session).state, budget(session).approved_total) == (BudgetState.APPROVED, total)


def test_minutes_prefill_takes_a_total_beyond_the_32_bit_range(client, unbudgeted, login_as):
    """A real budget runs to billions of rials: the link's amount is not read as a (32-bit) id."""
    login_as("finance-chair")
    big = 2_275_500_000
    form = client.get(f"/meetings/new/finance?amount={big}").get_data(as_text=True)
    assert f"بررسی و تصویب بودجهٔ جایزه‌ها به مبلغ {persian_number(big)} ریال" in form
    for bad in ("-5", "۱۲۳", "12a", str(10 ** 18)):  # not an amount: no prefill, and no error either
        response = client.get(f"/meetings/new/finance?amount={bad}")
        assert response.status_code == 200
        assert "بررسی و تصویب بودجهٔ جایزه‌ها" not in response.get_data(as_text=True)


def test_budget_page_offers_no_minutes_link_once_approved(client, final, login_as):
    login_as("finance-chair")
    assert 'class="record-minutes"' not in client.get("/budget/").get_data(as_text=True)


@pytest.mark.parametrize("user", ["finance-chair", "finance-1", "fars"])
def test_line_edits_and_submission_are_refused_to_all_but_organizers(client, final, login_as, session, user):
    line = budget(session).lines[0]
    login_as(user)
    before = snapshot(session)
    assert _post(client, "/budget/lines", {"kind": "fixed", "label": "x", "unit_cost": "1"}).status_code == 403
    assert _post(client, f"/budget/lines/{line.id}", {f"l{line.id}-label": "x",
                                                     f"l{line.id}-unit_cost": "1"}).status_code == 403
    assert _post(client, f"/budget/lines/{line.id}/remove").status_code == 403
    assert _post(client, "/budget/submit").status_code == 403
    assert snapshot(session) == before


@pytest.mark.parametrize("user", ["admin", "finance-1", "fars"])
def test_decisions_are_refused_to_all_but_the_finance_chair(client, unbudgeted, login_as, session, user):
    login_as("admin")
    _post(client, "/budget/lines", {"kind": "fixed", "label": "چاپ", "unit_cost": "1000"})
    _post(client, "/budget/submit")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as(user)
    before = snapshot(session)
    assert _post(client, "/budget/approve").status_code == 403
    assert _post(client, "/budget/return", {"reason": "دلیل"}).status_code == 403
    assert snapshot(session) == before


def test_unknown_line_is_a_404(client, final, login_as):
    login_as("admin")
    assert _post(client, "/budget/lines/999999/remove").status_code == 404


def test_buttons_without_csrf_are_refused(client, final, login_as, session):
    login_as("admin")
    before = snapshot(session)
    assert client.post("/budget/submit").status_code == 400
    assert snapshot(session) == before


def test_statuettes_xlsx_lists_the_live_gold_awards_with_recipient_and_serial(client, final, login_as, session):
    revoked = maskati_award(session)
    expected = queries.statuettes(session, cycle=final.cycle)
    login_as("admin")
    response = client.get("/budget/statuettes.xlsx")
    assert response.headers["Content-Disposition"] == "attachment; filename=statuettes-1404.xlsx"
    sheet, info = load_workbook(io.BytesIO(response.data)).worksheets
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["ردیف", "شمارهٔ لوح", "نام گیرنده", "سمت", "نامزد", "رشته", "استان"]
    assert [row[1] for row in rows[1:]] == [r.serial for r in expected] and len(expected) > 1
    maskati = next(row for row in rows if row[1] == "1404-CLUSTER-001")
    assert maskati == [1 + [r.serial for r in expected].index("1404-CLUSTER-001"), "1404-CLUSTER-001",
                       "جناب آقای محمدعلی جمشیدی", "عامل توسعه خوشه مسقطی لار", "خوشه مسقطی لاری",
                       "خوشهٔ صنعتی برتر", "فارس"]
    assert sheet.sheet_view.rightToLeft
    assert dict(info.iter_rows(values_only=True))["شمار تندیس‌ها"] == len(expected)
    session.commit()  # a fresh transaction: the requests above wrote (their sessions) since this one began
    revoke(session, award=revoked, actor=final.users["oversight-1"], reason="مدارک نادرست")
    session.commit()
    again = load_workbook(io.BytesIO(client.get("/budget/statuettes.xlsx").data)).worksheets[0]
    assert "1404-CLUSTER-001" not in [row[1] for row in again.iter_rows(values_only=True)]
