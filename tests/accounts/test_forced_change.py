"""A user with a temporary password reaches nothing but the change page, sign-out, static files and language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from awards.models import AuditEvent, User
from tests.conftest import csrf_token, login

TEMPORARY = "Temporary-Pass-77"
CHOSEN = "Golestan-Baran-1405"
ALLOWED = {"accounts.change_password", "auth.logout", "static", "main.set_language"}


@pytest.fixture
def temp_user(client, login_as, session, demo):
    """A province officer created by the organizer with a temporary password; the client is signed out."""
    login_as("admin")
    data = {"username": "temp.user", "full_name": "کاربر موقت", "email": "", "mobile": "", "role": "province_officer",
            "province": str(demo.users["fars"].province_id), "committee": "", "cycle": "0", "password": TEMPORARY,
            "csrf_token": csrf_token(client, "/admin/users/new")}
    assert client.post("/admin/users/new", data=data).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return "temp.user"


def _sample_path(app, rule) -> str | None:
    """A concrete URL for a GET rule (1 for ids, a word for strings)."""
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        name = type(converter).__name__
        if isinstance(converter, IntegerConverter):
            values[argument] = 1
        elif name == "AnyConverter":
            values[argument] = next(iter(converter.items)) if hasattr(converter, "items") else "disable"
        elif name == "PathConverter":
            values[argument] = "x.txt"
        else:
            values[argument] = "x"
    with app.test_request_context():
        from flask import url_for

        try:
            return url_for(rule.endpoint, **values)
        except Exception:
            return None


def test_forced_change_blocks_every_get_route_until_done(app, client, temp_user):
    assert login(client, temp_user, TEMPORARY).status_code == 302
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ALLOWED:
            continue
        path = _sample_path(app, rule)
        assert path is not None, rule
        response = client.get(path)
        assert response.status_code == 302, (rule.rule, response.status_code)
        assert response.headers["Location"].endswith("/account/password"), rule.rule
        checked += 1
    assert checked >= 20
    assert client.get("/account/password").status_code == 200
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    static.close()
    assert client.post("/language/en", data={"csrf_token": csrf_token(client, "/account/password"),
                                             "next": "/"}).status_code == 302


def test_forced_change_blocks_posts_too(client, temp_user, session):
    assert login(client, temp_user, TEMPORARY).status_code == 302
    token = csrf_token(client, "/account/password")
    response = client.post("/nominations/new", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")


def test_forced_change_lifts_after_the_change(app, client, temp_user, session):
    assert login(client, temp_user, TEMPORARY).status_code == 302
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": TEMPORARY, "new_password": CHOSEN, "new_password_again": CHOSEN})
    # The change ends every session of the account; this browser carries on in a fresh one.
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/nominations/").status_code == 200
    user = session.scalar(select(User).where(User.username == temp_user))
    assert not user.must_change_password
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "user.password",
                                                      AuditEvent.object_id == user.id)) is not None


def test_sign_out_is_allowed_during_forced_change(client, temp_user):
    assert login(client, temp_user, TEMPORARY).status_code == 302
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_change_password_refuses_wrong_current_weak_new_and_same(client, login_as, session, demo):
    login_as("fars")
    before = session.scalar(select(User.password_hash).where(User.username == "fars"))
    session.rollback()
    for current, new, message in [("wrong-password-1", CHOSEN, "گذرواژهٔ کنونی درست نیست"),
                                  ("demo-pass-1404", "short", "دست‌کم"),
                                  ("demo-pass-1404", "demo-pass-1404", "باید با گذرواژهٔ کنونی فرق کند")]:
        token = csrf_token(client, "/account/password")
        html = client.post("/account/password", data={"csrf_token": token, "current_password": current,
                                                      "new_password": new, "new_password_again": new}).get_data(
            as_text=True)
        assert message in html, message
    assert session.scalar(select(User.password_hash).where(User.username == "fars")) == before


def test_change_password_without_csrf_is_refused(client, login_as, session, demo):
    login_as("fars")
    response = client.post("/account/password", data={"current_password": "demo-pass-1404",
                                                      "new_password": CHOSEN, "new_password_again": CHOSEN})
    assert response.status_code == 400


def test_user_menu_links_to_change_password(client, login_as, demo):
    login_as("fars")
    assert re.search(r'href="/account/password"[^>]*>تغییر گذرواژه<', client.get("/").get_data(as_text=True))
