"""The screening queue in a real browser: a phone-width table, and bulk accept of two dossiers.

Bulk accept changes the demo, so the module has a server of its own (``fresh_server``).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, horizontal_overflow, screenshot, sign_in

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted
IRON = "شرکت معدنی سنگ آهن بافق"  # Yazd, submitted


def test_screening_queue_at_375_px_is_readable_and_accessible(page, fresh_server):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, fresh_server, "provincial_affairs-1")
    page.goto(fresh_server + "/screening/")
    expect(page.get_by_role("link", name=PHARMA)).to_be_visible()
    expect(page.get_by_label(f"برگزیدن «{PHARMA}»")).to_have_count(1)
    assert horizontal_overflow(page) == 0
    screenshot(page, "queues-screening-375")
    assert axe_violations(page) == []


def test_bulk_accept_of_two_dossiers(page, fresh_server):
    sign_in(page, fresh_server, "provincial_affairs-1")
    page.goto(fresh_server + "/screening/")
    page.get_by_label(f"برگزیدن «{PHARMA}»").check()
    page.get_by_label(f"برگزیدن «{IRON}»").check()
    page.get_by_role("button", name="پذیرش پرونده‌های برگزیده").click()
    expect(page.get_by_role("alert").filter(has_text="۲ پرونده پذیرفته شد")).to_be_visible()
    expect(page.get_by_role("link", name=PHARMA)).to_have_count(0)
    expect(page.get_by_role("link", name=IRON)).to_have_count(0)
    screenshot(page, "queues-screening-bulk-accepted")
    assert axe_violations(page) == []
    sign_in(page, fresh_server, "oversight-1")  # the compliance queue now lists both
    page.goto(fresh_server + "/screening/compliance")
    expect(page.get_by_role("link", name=PHARMA)).to_be_visible()
    screenshot(page, "queues-compliance")
    assert axe_violations(page) == []


def test_judge_narrows_the_inbox_at_375_px(page, live_server):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, "winners-1")
    page.goto(live_server + "/evaluation/")
    rows = page.locator('a[href*="/winners"]').filter(has_text="امتیازدهی")
    before = rows.count()
    assert before > 1
    page.get_by_label("برگهٔ شما").select_option("todo")
    page.get_by_label("جست‌وجو (نام، شناسه یا کد ملی)").fill("شركت")  # an Arabic kaf, as a phone keyboard may type
    page.get_by_role("button", name="پالایش").click()
    expect(page.get_by_text("با این پالایش").first).to_be_visible()
    assert 0 < rows.count() <= before
    assert "sheet=todo" in page.url
    assert horizontal_overflow(page) == 0
    screenshot(page, "queues-inbox-filtered-375")
    assert axe_violations(page) == []
