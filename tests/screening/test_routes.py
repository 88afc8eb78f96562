"""Screening queue (provincial affairs) and compliance queue (oversight): roles, decisions, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.demo import jalali_moment
from awards.enums import ComplianceOutcome, NominationState, ScreeningOutcome
from awards.models import AuditEvent, ComplianceDecision, ScreeningDecision
from tests.conftest import csrf_token
from tests.screening.conftest import add_nomination, count_statements, nomination_named, read

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted
IRON = "شرکت معدنی سنگ آهن بافق"  # Yazd, submitted
ELECTRONICS = "شرکت صنایع الکترونیک پارس شیراز"  # Fars, in evaluation, no compliance decision
STEEL = "شرکت فولاد سپاهان نوین"  # Isfahan, in evaluation, compliance passed
RETURNED = "شرکت کاشی طوس"  # Khorasan, returned to draft

SCREENERS = ["provincial_affairs-chair", "provincial_affairs-1"]
NOT_SCREENERS = ["fars", "tehran", "oversight-1", "winners-chair", "finance-2", "admin"]
CHECKERS = ["oversight-chair", "oversight-2"]
NOT_CHECKERS = ["fars", "provincial_affairs-1", "media-chair", "content-1", "admin"]


def _post(client, url, data=None, *, token_page="/"):
    return client.post(url, data={"csrf_token": csrf_token(client, token_page), **(data or {})})


# --- who may open the queues ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/screening/", "/screening/compliance"])
def test_queues_anonymous_redirects_to_login(client, demo, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", NOT_SCREENERS)
def test_screening_queue_other_roles_forbidden(client, demo, login_as, username):
    login_as(username)
    assert client.get("/screening/").status_code == 403


@pytest.mark.parametrize("username", SCREENERS)
def test_screening_queue_provincial_affairs_ok(client, demo, login_as, username):
    login_as(username)
    response = client.get("/screening/")
    assert response.status_code == 200
    assert PHARMA in response.get_data(as_text=True)


@pytest.mark.parametrize("username", NOT_CHECKERS)
def test_compliance_queue_other_roles_forbidden(client, demo, login_as, username):
    login_as(username)
    assert client.get("/screening/compliance").status_code == 403


@pytest.mark.parametrize("username", CHECKERS)
def test_compliance_queue_oversight_ok(client, demo, login_as, username):
    login_as(username)
    response = client.get("/screening/compliance")
    assert response.status_code == 200
    assert ELECTRONICS in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["accept", "return"])
def test_screening_post_anonymous_redirects_to_login(client, demo, session, action):
    nomination = nomination_named(session, PHARMA)
    response = _post(client, f"/screening/{nomination.id}/{action}", {"reason": "x"}, token_page="/login")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["tehran", "oversight-1", "admin"])
@pytest.mark.parametrize("action", ["accept", "return"])
def test_screening_post_other_roles_forbidden(client, demo, session, login_as, username, action):
    nomination = nomination_named(session, PHARMA)
    login_as(username)
    assert _post(client, f"/screening/{nomination.id}/{action}", {"reason": "x"}).status_code == 403
    assert nomination_named(session, PHARMA).state == NominationState.SUBMITTED


def test_compliance_post_anonymous_redirects_to_login(client, demo, session):
    nomination = nomination_named(session, ELECTRONICS)
    response = _post(client, f"/screening/{nomination.id}/compliance", {"outcome": "passed"}, token_page="/login")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["fars", "provincial_affairs-chair", "admin"])
def test_compliance_post_other_roles_forbidden(client, demo, session, login_as, username):
    nomination = nomination_named(session, ELECTRONICS)
    login_as(username)
    response = _post(client, f"/screening/{nomination.id}/compliance", {"outcome": "failed", "reason": "x"})
    assert response.status_code == 403
    assert nomination_named(session, ELECTRONICS).state == NominationState.IN_EVALUATION


def test_screening_post_unknown_nomination_not_found(client, demo, login_as):
    login_as("provincial_affairs-1")
    assert _post(client, "/screening/999999/accept").status_code == 404


def test_screening_post_without_csrf_is_refused(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    assert client.post(f"/screening/{nomination.id}/accept").status_code == 400
    assert client.post(f"/screening/{nomination.id}/return", data={"reason": "x"}).status_code == 400
    assert nomination_named(session, PHARMA).state == NominationState.SUBMITTED


def test_compliance_post_without_csrf_is_refused(client, demo, session, login_as):
    nomination = nomination_named(session, ELECTRONICS)
    login_as("oversight-1")
    response = client.post(f"/screening/{nomination.id}/compliance", data={"outcome": "passed"})
    assert response.status_code == 400


# --- the screening queue ------------------------------------------------------------------------------------

def test_screening_queue_lists_only_submitted_oldest_first(client, demo, login_as):
    login_as("provincial_affairs-1")
    html = client.get("/screening/").get_data(as_text=True)
    assert PHARMA in html and IRON in html
    assert ELECTRONICS not in html and RETURNED not in html


def test_screening_queue_orders_oldest_submission_first(client, demo, session, login_as):
    add_nomination(session, demo, name="نامزد دیرتر", day=15)
    add_nomination(session, demo, name="نامزد زودتر", day=3)
    session.commit()
    login_as("provincial_affairs-1")
    html = client.get("/screening/").get_data(as_text=True)
    assert html.index("نامزد زودتر") < html.index("نامزد دیرتر")


def test_screening_queue_filters_by_province_and_category(client, demo, session, login_as):
    pharma, iron = nomination_named(session, PHARMA), nomination_named(session, IRON)
    login_as("provincial_affairs-1")
    by_province = client.get(f"/screening/?province={pharma.province_id}").get_data(as_text=True)
    assert PHARMA in by_province and IRON not in by_province
    by_category = client.get(f"/screening/?category={iron.category_id}").get_data(as_text=True)
    assert IRON in by_category and PHARMA not in by_category


def test_screening_queue_shows_dossier_summary(client, demo, session, login_as):
    pharma = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    html = client.get("/screening/").get_data(as_text=True)
    row = html[html.index(f'id="nomination-{pharma.id}"'):]
    row = row[:row.index("</tr>")]
    assert "تهران" in row  # province
    assert pharma.category.title in row
    assert f"<td class=\"small\"><span class=\"d-md-none text-muted\">مدارک: </span>{len(pharma.documents)}" \
        .translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in row  # documents count, Persian digits
    assert f'/screening/{pharma.id}/accept' in row and f'/screening/{pharma.id}/return' in row


def test_screening_queue_same_statement_count_for_few_and_many(client, demo, session, login_as):
    login_as("provincial_affairs-1")
    with count_statements() as few:
        assert client.get("/screening/").status_code == 200
    for day in range(1, 26):
        add_nomination(session, demo, iso=["IR-07", "IR-23", "IR-10"][day % 3], day=day, documents=2)
    session.commit()
    with count_statements() as many:
        html = client.get("/screening/").get_data(as_text=True)
    assert "شرکت آزمایشی" in html
    assert len(many) == len(few)


# --- accept and return --------------------------------------------------------------------------------------

def test_accept_moves_to_evaluation_with_decision_and_audit(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    response = _post(client, f"/screening/{nomination.id}/accept")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/screening/")
    assert nomination_named(session, PHARMA).state == NominationState.IN_EVALUATION
    decision = read(session, select(ScreeningDecision).where(ScreeningDecision.nomination_id == nomination.id))
    assert decision.outcome == ScreeningOutcome.ACCEPTED
    event = read(session, select(AuditEvent).where(AuditEvent.nomination_id == nomination.id,
                                                    AuditEvent.action == "nomination.accept"))
    assert event.changes == {"state": ["submitted", "in_evaluation"]}
    assert "پذیرفته شد" in client.get("/screening/").get_data(as_text=True)


def test_accept_keeps_the_filters_on_redirect(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    response = _post(client, f"/screening/{nomination.id}/accept?province={nomination.province_id}")
    assert response.headers["Location"].endswith(f"/screening/?province={nomination.province_id}")


def test_return_sends_back_to_draft_with_reason(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-chair")
    response = _post(client, f"/screening/{nomination.id}/return", {"reason": "  گواهی استاندارد پیوست نشده است. "})
    assert response.status_code == 302
    returned = nomination_named(session, PHARMA)
    assert returned.state == NominationState.DRAFT
    assert returned.return_reason == "گواهی استاندارد پیوست نشده است."
    decision = read(session, select(ScreeningDecision).where(ScreeningDecision.nomination_id == nomination.id))
    assert decision.outcome == ScreeningOutcome.RETURNED
    assert decision.reason == "گواهی استاندارد پیوست نشده است."


def test_return_reason_is_visible_to_the_province(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-chair")
    _post(client, f"/screening/{nomination.id}/return", {"reason": "صورت‌های مالی حسابرسی‌شده کم است."})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert nomination_named(session, PHARMA).return_reason == "صورت‌های مالی حسابرسی‌شده کم است."
    login_as("tehran")
    assert "صورت‌های مالی حسابرسی‌شده کم است." in client.get("/nominations/").get_data(as_text=True)


def test_return_without_reason_shows_error_beside_field(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    response = _post(client, f"/screening/{nomination.id}/return", {"reason": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "دلیل بازگشت را بنویسید" in html
    assert f'id="reason-{nomination.id}-error"' in html
    assert nomination_named(session, PHARMA).state == NominationState.SUBMITTED


def test_return_too_long_reason_keeps_the_input(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    typed = "مدرک کم است " * 200
    html = _post(client, f"/screening/{nomination.id}/return", {"reason": typed}).get_data(as_text=True)
    assert f'id="reason-{nomination.id}-error"' in html
    assert typed.strip() in html
    assert nomination_named(session, PHARMA).state == NominationState.SUBMITTED


def test_accept_after_screening_closes_is_refused_with_message(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    clock.freeze(jalali_moment(1404, 3, 16, 9, 0))
    response = _post(client, f"/screening/{nomination.id}/accept")
    assert response.status_code == 302
    assert "مهلت غربالگری پرونده‌ها پایان یافته است." in client.get("/screening/").get_data(as_text=True)
    assert nomination_named(session, PHARMA).state == NominationState.SUBMITTED


def test_return_after_screening_closes_is_refused_with_message(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    clock.freeze(jalali_moment(1404, 3, 16, 0, 1))
    response = _post(client, f"/screening/{nomination.id}/return", {"reason": "دیر"})
    assert response.status_code == 302
    assert "مهلت غربالگری پرونده‌ها پایان یافته است." in client.get("/screening/").get_data(as_text=True)
    assert nomination_named(session, PHARMA).return_reason is None


def test_queue_after_screening_closes_hides_actions(client, demo, login_as):
    login_as("provincial_affairs-1")
    clock.freeze(jalali_moment(1404, 3, 20, 9, 0))
    html = client.get("/screening/").get_data(as_text=True)
    assert "مهلت غربالگری این دوره پایان یافته است" in html
    assert "پذیرش برای ارزیابی" not in html


def test_accept_after_a_racing_return_is_refused_with_message(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    _post(client, f"/screening/{nomination.id}/return", {"reason": "مدرک کم است."})
    response = _post(client, f"/screening/{nomination.id}/accept")
    assert response.status_code == 302
    assert "این کار در وضعیت کنونی پرونده ممکن نیست." in client.get("/screening/").get_data(as_text=True)
    assert nomination_named(session, PHARMA).state == NominationState.DRAFT


def test_return_after_a_racing_accept_is_refused_with_message(client, demo, session, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    _post(client, f"/screening/{nomination.id}/accept")
    response = _post(client, f"/screening/{nomination.id}/return", {"reason": "مدرک کم است."})
    assert response.status_code == 302
    assert "این کار در وضعیت کنونی پرونده ممکن نیست." in client.get("/screening/").get_data(as_text=True)
    assert nomination_named(session, PHARMA).state == NominationState.IN_EVALUATION
    assert read(session, select(func.count()).select_from(ScreeningDecision)
                          .where(ScreeningDecision.nomination_id == nomination.id)) == 1


def test_screening_queue_shows_an_earlier_return_reason(client, demo, session, login_as):
    returned = nomination_named(session, RETURNED)
    returned.state = NominationState.SUBMITTED  # the province resubmitted (state set directly: a data fixture)
    session.commit()
    login_as("provincial_affairs-1")
    html = client.get("/screening/").get_data(as_text=True)
    assert "گواهی استاندارد و صورت‌های مالی حسابرسی‌شده پیوست نشده است." in html


# --- compliance ---------------------------------------------------------------------------------------------

def test_compliance_queue_lists_evaluated_with_status(client, demo, login_as):
    login_as("oversight-1")
    html = client.get("/screening/compliance").get_data(as_text=True)
    assert ELECTRONICS in html and STEEL in html
    assert PHARMA not in html  # still submitted
    assert "مجوزها، مفاصاحساب مالیاتی و بیمه‌ای بررسی شد." in html  # the steel company's pass


def test_compliance_queue_filters_by_status(client, demo, login_as):
    login_as("oversight-1")
    passed = client.get("/screening/compliance?status=passed").get_data(as_text=True)
    assert STEEL in passed and ELECTRONICS not in passed
    pending = client.get("/screening/compliance?status=pending").get_data(as_text=True)
    assert ELECTRONICS in pending and STEEL not in pending


def test_compliance_pass_records_decision_keeps_state(client, demo, session, login_as):
    nomination = nomination_named(session, ELECTRONICS)
    login_as("oversight-1")
    response = _post(client, f"/screening/{nomination.id}/compliance", {"outcome": "passed", "reason": ""})
    assert response.status_code == 302
    assert nomination_named(session, ELECTRONICS).state == NominationState.IN_EVALUATION
    decision = read(session, select(ComplianceDecision).where(ComplianceDecision.nomination_id == nomination.id))
    assert decision.outcome == ComplianceOutcome.PASSED
    assert read(session, select(func.count()).select_from(AuditEvent).where(
        AuditEvent.nomination_id == nomination.id, AuditEvent.action == "nomination.pass_compliance")) == 1


def test_compliance_fail_makes_ineligible_and_shows_reason(client, demo, session, login_as):
    nomination = nomination_named(session, ELECTRONICS)
    login_as("oversight-chair")
    reason = "مفاصاحساب بیمه‌ای ارائه نشده و دعوای حقوقی باز دارد."
    response = _post(client, f"/screening/{nomination.id}/compliance", {"outcome": "failed", "reason": reason})
    assert response.status_code == 302
    failed = nomination_named(session, ELECTRONICS)
    assert failed.state == NominationState.INELIGIBLE
    assert failed.ineligible_reason == reason
    decision = read(session, select(ComplianceDecision).where(ComplianceDecision.nomination_id == nomination.id))
    assert decision.outcome == ComplianceOutcome.FAILED
    html = client.get("/screening/compliance").get_data(as_text=True)
    assert reason in html
    assert "فاقد صلاحیت" in html


def test_compliance_fail_without_reason_shows_error_and_keeps_choice(client, demo, session, login_as):
    nomination = nomination_named(session, ELECTRONICS)
    login_as("oversight-1")
    response = _post(client, f"/screening/{nomination.id}/compliance", {"outcome": "failed", "reason": " "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "برای رد انطباق دلیل را بنویسید" in html
    assert f'id="reason-{nomination.id}-error"' in html
    assert f'id="outcome-{nomination.id}-failed" value="failed" checked' in html
    assert nomination_named(session, ELECTRONICS).state == NominationState.IN_EVALUATION


def test_compliance_without_outcome_shows_error(client, demo, session, login_as):
    nomination = nomination_named(session, ELECTRONICS)
    login_as("oversight-1")
    html = _post(client, f"/screening/{nomination.id}/compliance", {"reason": "نوشته"}).get_data(as_text=True)
    assert "تأیید یا رد را برگزینید." in html
    assert "نوشته" in html
    assert read(session, select(ComplianceDecision).where(ComplianceDecision.nomination_id == nomination.id)) is None


def test_compliance_second_decision_is_refused(client, demo, session, login_as):
    steel = nomination_named(session, STEEL)
    login_as("oversight-1")
    response = _post(client, f"/screening/{steel.id}/compliance", {"outcome": "failed", "reason": "دوباره"})
    assert response.status_code == 302
    assert "پیش‌تر تصمیم انطباق ثبت شده است" in client.get("/screening/compliance").get_data(as_text=True)
    assert nomination_named(session, STEEL).state == NominationState.IN_EVALUATION


def test_compliance_on_submitted_nomination_is_refused(client, demo, session, login_as):
    pharma = nomination_named(session, PHARMA)
    login_as("oversight-1")
    response = _post(client, f"/screening/{pharma.id}/compliance", {"outcome": "passed"})
    assert response.status_code == 302
    html = client.get("/screening/compliance").get_data(as_text=True)
    assert "بررسی انطباق فقط برای پرونده‌های در حال ارزیابی ممکن است." in html


def test_compliance_after_results_final_is_refused(client, demo, session, login_as):
    nomination = nomination_named(session, ELECTRONICS)
    login_as("oversight-1")
    clock.freeze(jalali_moment(1404, 4, 6, 9, 0))
    for data in ({"outcome": "passed"}, {"outcome": "failed", "reason": "دیر"}):
        response = _post(client, f"/screening/{nomination.id}/compliance", data)
        assert response.status_code == 302
        assert "نتایج این دوره نهایی شده است." in client.get("/screening/compliance").get_data(as_text=True)
    assert nomination_named(session, ELECTRONICS).state == NominationState.IN_EVALUATION


def test_compliance_queue_same_statement_count_for_few_and_many(client, demo, session, login_as):
    login_as("oversight-1")
    with count_statements() as few:
        assert client.get("/screening/compliance").status_code == 200
    for day in range(1, 21):
        add_nomination(session, demo, state=NominationState.IN_EVALUATION, day=day)
    session.commit()
    with count_statements() as many:
        assert "شرکت آزمایشی" in client.get("/screening/compliance").get_data(as_text=True)
    assert len(many) == len(few)


def test_screening_queue_links_to_dossier_page(app, client, demo, session, login_as):
    """The queue is a compact list: the dossier, with its evidence, opens on its own page."""
    pharma = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    html = client.get("/screening/").get_data(as_text=True)
    assert f'href="/nominations/{pharma.id}"' in html
    dossier = client.get(f"/nominations/{pharma.id}").get_data(as_text=True)
    assert f'href="/nominations/{pharma.id}/documents/' in dossier
