"""The shell in a real browser: RTL login, wrong password, throttling, CSRF."""

from __future__ import annotations

import re

from tests.e2e.conftest import screenshot


def test_login_page_is_persian_rtl(page, live_server):
    page.goto(live_server + "/login")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    assert page.locator("h1").inner_text() == "ورود به تندیس"
    screenshot(page, "smoke-login")


def test_wrong_password_shows_error_then_throttles(page, live_server):
    for attempt in range(5):
        page.goto(live_server + "/login")
        page.fill("input[name=username]", "content-2")
        page.fill("input[name=password]", f"not-the-password-{attempt}")
        page.get_by_role("button", name="ورود", exact=True).click()
        assert "نام کاربری یا گذرواژه درست نیست." in page.content()
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "content-2")
    page.fill("input[name=password]", "not-the-password-x")
    page.get_by_role("button", name="ورود", exact=True).click()
    assert "تلاش‌های زیاد" in page.content()


def test_form_posted_without_csrf_token_is_refused(page, live_server):
    page.goto(live_server + "/login")
    page.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    page.fill("input[name=username]", "fars")
    page.fill("input[name=password]", "demo-pass-1404")
    page.get_by_role("button", name="ورود", exact=True).click()
    assert "فرم منقضی شده است" in page.content()


def test_demo_account_sees_role_navigation(signed_in):
    page = signed_in("admin")
    nav = page.locator("nav").inner_text()
    assert "پیشخوان" in nav
    assert re.search("روز ملی صنعت و معدن ۱۴۰۴", page.content())
