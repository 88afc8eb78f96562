"""The users pages: organizers only, CSRF, creating one account, disabling and enabling, the list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from awards.demo import jalali_moment
from awards.models import AuditEvent, Cycle, User
from tests.accounts.conftest import counts
from tests.conftest import csrf_token


def make_cycle(session, year: int) -> int:
    """A plain cycle of ``year`` with a valid timeline; returns its id (committed)."""
    start = jalali_moment(year - 1, 12, 1)
    cycle = Cycle(year=year, title=f"دورهٔ {year}", nominations_open_at=start,
                  nominations_close_at=start + timedelta(days=60), screening_close_at=start + timedelta(days=75),
                  evaluation_close_at=start + timedelta(days=90), results_final_at=start + timedelta(days=95),
                  ceremony_at=start + timedelta(days=180), conflict_same_province=True)
    session.add(cycle)
    session.commit()
    return cycle.id


def _user(session, username: str) -> User | None:
    try:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            _ = user.province, [m.committee for m in user.memberships]
            session.expunge(user)
        return user
    finally:
        session.rollback()


def _user_id(session, username: str) -> int:
    return _user(session, username).id


def _events(session, action: str) -> list[AuditEvent]:
    try:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
        return events
    finally:
        session.rollback()


def _admin_routes(app, user_id: int) -> list[tuple[str, str]]:
    """Every (method, path) under /admin/users, read from the URL map so a new route cannot be missed."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/admin/users"):
                continue
            values = {"user_id": user_id} if "user_id" in rule.arguments else {}
            for action in (("disable", "enable") if "action" in rule.arguments else (None,)):
                if action:
                    values["action"] = action
                path = url_for(rule.endpoint, **values)
                routes += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return routes


@pytest.mark.parametrize("username", ["fars", "media-chair"])
def test_users_routes_non_organizer_gets_403_and_nothing_changes(app, client, login_as, session, demo, username):
    target = _user_id(session, "tehran")
    login_as(username)
    token = csrf_token(client, "/account/password")
    before = counts(session)
    routes = _admin_routes(app, target)
    assert len(routes) >= 13
    for method, path in routes:
        data = {"csrf_token": token, "username": "sneaky", "full_name": "x", "role": "organizer"}
        response = client.get(path) if method == "GET" else client.post(path, data=data)
        assert response.status_code == 403, (method, path)
    assert counts(session) == before
    assert _user(session, "tehran").active


def test_users_routes_anonymous_is_sent_to_login(client, demo):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_users_list_search_is_tolerant_and_paged(client, login_as, session, demo):
    login_as("admin")
    html = client.get("/admin/users?q=FARS").get_data(as_text=True)
    assert ">fars<" in html and ">tehran<" not in html
    fars_name = _user(session, "fars").full_name
    arabic = fars_name.replace("ی", "ي").replace("ک", "ك").replace("\u200c", "")
    assert ">fars<" in client.get("/admin/users", query_string={"q": arabic}).get_data(as_text=True)
    organizers = client.get("/admin/users?role=organizer").get_data(as_text=True)
    assert ">admin<" in organizers and ">fars<" not in organizers
    assert client.get("/admin/users?page=999&role=bogus&status=x").status_code == 200


def _create(client, **fields):
    data = {"username": "", "full_name": "", "email": "", "mobile": "", "role": "province_officer",
            "province": "0", "committee": "", "cycle": "0", "password": ""}
    data.update(fields)
    data["csrf_token"] = csrf_token(client, "/admin/users/new")
    return client.post("/admin/users/new", data=data)


def test_create_user_without_password_shows_a_link(client, login_as, session, demo):
    login_as("admin")
    province_id = demo.users["fars"].province_id
    response = _create(client, username="new.officer", full_name="نگار رحیمی", email="n@example.ir",
                       mobile="09121234567", province=str(province_id))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/set-password/" in html
    user = _user(session, "new.officer")
    assert (user.province_id, user.email, user.mobile, user.must_change_password) == (
        province_id, "n@example.ir", "09121234567", False)
    assert user.password_hash == "!"
    assert [e.object_id for e in _events(session, "user.create") if e.object_id == user.id] == [user.id]


