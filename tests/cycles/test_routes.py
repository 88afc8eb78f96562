"""The organizer's timeline pages: roles, Jalali input, validation beside fields, extension and postponement."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from awards.demo import jalali_moment
from awards.models import AuditEvent, Cycle
from tests.conftest import csrf_token
from tests.screening.conftest import count_statements, read

NOT_ORGANIZERS = ["fars", "tehran", "provincial_affairs-chair", "oversight-chair", "winners-1"]

#: The demo's timeline as the form shows it, with a later close of nominations.
EXTENDED = {
    "nominations_open_at": "۱۴۰۳/۱۲/۰۱",
    "nominations_close_at": "۱۴۰۴/۰۳/۰۵",
    "screening_close_at": "۱۴۰۴/۰۳/۱۵",
    "evaluation_close_at": "۱۴۰۴/۰۳/۳۱",
    "results_final_at": "۱۴۰۴/۰۴/۰۵",
}


def _paths(cycle_id):
    return ["/cycles/", f"/cycles/{cycle_id}/timeline", f"/cycles/{cycle_id}/ceremony"]


def _post(client, url, data, *, token_page="/"):
    return client.post(url, data={"csrf_token": csrf_token(client, token_page), **data})


def _cycle(session) -> Cycle:
    return read(session, select(Cycle).where(Cycle.year == 1404))


def test_pages_anonymous_redirect_to_login(client, demo):
    for path in _paths(demo.cycle.id):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_posts_anonymous_redirect_to_login(client, demo):
    for path in _paths(demo.cycle.id)[1:]:
        response = _post(client, path, {"reason": "x"}, token_page="/login")
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", NOT_ORGANIZERS)
def test_pages_other_roles_forbidden(client, demo, session, login_as, username):
    login_as(username)
    for path in _paths(demo.cycle.id):
        assert client.get(path).status_code == 403
    for path in _paths(demo.cycle.id)[1:]:
        assert _post(client, path, {**EXTENDED, "reason": "x"}).status_code == 403
    assert _cycle(session).nominations_close_at == jalali_moment(1404, 2, 31, 23, 59)


def test_pages_organizer_ok(client, demo, login_as):
    login_as("admin")
    for path in _paths(demo.cycle.id):
        assert client.get(path).status_code == 200


def test_unknown_cycle_not_found(client, demo, login_as):
    login_as("admin")
    assert client.get("/cycles/9999/timeline").status_code == 404
    assert client.get("/cycles/9999/ceremony").status_code == 404


def test_index_shows_jalali_timeline_and_current_phase(client, demo, login_as):
    login_as("admin")
    html = client.get("/cycles/").get_data(as_text=True)
    assert "روز ملی صنعت و معدن ۱۴۰۴" in html
    assert "معرفی نامزدها" in html  # the phase on the demo clock
    assert "۳۱ اردیبهشت ۱۴۰۴" in html
    assert "۴ شهریور ۱۴۰۴" in html
    assert "به تعویق افتاده از ۱۰ تیر ۱۴۰۴" in html


def test_timeline_form_shows_current_dates_in_jalali(client, demo, login_as):
    login_as("admin")
    html = client.get(f"/cycles/{demo.cycle.id}/timeline").get_data(as_text=True)
    assert 'value="۱۴۰۴/۰۲/۳۱"' in html
    assert "data-jdp" in html
    assert "jalalidatepicker.min.js" in html and "js/cycles.js" in html


def test_extension_saves_keeps_time_of_day_and_is_audited(client, demo, session, login_as):
    login_as("admin")
    response = _post(client, f"/cycles/{demo.cycle.id}/timeline", {**EXTENDED, "reason": "تمدید به درخواست استان‌ها"})
    assert response.status_code == 302
    assert _cycle(session).nominations_close_at == jalali_moment(1404, 3, 5, 23, 59)
    event = read(session, select(AuditEvent).where(AuditEvent.action == "cycle.extend"))
    assert event.changes == {"nominations_close_at": [jalali_moment(1404, 2, 31, 23, 59).isoformat(),
                                                      jalali_moment(1404, 3, 5, 23, 59).isoformat()]}
    assert event.reason == "تمدید به درخواست استان‌ها"
    html = client.get("/cycles/").get_data(as_text=True)
    assert "تمدید به درخواست استان‌ها" in html  # the history on the timeline page


def test_latin_digits_and_dashes_are_accepted(client, demo, session, login_as):
    login_as("admin")
    data = {**EXTENDED, "nominations_close_at": "1404-3-6", "reason": "تمدید"}
    assert _post(client, f"/cycles/{demo.cycle.id}/timeline", data).status_code == 302
    assert _cycle(session).nominations_close_at == jalali_moment(1404, 3, 6, 23, 59)


def test_extension_without_reason_shows_error_and_keeps_input(client, demo, session, login_as):
    login_as("admin")
    response = _post(client, f"/cycles/{demo.cycle.id}/timeline", {**EXTENDED, "reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "بدون دلیل ثبت نمی‌شود" in html
    assert 'id="reason-error"' in html
    assert "لطفاً خطاهای مشخص‌شده را برطرف کنید" in html
    assert 'value="۱۴۰۴/۰۳/۰۵"' in html
    assert _cycle(session).nominations_close_at == jalali_moment(1404, 2, 31, 23, 59)


def test_dates_out_of_order_show_error_beside_field(client, demo, session, login_as):
    login_as("admin")
    data = {**EXTENDED, "screening_close_at": "۱۴۰۴/۰۴/۰۱", "evaluation_close_at": "۱۴۰۴/۰۳/۲۰", "reason": "x"}
    html = _post(client, f"/cycles/{demo.cycle.id}/timeline", data).get_data(as_text=True)
    assert 'id="screening_close_at-error"' in html or 'id="evaluation_close_at-error"' in html
    assert "«پایان ارزیابی» باید پس از یا هم‌زمان با «پایان غربالگری» باشد." in html
    assert 'value="۱۴۰۴/۰۴/۰۱"' in html and 'value="۱۴۰۴/۰۳/۲۰"' in html
    assert _cycle(session).screening_close_at == jalali_moment(1404, 3, 15, 23, 59)


@pytest.mark.parametrize("typed", ["1404/13/01", "۱۴۰۴/۱۲/۳۰", "1404/02/32", "فردا", "14040231"])
def test_invalid_jalali_date_shows_error_and_keeps_input(client, demo, session, login_as, typed):
    login_as("admin")
    response = _post(client, f"/cycles/{demo.cycle.id}/timeline", {**EXTENDED, "nominations_close_at": typed,
                                                                    "reason": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "تاریخ شمسی معتبر نیست" in html
    assert 'id="nominations_close_at-error"' in html
    assert f'value="{typed}"' in html
    assert _cycle(session).nominations_close_at == jalali_moment(1404, 2, 31, 23, 59)


def test_missing_date_shows_error(client, demo, login_as):
    login_as("admin")
    html = _post(client, f"/cycles/{demo.cycle.id}/timeline", {**EXTENDED, "results_final_at": ""}).get_data(
        as_text=True)
    assert 'id="results_final_at-error"' in html
    assert "تاریخ را وارد کنید." in html


def test_timeline_post_without_csrf_is_refused(client, demo, login_as):
    login_as("admin")
    assert client.post(f"/cycles/{demo.cycle.id}/timeline", data={**EXTENDED, "reason": "x"}).status_code == 400
    assert client.post(f"/cycles/{demo.cycle.id}/ceremony", data={"new_date": "۱۴۰۴/۰۶/۲۰",
                                                                   "reason": "x"}).status_code == 400


def test_postponement_saves_keeps_first_date_and_is_audited(client, demo, session, login_as):
    login_as("admin")
    response = _post(client, f"/cycles/{demo.cycle.id}/ceremony", {"new_date": "۱۴۰۴/۰۶/۲۰",
                                                                    "reason": "هم‌زمانی با هفتهٔ دولت"})
    assert response.status_code == 302
    cycle = _cycle(session)
    assert cycle.ceremony_at == jalali_moment(1404, 6, 20, 10, 0)
    assert cycle.ceremony_postponed_from == jalali_moment(1404, 4, 10, 10, 0)
    assert cycle.ceremony_postponed_reason == "هم‌زمانی با هفتهٔ دولت"
    event = read(session, select(AuditEvent).where(AuditEvent.action == "cycle.postpone_ceremony"))
    assert event.reason == "هم‌زمانی با هفتهٔ دولت"
    assert event.changes["ceremony_at"][1] == jalali_moment(1404, 6, 20, 10, 0).isoformat()


def test_postponement_without_reason_shows_error_and_keeps_date(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, f"/cycles/{demo.cycle.id}/ceremony", {"new_date": "۱۴۰۴/۰۶/۲۰", "reason": " "}).get_data(
        as_text=True)
    assert "دلیل تعویق آیین را بنویسید." in html
    assert 'value="۱۴۰۴/۰۶/۲۰"' in html
    assert _cycle(session).ceremony_at == jalali_moment(1404, 6, 4, 10, 0)


def test_postponement_to_earlier_date_shows_error_beside_date(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, f"/cycles/{demo.cycle.id}/ceremony", {"new_date": "۱۴۰۴/۰۵/۰۱", "reason": "x"}).get_data(
        as_text=True)
    assert 'id="new_date-error"' in html
    assert "تاریخ تازه باید پس از تاریخ کنونی آیین" in html
    assert "x</textarea>" in html


def test_cycles_page_statements_equal_at_10_and_1000_audit_events(client, demo, session, login_as):
    """The timeline history reads the latest cycle events through an index: its cost does not grow with the log."""
    cycle = _cycle(session)
    session.commit()
    login_as("admin")

    def add(start: int, count: int) -> None:
        first = read(session, select(func.coalesce(func.max(AuditEvent.id), 0))) + 1  # ids: the demo copy
        session.execute(insert(AuditEvent), [
            {"id": first + i - start, "action": "cycle.timeline" if i % 10 == 0 else "nomination.save",
             "object_type": "cycle" if i % 10 == 0 else "nomination", "object_id": cycle.id, "cycle_id": cycle.id,
             "changes": {}, "prev_hash": f"b{i:063x}", "hash": f"c{i:063x}",
             "at": jalali_moment(1404, 1, 1 + i % 28, 9, i % 60)}
            for i in range(start, start + count)])
        session.commit()

    def statements() -> int:
        with count_statements() as seen:
            assert client.get("/cycles/").status_code == 200
        return len(seen)

    client.get("/cycles/")
    add(0, 10)
    few = statements()
    add(10, 990)
    assert statements() == few
