"""The audit log browser: who may read it, filters (Jalali date range in Tehran days), labels, paging."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.audit.services import record
from awards.demo import jalali_moment
from awards.models import AuditEvent
from awards.persian import to_persian_digits
from tests.conftest import csrf_token
from tests.screening.conftest import count_statements, nomination_named, read

READERS = ["admin", "oversight-chair", "oversight-1"]
NOT_READERS = ["fars", "tehran", "provincial_affairs-chair", "winners-1", "media-2", "finance-chair"]


def _record_at(session, demo, moment, *, action="test.event", reason=None, username="admin", nomination_id=None):
    clock.freeze(moment)
    event = record(session, actor=demo.users[username], action=action, object_type="cycle",
                   object_id=demo.cycle.id, reason=reason, nomination_id=nomination_id)
    session.flush()
    clock.freeze(None)
    return event


def _body(html: str) -> str:
    """The table's rows only (the action select lists every label too)."""
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""


def _rows(html: str) -> int:
    return _body(html).count("<tr>")


def test_audit_anonymous_redirects_to_login(client, demo):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", NOT_READERS)
def test_audit_other_roles_forbidden(client, demo, login_as, username):
    login_as(username)
    assert client.get("/audit/").status_code == 403


@pytest.mark.parametrize("username", READERS)
def test_audit_organizer_and_oversight_ok(client, demo, login_as, username):
    login_as(username)
    response = client.get("/audit/")
    assert response.status_code == 200
    assert "گزارش رویدادها" in response.get_data(as_text=True)


