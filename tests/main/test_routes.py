"""The shell: health check, RTL pages, role navigation, error pages, language switch."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token

COMMITTEE_CODES = ["winners", "provincial_affairs", "media", "oversight", "finance", "content"]
ALL_DEMO_ACCOUNTS = ["admin", "fars", "tehran"] + [f"{c}-{s}" for c in COMMITTEE_CODES for s in ("chair", "1", "2")]


def test_healthz_returns_ok_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


@pytest.mark.parametrize("username", ALL_DEMO_ACCOUNTS)
def test_every_demo_account_signs_in_to_rtl_dashboard(client, demo, login_as, username):
    login_as(username)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    assert "پیشخوان" in html
    assert "روز ملی صنعت و معدن ۱۴۰۴" in html


def test_dashboard_shows_committee_role_badge(client, demo, login_as):
    login_as("oversight-chair")
    assert "رئیس کمیتهٔ نظارت و پیگیری" in client.get("/").get_data(as_text=True)


def test_dashboard_counts_only_own_province(client, demo, login_as):
    login_as("fars")
    html = client.get("/").get_data(as_text=True)
    assert "(۲)" in html  # Fars has two nominations in the demo


def test_unknown_page_is_persian_404(client, demo):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client, demo, login_as):
    login_as("fars")
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert "Dashboard" in html
    client.post("/language/fa", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    assert '<html lang="fa" dir="rtl">' in client.get("/").get_data(as_text=True)


def test_language_switch_without_csrf_is_refused(client, demo):
    assert client.post("/language/en").status_code == 400


def test_responses_carry_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_pages_load_nothing_from_the_internet(client, demo, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_static_files_do_not_resend_the_session_cookie(client, demo, login_as):
    login_as("fars")
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    response.close()


def test_favicon_is_served_from_static(client):
    response = client.get("/login")
    assert 'rel="icon" href="/static/img/favicon.svg?v=' in response.get_data(as_text=True)
