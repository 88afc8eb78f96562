"""No lost typing, in a real browser: what a judge types into half a score sheet, and a screener into a return
reason, is autosaved to the server and comes back after a reload; a send clears it (issue 13).

A server of the module's own: the drafts left here must not show up in the pages other modules photograph.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, screenshot, sign_in

STEEL = "شرکت فولاد سپاهان نوین"
COMMENT = "نوآوری در خط نورد چشمگیر است؛ صادرات را فردا بررسی می‌کنم."
REASON = "گواهی استاندارد پیوست نشده و آمار صادرات با اظهارنامه نمی‌خواند."
SAVED = re.compile("پیش‌نویس ذخیره شد ساعت [۰-۹]{2}:[۰-۹]{2}")


@pytest.fixture
def server(fresh_server):
    return fresh_server


def _open_steel_sheet(page, base: str) -> str:
    page.goto(base + "/evaluation/")
    page.get_by_role("link", name=STEEL).first.click()
    expect(page).to_have_url(re.compile(r"/evaluation/\d+/winners$"))
    url = page.url
    page.get_by_role("link", name="نه، امتیاز می‌دهم").click()  # a sheet never saved asks about a conflict first
    return url


def test_autosave_half_a_score_sheet_survives_a_reload(page, server):
    sign_in(page, server, "winners-1")
    url = _open_steel_sheet(page, server)
    scores = page.locator("input.score-input")
    scores.nth(0).fill("12.5")
    scores.nth(1).fill("8")
    page.locator("textarea[name=comment]").fill(COMMENT)
    status = page.locator("#sheet-form [data-autosave-status]")
    expect(status).to_have_text(SAVED, timeout=10_000)
    screenshot(page, "autosave-sheet-saved")

    page.reload()  # the unsaved-changes guard asks; the page fixture accepts, as a user leaving would
    expect(page).to_have_url(url)  # and the restored draft shows the sheet without asking about a conflict again
    expect(scores.nth(0)).to_have_value("12.5")
    expect(scores.nth(1)).to_have_value("8")
    expect(scores.nth(2)).to_have_value("")
    expect(page.locator("textarea[name=comment]")).to_have_value(COMMENT)
    note = page.locator(".draft-note")
    expect(note).to_contain_text("پیش‌نویس ذخیره‌شدهٔ شما در ۱۴")
    expect(note).to_contain_text("بازگردانده شد")
    screenshot(page, "autosave-sheet-restored")
    assert axe_violations(page) == []

    # Throwing the draft away shows what the server holds again (nothing yet), and it stays away.
    note.get_by_role("button", name="کنار گذاشتن پیش‌نویس").click()
    expect(note).to_have_count(0)
    expect(scores.nth(0)).to_have_value("")
    expect(page.locator("textarea[name=comment]")).to_have_value("")
    expect(status).to_have_text("پیش‌نویس کنار گذاشته شد.")
    page.reload()
    expect(page.locator(".draft-note")).to_have_count(0)
    expect(scores.nth(0)).to_have_value("")


def test_autosave_a_sheet_saved_on_the_server_brings_no_draft_back(page, server):
    sign_in(page, server, "winners-1")
    _open_steel_sheet(page, server)
    page.locator("input.score-input").nth(0).fill("15")
    page.locator("textarea[name=comment]").fill(COMMENT)
    expect(page.locator("#sheet-form [data-autosave-status]")).to_have_text(SAVED, timeout=10_000)
    page.locator("input.score-input").nth(1).fill("9")  # typed, and sent before its own autosave
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    expect(page.locator(".alert-success")).to_contain_text("پیش‌نویس ذخیره شد.")
    expect(page.locator("input.score-input").nth(1)).to_have_value("۹")  # the server writes its own digits
    page.wait_for_timeout(2500)  # any save still on its way would have landed by now
    page.reload()
    expect(page.locator(".draft-note")).to_have_count(0)
    expect(page.locator("input.score-input").nth(1)).to_have_value("۹")


def test_autosave_a_return_reason_survives_a_reload_and_goes_with_the_send(page, server):
    sign_in(page, server, "provincial_affairs-chair")
    page.goto(server + "/screening/")
    box = page.locator("details.return-box").first
    box.locator("summary").click()
    reason = box.locator("textarea[name=reason]")
    reason.fill(REASON)
    expect(box.locator(".autosave-status")).to_have_text(SAVED, timeout=10_000)
    screenshot(page, "autosave-reason-saved")

    page.reload()
    box = page.locator("details.return-box[open]")
    expect(box).to_have_count(1)
    expect(box.locator("textarea[name=reason]")).to_have_value(REASON)
    expect(box.locator(".draft-note")).to_contain_text("بازگردانده شد")
    screenshot(page, "autosave-reason-restored")

    box.get_by_role("button", name="بازگرداندن با این دلیل").click()
    expect(page.locator(".alert-success")).to_contain_text("با دلیل به استان بازگشت")
    page.reload()
    expect(page.locator(".draft-note")).to_have_count(0)
    expect(page.locator("details.return-box[open]")).to_have_count(0)
