"""Redirect targets taken from the request stay on this site: login's ``next`` and the language switch."""

from __future__ import annotations

import pytest

from awards.redirects import safe_next
from tests.conftest import csrf_token

HOSTILE_NEXT = [
    "/\t/evil.example",
    "/\t\t/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http:evil.example",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "/%0D%0ALocation:%20https://evil.example",
    "/\r\nLocation: https://evil.example",
    "/\nSet-Cookie: planted=1",
    "/%0aSet-Cookie:%20planted=1",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/%00/evil.example",
    " //evil.example",
    " /nominations/",
    "evil.example",
    "nominations/",
    "/\u2215\u2215evil.example",       # division slashes
    "/\uff0f\uff0fevil.example",       # fullwidth solidus
    "/\u200e/evil.example",           # left-to-right mark
    "/\u3000/evil.example",           # ideographic space
    "/\x7f/evil.example",
    "/" + "a" * 5000,
    "/%252F%252Fevil.example",
]

GOOD_NEXT = ["/nominations/", "/nominations/?page=2", "/audit/?action=user.login&page=1", "/"]


def _lands_on_site(location: str) -> None:
    assert location.startswith("/"), location
    assert not location.startswith("//") and not location.startswith("/\\"), location
    assert all(0x21 <= ord(ch) < 0x7F for ch in location), repr(location)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_hostile_value(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", GOOD_NEXT)
def test_safe_next_keeps_same_site_path(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [None, "", 5, b"/"])
def test_safe_next_refuses_missing_or_non_text(target):
    assert safe_next(target) is None


def test_login_with_hostile_next_lands_on_home(client, demo):
    assert len(HOSTILE_NEXT) >= 20
    for target in HOSTILE_NEXT:
        token = csrf_token(client, "/login")
        response = client.post("/login", query_string={"next": target},
                               data={"username": "fars", "password": "demo-pass-1404", "csrf_token": token})
        assert response.status_code == 302, (target, response.status_code)
        assert response.headers["Location"] == "/", (target, response.headers["Location"])
        _lands_on_site(response.headers["Location"])
        assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302


def test_login_with_raw_hostile_query_lands_on_home(client, demo):
    for raw in ("next=/%0D%0ALocation:%20https://evil.example", "next=/%09/evil.example", "next=%2F%2Fevil.example",
                "next=" + "%" * 300, "next=/%E2%88%95%E2%88%95evil.example"):
        token = csrf_token(client, "/login")
        response = client.post(f"/login?{raw}", data={"username": "fars", "password": "demo-pass-1404",
                                                       "csrf_token": token})
        assert (response.status_code, response.headers["Location"]) == (302, "/"), raw
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


@pytest.mark.parametrize("target", GOOD_NEXT)
def test_login_with_same_site_next_goes_there(client, demo, target):
    token = csrf_token(client, "/login")
    response = client.post("/login", query_string={"next": target},
                           data={"username": "fars", "password": "demo-pass-1404", "csrf_token": token})
    assert response.headers["Location"] == target


def test_language_switch_with_hostile_next_lands_on_home(client, demo, login_as):
    login_as("fars")
    token = csrf_token(client, "/")
    for target in HOSTILE_NEXT:
        response = client.post("/language/en", data={"csrf_token": token, "next": target})
        assert response.status_code == 302, (target, response.status_code)
        assert response.headers["Location"] == "/", (target, response.headers["Location"])
        _lands_on_site(response.headers["Location"])


def test_language_switch_anonymous_with_hostile_next_lands_on_home(client, demo):
    token = csrf_token(client, "/login")
    for target in HOSTILE_NEXT:
        response = client.post("/language/fa", data={"csrf_token": token, "next": target})
        assert (response.status_code, response.headers["Location"]) == (302, "/"), target


@pytest.mark.parametrize("target", GOOD_NEXT)
def test_language_switch_with_same_site_next_goes_there(client, demo, login_as, target):
    login_as("fars")
    response = client.post("/language/en", data={"csrf_token": csrf_token(client, "/"), "next": target})
    assert response.headers["Location"] == target


def test_not_found_page_does_not_echo_path_into_language_form(client, demo):
    response = client.get("/%09/evil.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "evil.example" not in html
    assert 'name="next" value=""' in html


def test_page_language_form_carries_own_path(client, demo, login_as):
    login_as("fars")
    html = client.get("/nominations/?page=1").get_data(as_text=True)
    assert 'name="next" value="/nominations/?page=1"' in html


def test_logout_by_get_is_refused_and_keeps_user_signed_in(client, demo, login_as):
    login_as("fars")
    response = client.get("/logout")
    assert response.status_code == 405
    assert "روش نامجاز" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_logout_link_is_a_post_form_with_csrf(client, demo, login_as):
    login_as("fars")
    html = client.get("/").get_data(as_text=True)
    start = html.index('action="/logout"')
    form = html[html.rindex("<form", 0, start):html.index("</form>", start)]
    assert 'method="post"' in form and 'name="csrf_token"' in form
    assert 'href="/logout"' not in html
