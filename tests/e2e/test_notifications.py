"""The bell in a real browser: provincial affairs returns two dossiers; the Tehran officer (Persian) sees the
unread count, opens the list, follows the notification to the dossier (the count drops) and marks all read; the
Yazd officer, who switched to English, reads theirs in English; the organizer's outbox holds each officer's mail
in their language and direction. Every page passes axe (no serious or critical violation); screenshots land in
tests/e2e/screenshots/ (notifications-*.png).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from awards.persian import to_latin_digits, to_persian_digits
from tests.e2e.conftest import ROOT, SERVED_ENV, axe_violations, horizontal_overflow, screenshot, sign_in

PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted in the demo
IRON = "شرکت معدنی سنگ آهن بافق"  # Yazd, submitted in the demo
PHARMA_REASON = "گواهی استاندارد پیوست نشده است."
IRON_REASON = "پروانهٔ بهره‌برداری معدن پیوست نشده است."
ADDRESSES = {"tehran": "tehran.officer@example.ir", "yazd": "yazd.officer@example.ir"}

#: Gives the two officers an address (there is no page for it: accounts are imported with one), in the app.
GIVE_ADDRESSES = """
import sys
from sqlalchemy import select
from awards import create_app
from awards.extensions import db
from awards.models import User
app = create_app()
with app.app_context():
    for pair in sys.argv[1:]:
        username, address = pair.split("=")
        db.session.scalar(select(User).where(User.username == username)).email = address
    db.session.commit()
"""


@pytest.fixture(scope="module")
def server(fresh_server):
    """The module's own demo (the returns change the screening queue others read), the officers with addresses."""
    done = subprocess.run([sys.executable, "-c", GIVE_ADDRESSES, *(f"{u}={a}" for u, a in ADDRESSES.items())],
                          cwd=ROOT, env=SERVED_ENV[fresh_server], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return fresh_server


def bell_count(page) -> str | None:
    badge = page.locator(".bell .bell-count")
    return badge.inner_text() if badge.count() else None


def checked(page, name: str) -> None:
    """No serious or critical axe violation at desktop and phone width, no sideways scroll; screenshots of both."""
    screenshot(page, f"notifications-{name}-desktop")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        screenshot(page, f"notifications-{name}-phone")
        assert horizontal_overflow(page) == 0
        assert axe_violations(page) == []
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def return_dossier(page, base: str, name: str, reason: str) -> None:
    page.goto(base + "/screening/")
    row = page.locator("tr.queue-row", has=page.get_by_role("link", name=name, exact=True))
    row.locator("summary").click()
    row.get_by_label("دلیل بازگشت به استان").fill(reason)
    row.get_by_role("button", name="بازگرداندن با این دلیل").click()
    expect(page.locator(".flash-messages")).to_contain_text("با دلیل به استان بازگشت")


def wait_for_outbox(page, base: str, addresses) -> None:
    """The job consumer writes the mail after the commit: reload the outbox until every address is there."""
    deadline = time.monotonic() + 30
    while True:
        page.goto(base + "/notifications/outbox")
        text = page.locator("main").inner_text()
        if all(address in text for address in addresses) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for address in addresses:
        expect(page.locator("main")).to_contain_text(address)


def test_officers_are_told_of_their_returned_dossiers_in_their_language(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    base = server

    # The Yazd officer switches to English: the choice is saved on their account.
    sign_in(page, base, "yazd")
    page.get_by_role("button", name="English").click()
    assert page.get_attribute("html", "lang") == "en"

    sign_in(page, base, "tehran")
    unread_before = int(to_latin_digits(bell_count(page) or "0"))
    assert unread_before >= 1  # the demo told them their veteran was accepted: something left to mark all read

    sign_in(page, base, "provincial_affairs-1")
    return_dossier(page, base, PHARMA, PHARMA_REASON)
    return_dossier(page, base, IRON, IRON_REASON)

    # Persian: the bell, the list, the dossier, the count after reading, then mark all read.
    sign_in(page, base, "tehran")
    assert page.get_attribute("html", "dir") == "rtl"
    assert bell_count(page) == to_persian_digits(str(unread_before + 1))
    page.locator("a.bell").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.get_by_role("heading", name="اعلان‌ها", exact=True)).to_be_visible()
    item = page.locator(".notification-list li", has_text=PHARMA).first
    expect(item).to_contain_text(f"پروندهٔ «{PHARMA}» برای اصلاح به استان بازگردانده شد")
    expect(item).to_contain_text(PHARMA_REASON)
    expect(item.locator(".badge")).to_have_text("تازه")
    checked(page, "list-fa")
    item.get_by_role("button", name="باز کردن").click()
    expect(page).to_have_url(re.compile(r"/nominations/\d+$"))
    expect(page.locator("main")).to_contain_text(PHARMA)
    assert bell_count(page) == to_persian_digits(str(unread_before))
    page.goto(base + "/notifications/")
    page.get_by_role("button", name="همه را خوانده‌شده کن").click()
    expect(page.locator(".flash-messages")).to_contain_text("همهٔ اعلان‌ها خوانده شد.")
    assert bell_count(page) is None
    expect(page.locator(".notification-list .badge")).to_have_count(0)
    expect(page.get_by_role("button", name="همه را خوانده‌شده کن")).to_have_count(0)
    page.goto(base + "/account/notifications")
    expect(page.get_by_label("زبان اعلان‌ها و ایمیل‌ها")).to_have_value("fa")
    checked(page, "settings-fa")

    # English: the account's language, even in a browser that never switched.
    sign_in(page, base, "yazd")
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("html", "dir") == "ltr"
    assert bell_count(page) is not None
    page.locator("a.bell").click()
    item = page.locator(".notification-list li", has_text=IRON).first
    expect(item).to_contain_text(IRON_REASON)
    assert "بازگردانده" not in item.inner_text()  # the sentence around the name is not Persian
    checked(page, "list-en")
    page.goto(base + "/account/notifications")
    expect(page.locator("select[name=language]")).to_have_value("en")
    checked(page, "settings-en")

    # The outbox: each officer's mail in their language and direction.
    sign_in(page, base, "admin")
    wait_for_outbox(page, base, ADDRESSES.values())
    checked(page, "outbox")
    row = page.locator("tr", has_text=ADDRESSES["yazd"]).first
    row.get_by_role("link", name="دیدن").click()
    expect(page.locator("main")).to_contain_text(IRON_REASON)
    html = page.locator("pre").nth(1).inner_text()
    assert '<html dir="ltr" lang="en">' in html
    assert page.get_attribute("pre.outbox-text", "dir") == "ltr"  # the English text reads left to right
    checked(page, "outbox-message-en")
    page.goto(base + "/notifications/outbox")
    page.locator("tr", has_text=ADDRESSES["tehran"]).first.get_by_role("link", name="دیدن").click()
    html = page.locator("pre").nth(1).inner_text()
    assert '<html dir="rtl" lang="fa">' in html and PHARMA_REASON in html
    assert page.get_attribute("pre.outbox-text", "dir") == "rtl"
    checked(page, "outbox-message-fa")