def test_audit_has_no_routes_that_edit_events(app):
    # Browsing is read-only; the one POST verifies the chain (it appends its own event and nothing else).
    rules = {rule.rule: rule.methods - {"HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("audit.")}
    assert rules == {"/audit/": {"GET"}, "/audit/verify": {"POST"}}


def test_audit_post_is_not_allowed(client, demo, login_as):
    login_as("admin")
    response = client.post("/audit/", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 405


def test_audit_shows_persian_labels_changes_and_reason(client, demo, login_as):
    login_as("oversight-1")
    html = client.get("/audit/?action=nomination.return").get_data(as_text=True)
    assert "بازگشت به استان" in _body(html)
    assert "گواهی استاندارد و صورت‌های مالی حسابرسی‌شده پیوست نشده است." in html
    assert "وضعیت:" in html and "ارسال‌شده" in html and "پیش‌نویس" in html
    assert "۱۴۰۴/۰۲/۲۰ ۱۰:۰۰" in html  # when, in Jalali with Persian digits (the demo clock)
    assert _rows(html) == 1


def test_audit_filter_by_action(client, demo, login_as):
    login_as("admin")
    html = client.get("/audit/?action=nomination.accept").get_data(as_text=True)
    assert _rows(html) == 6  # the demo accepts six dossiers
    assert "پذیرش برای ارزیابی" in _body(html)
    assert '<option selected value="nomination.accept">' in html or 'value="nomination.accept" selected' in html


def test_audit_filter_by_actor_username(client, demo, login_as):
    login_as("admin")
    html = client.get("/audit/?actor=oversight-chair").get_data(as_text=True)
    assert _rows(html) == 1  # the steel company's compliance pass (the demo users never signed in)
    assert "تأیید انطباق" in _body(html)


def test_audit_filter_by_nomination(client, demo, session, login_as):
    pharma = nomination_named(session, "شرکت داروسازی زاگرس‌فارمد")
    expected = read(session, select(func.count()).select_from(AuditEvent)
                    .where(AuditEvent.nomination_id == pharma.id))
    login_as("admin")
    html = client.get(f"/audit/?nomination={to_persian_digits(str(pharma.id))}").get_data(as_text=True)
    assert expected >= 3  # created, evidence added, submitted
    assert _rows(html) == expected
    assert "ارسال پرونده" in _body(html)
    assert "پذیرش برای ارزیابی" not in _body(html)
    assert _body(html).count(f'href="/nominations/{pharma.id}"') == expected  # each row links the dossier


def test_audit_filter_by_jalali_date_range_uses_tehran_days(client, demo, session, login_as):
    # 23:30 on 10 Ordibehesht in Tehran is still that day; 00:10 on the 11th is 20:40 UTC on the 10th.
    _record_at(session, demo, jalali_moment(1404, 2, 10, 23, 30), reason="درون بازه")
    _record_at(session, demo, jalali_moment(1404, 2, 11, 0, 10), reason="فردای بازه")
    _record_at(session, demo, jalali_moment(1404, 2, 9, 23, 59), reason="دیروز بازه")
    session.commit()
    login_as("admin")
    html = client.get("/audit/?date_from=۱۴۰۴/۰۲/۱۰&date_to=1404/02/10").get_data(as_text=True)
    assert "درون بازه" in html
    assert "فردای بازه" not in html and "دیروز بازه" not in html
    assert _rows(html) == 1
    wider = client.get("/audit/?date_from=1404/02/09&date_to=1404/02/11").get_data(as_text=True)
    assert _rows(wider) == 3


def test_audit_filter_by_reason_text(client, demo, login_as):
    login_as("admin")
    html = client.get("/audit/?q=مفاصاحساب").get_data(as_text=True)
    assert _rows(html) == 1
    assert "تأیید انطباق" in _body(html)


def test_audit_filter_by_reason_text_normalises_arabic_letters(client, demo, login_as):
    login_as("admin")
    assert _rows(client.get("/audit/?q=حسابرسي").get_data(as_text=True)) == 1  # Arabic yeh


def test_audit_invalid_filters_show_persian_errors(client, demo, login_as):
    login_as("admin")
    response = client.get("/audit/?date_from=1404/13/01&nomination=abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "تاریخ شمسی معتبر نیست" in html
    assert "شمارهٔ پرونده باید عددی مثبت باشد." in html
    assert 'value="1404/13/01"' in html


def test_audit_reversed_date_range_shows_error(client, demo, login_as):
    login_as("admin")
    html = client.get("/audit/?date_from=1404/02/10&date_to=1404/02/01").get_data(as_text=True)
    assert "«تا تاریخ» نباید پیش از «از تاریخ» باشد." in html


def test_audit_is_newest_first_and_paginated(client, demo, session, login_as):
    for minute in range(55):
        _record_at(session, demo, jalali_moment(1404, 1, 5, 8, minute), reason=f"رویداد-{minute:02d}-پایان")
    session.commit()
    login_as("admin")
    first = client.get("/audit/?action=test.event").get_data(as_text=True)
    assert _rows(first) == 50
    assert first.index("رویداد-54-پایان") < first.index("رویداد-53-پایان")
    assert "/audit/?action=test.event&amp;page=2" in first
    second = client.get("/audit/?action=test.event&page=2").get_data(as_text=True)
    assert _rows(second) == 5
    assert "رویداد-00-پایان" in second


def test_audit_page_same_statement_count_for_few_and_many(client, demo, session, login_as):
    login_as("admin")
    with count_statements() as few:
        assert client.get("/audit/?action=nomination.return").status_code == 200
    for minute in range(40):
        _record_at(session, demo, jalali_moment(1404, 1, 5, 8, minute), action="nomination.return",
                   username=["fars", "tehran", "admin", "oversight-1"][minute % 4], reason="دلیل")
    session.commit()
    with count_statements() as many:
        html = client.get("/audit/?action=nomination.return").get_data(as_text=True)
    assert _rows(html) == 41
    assert len(many) == len(few)


# ---------------------------------------------------------------------------------------------- chain verification


def _chain_state(session):
    from awards.models import AuditChainHead

    session.rollback()
    head = session.get(AuditChainHead, 1, populate_existing=True)
    count = session.scalar(select(func.count()).select_from(AuditEvent))
    return count, head.last_event_id, head.verified_at, head.verified_ok


def test_audit_page_before_any_verification_says_so_and_writes_nothing(client, demo, login_as, session):
    login_as("admin")
    before = _chain_state(session)  # after signing in, which is itself audited
    html = client.get("/audit/").get_data(as_text=True)
    assert "وارسی نشده" in html
    assert 'action="/audit/verify"' in html
    assert _chain_state(session) == before


def test_audit_verify_stores_an_intact_result_and_the_page_shows_it(client, demo, login_as, session):
    login_as("oversight-chair")
    count, head_id, _at, _ok = _chain_state(session)
    response = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit/")})
    assert response.status_code == 302 and response.headers["Location"] == "/audit/"
    after_count, _head, verified_at, ok = _chain_state(session)
    assert (after_count, ok) == (count + 1, True) and verified_at is not None
    event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.object_id, event.changes["ok"]) == ("audit.verify", head_id, [None, True])
    html = client.get("/audit/").get_data(as_text=True)
    assert "سالم" in html and to_persian_digits(str(head_id)) in html
    assert "۱ رویداد دیگر" in html  # the verification's own event came after the head it verified


def test_audit_verify_of_a_tampered_log_shows_the_broken_event(client, demo, login_as, session):
    from sqlalchemy import text

    from awards.models.audit import AUDIT_GUARD_DROPS

    login_as("admin")
    target = session.scalar(select(AuditEvent).order_by(AuditEvent.id).offset(4).limit(1))
    for statement in AUDIT_GUARD_DROPS[session.get_bind().dialect.name]:
        session.execute(text(statement))
    session.execute(text("UPDATE audit_events SET reason = 'دستکاری' WHERE id = :id"), {"id": target.id})
    session.commit()
    client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit/")})
    html = client.get("/audit/").get_data(as_text=True)
    assert "شکسته" in html and "ویرایش شده است" in html
    assert f"رویداد {to_persian_digits(str(target.id))} شکسته" in html


@pytest.mark.parametrize("username", NOT_READERS)
def test_audit_verify_refused_for_non_readers(client, demo, login_as, session, username):
    login_as(username)
    before = _chain_state(session)
    response = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert _chain_state(session) == before


def test_audit_verify_needs_post_and_csrf(client, demo, login_as, session):
    login_as("admin")
    before = _chain_state(session)
    assert client.get("/audit/verify").status_code == 405
    assert client.post("/audit/verify").status_code == 400
    assert _chain_state(session) == before
