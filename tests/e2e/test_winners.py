"""The public winners page in a real browser: an anonymous visitor after the ceremony, the province filter, the
link to a certificate's verification; the media chair's page; axe on desktop and at 375 px."""

from __future__ import annotations

from playwright.sync_api import expect

from awards.demo import MASKATI
from tests.e2e.conftest import axe_violations, horizontal_overflow, screenshot, sign_in


def test_anonymous_visitor_finds_maskati_among_the_fars_winners(page, final_server):
    response = page.goto(final_server + "/winners/1404")
    assert response.status == 200
    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.locator("h1")).to_contain_text("روز ملی صنعت و معدن ۱۴۰۴")
    screenshot(page, "winners-desktop")
    assert axe_violations(page) == []

    page.get_by_label("استان").select_option(label="فارس")
    page.get_by_role("button", name="نمایش").click()
    assert "province=IR-07" in page.url
    winners = page.locator(".winner")
    expect(winners.filter(has_text=MASKATI)).to_have_count(1)
    assert set(page.locator(".winner-province").all_inner_texts()) == {"فارس"}
    screenshot(page, "winners-fars-desktop")

    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) == 0
    screenshot(page, "winners-fars-phone")
    assert axe_violations(page) == []

    winners.filter(has_text=MASKATI).get_by_role("link").click()
    expect(page.locator(".verify-status")).to_contain_text("این لوح معتبر است.")
    expect(page.locator("main")).to_contain_text(MASKATI)


def test_winners_page_in_english_at_375_px(page, final_server):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(final_server + "/winners/1404")
    page.get_by_role("button", name="English").click()
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("html", "dir") == "ltr"
    expect(page.locator("main")).to_contain_text("Top industrial cluster")
    assert horizontal_overflow(page) == 0
    screenshot(page, "winners-en-phone")
    assert axe_violations(page) == []


def test_media_chair_page_shows_the_open_publication(page, final_server):
    sign_in(page, final_server, "media-chair")
    page.get_by_role("link", name="انتشار برگزیدگان").click()
    expect(page.locator(".publication-state")).to_have_text("صفحهٔ عمومی باز است")
    expect(page.locator(".press-list")).to_contain_text(MASKATI)
    expect(page.get_by_role("link", name="صفحهٔ عمومی برگزیدگان")).to_have_attribute("href", "/winners/1404")
    screenshot(page, "publication-media-chair-desktop")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert horizontal_overflow(page) == 0
    screenshot(page, "publication-media-chair-phone")
    assert axe_violations(page) == []