def test_create_user_with_temporary_password_must_change_it(client, login_as, session, demo):
    login_as("admin")
    response = _create(client, username="judge.temp", full_name="کاوه نادری", role="committee_member",
                       committee="finance", cycle=str(demo.cycle.id), password="Temporary-Pass-77")
    assert response.status_code == 302
    user = _user(session, "judge.temp")
    assert user.must_change_password
    assert [(m.committee.code.value, m.is_chair) for m in user.memberships] == [("finance", False)]


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "fars", "full_name": "x", "province": "1"}, "این نام کاربری پیش‌تر ثبت شده است"),
    ({"username": "ok.name", "full_name": "x"}, "برای کارشناس استان، استان را انتخاب کنید"),
    ({"username": "ok.name", "full_name": "x", "role": "committee_member"}, "برای عضو کمیته، کمیته را انتخاب کنید"),
    ({"username": "ok.name", "full_name": "x", "province": "1", "mobile": "12345"}, "شماره همراه معتبر نیست"),
    ({"username": "ok.name", "full_name": "x", "province": "1", "email": "a@b"}, "نشانی ایمیل معتبر نیست"),
    ({"username": "ok.name", "full_name": "x", "province": "1", "password": "short"}, "دست‌کم"),
])
def test_create_user_bad_input_is_shown_beside_the_field_and_kept(client, login_as, session, demo, fields, message):
    login_as("admin")
    before = counts(session)
    response = _create(client, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and 'invalid-feedback' in html
    assert f'value="{fields["username"]}"' in html
    assert counts(session) == before


def test_create_user_without_csrf_is_refused(client, login_as, session, demo):
    login_as("admin")
    before = counts(session)
    response = client.post("/admin/users/new", data={"username": "x.y", "full_name": "x", "role": "organizer",
                                                     "province": "0", "cycle": "0"})
    assert response.status_code == 400
    assert counts(session) == before


def test_disable_then_enable_is_confirmed_and_audited(client, login_as, session, demo):
    target = _user_id(session, "tehran")
    login_as("admin")
    confirm = client.get(f"/admin/users/{target}/disable")
    assert confirm.status_code == 200 and "بله، غیرفعال شود" in confirm.get_data(as_text=True)
    token = csrf_token(client, f"/admin/users/{target}/disable")
    assert client.post(f"/admin/users/{target}/disable", data={"csrf_token": token}).status_code == 302
    assert not _user(session, "tehran").active
    assert [e.object_id for e in _events(session, "user.disable")] == [target]
    assert client.post(f"/admin/users/{target}/enable", data={"csrf_token": token}).status_code == 302
    assert _user(session, "tehran").active
    assert [e.object_id for e in _events(session, "user.enable")] == [target]


def test_disable_without_csrf_changes_nothing(client, login_as, session, demo):
    target = _user_id(session, "tehran")
    login_as("admin")
    assert client.post(f"/admin/users/{target}/disable").status_code == 400
    assert _user(session, "tehran").active and _events(session, "user.disable") == []


def test_disable_self_is_refused(client, login_as, session, demo):
    me = _user_id(session, "admin")
    login_as("admin")
    token = csrf_token(client, f"/admin/users/{me}/disable")
    response = client.post(f"/admin/users/{me}/disable", data={"csrf_token": token}, follow_redirects=True)
    assert "نمی‌توانید حساب خودتان را غیرفعال کنید" in response.get_data(as_text=True)
    assert _user(session, "admin").active and _events(session, "user.disable") == []


def test_disabled_user_is_signed_out(client, app, login_as, session, demo):
    target = _user_id(session, "tehran")
    other = app.test_client()
    from tests.conftest import login

    assert login(other, "tehran").status_code == 302
    login_as("admin")
    token = csrf_token(client, f"/admin/users/{target}/disable")
    client.post(f"/admin/users/{target}/disable", data={"csrf_token": token})
    assert "/login" in other.get("/").headers.get("Location", "")


def test_user_page_shows_the_account(client, login_as, session, demo):
    target = _user_id(session, "media-chair")
    login_as("admin")
    html = client.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "media-chair" in html and "رئیس" in html
    assert client.get("/admin/users/999999").status_code == 404
    assert re.search(r'action="/admin/users/\d+/link"', html)
