"""The home page of five roles in a real browser: right to left, Persian digits, no serious or critical axe
violation, no horizontal scroll at 375 px, the organizer's charts drawn under the app's Content-Security-Policy,
and the chair's reminder. Desktop and phone screenshots land in tests/e2e/screenshots/ (dashboard-*.png).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, horizontal_overflow, screenshot, sign_in

#: username -> a heading of the panel that role must see
ROLES = {
    "admin": "نمای کلی دوره",
    "khorasan": "پرونده‌های استان خراسان رضوی",
    "winners-chair": "برگه‌های امتیاز کمیتهٔ برگزیدگان",
    "provincial_affairs-1": "صف غربالگری",
    "content-chair": "متن لوح‌ها",
}


@pytest.fixture
def dash_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    yield page
    context.close()


@pytest.mark.parametrize("username", list(ROLES))
def test_dashboard_of_each_role(dash_page, live_server, username):
    page = dash_page
    sign_in(page, live_server, username)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/")
    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.get_by_role("heading", name=ROLES[username], exact=False).first).to_be_visible()
    main = page.locator("main").inner_text()
    assert not re.search(r"[0-9]", main), "Latin digits on a Persian page"
    screenshot(page, f"dashboard-{username}-desktop")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    screenshot(page, f"dashboard-{username}-phone")
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []
    assert page.problems == []  # no script error and no Content-Security-Policy refusal


def test_organizer_charts_are_drawn_with_a_table_fallback(dash_page, live_server):
    page = dash_page
    sign_in(page, live_server, "admin")
    page.goto(live_server + "/")
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 3
    drawn = page.evaluate("() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
                          ".map(c => !!(window.Chart && Chart.getChart(c)))")
    assert all(drawn)
    # The same figures as a table, for readers who cannot see the chart.
    figure = page.locator("figure", has=page.locator("canvas[data-chart='states']"))
    figure.locator("summary").click()
    expect(figure.locator("table")).to_contain_text("در حال ارزیابی")
    assert page.problems == []


def test_province_sees_its_returned_dossier_and_follows_a_count(dash_page, live_server):
    page = dash_page
    sign_in(page, live_server, "khorasan")
    page.goto(live_server + "/")
    returned = page.get_by_role("region", name="پرونده‌های بازگشته")
    expect(returned).to_contain_text("شرکت کاشی طوس")
    expect(returned.locator("mark")).to_contain_text("گواهی استاندارد")
    expect(page.locator("main")).to_contain_text("۱۱ روز")
    page.get_by_role("link", name=re.compile("ارسال‌شده")).first.click()
    expect(page).to_have_url(re.compile(r"/nominations/\?state=submitted"))


def test_member_continues_to_the_next_sheet(dash_page, live_server):
    page = dash_page
    sign_in(page, live_server, "winners-1")
    page.goto(live_server + "/")
    page.get_by_role("link", name="ادامهٔ امتیازدهی").first.click()
    expect(page).to_have_url(re.compile(r"/evaluation/\d+/winners$"))


def test_chair_records_a_reminder(dash_page, live_server):
    page = dash_page
    sign_in(page, live_server, "winners-chair")
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="پیشرفت اعضا")).to_be_visible()
    page.get_by_role("button", name="یادآوری به اعضایی که برگه مانده دارند").click()
    expect(page.locator(".alert-success")).to_contain_text("یادآوری برای")
