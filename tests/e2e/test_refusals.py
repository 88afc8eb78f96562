"""Refusals in a real browser: another province's dossier, a form without its CSRF token, the wrong committee.

These run on the shared server and change nothing. The wrong password and its throttling are in test_smoke.py;
submitting after the deadline needs the timeline moved, so it is a step of the story (test_story.py), which has a
server of its own.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from awards.demo import MASKATI
from tests.e2e.conftest import axe_violations, screenshot

FARS_COMPANY = "شرکت صنایع الکترونیک پارس شیراز"  # in evaluation, with an evidence document


def fars_addresses(page, signed_in, live_server) -> dict[str, str]:
    """The addresses fars reaches for its own dossiers: the Maskati draft, and a company's evidence document."""
    signed_in("fars")
    page.goto(live_server + "/nominations/")
    page.get_by_role("link", name=MASKATI).click()
    draft = page.url
    page.goto(live_server + "/nominations/")
    page.get_by_role("link", name=FARS_COMPANY).click()
    company = page.url
    document = page.locator(".evidence-list a").first.get_attribute("href")
    return {"view": draft, "edit": draft + "/edit", "company": company, "document": live_server + document}


def test_other_province_gets_the_persian_404_for_every_fars_address(page, live_server, signed_in):
    addresses = fars_addresses(page, signed_in, live_server)
    signed_in("tehran")
    for name, address in addresses.items():
        response = page.goto(address)
        assert (name, response.status) == (name, 404)
        assert page.get_attribute("html", "dir") == "rtl"
        expect(page.locator("h1")).to_have_text("صفحه پیدا نشد")
        expect(page.locator("main")).not_to_contain_text(MASKATI)
    screenshot(page, "refusal-other-province-404")
    assert axe_violations(page) == []


def test_other_province_cannot_post_to_a_fars_dossier(page, live_server, signed_in):
    addresses = fars_addresses(page, signed_in, live_server)
    signed_in("tehran")
    page.goto(live_server + "/nominations/")
    # A form built in tehran's own page, with tehran's valid CSRF token, posting to the Fars draft.
    page.evaluate(
        """([action]) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            const token = document.querySelector('input[name=csrf_token]');
            form.appendChild(token.cloneNode());
            document.body.appendChild(form);
            form.submit();
        }""",
        [addresses["view"] + "/submit"],
    )
    expect(page.locator("h1")).to_have_text("صفحه پیدا نشد")
    signed_in("fars")
    page.goto(addresses["view"])
    expect(page.locator("h1 + .badge")).to_have_text("پیش‌نویس")


def test_dossier_form_posted_without_csrf_token_is_refused_and_changes_nothing(page, live_server, signed_in):
    addresses = fars_addresses(page, signed_in, live_server)
    page.goto(addresses["edit"])
    page.evaluate("document.querySelector('form.dossier-form input[name=csrf_token]').remove()")
    page.locator("[name=city]").fill("شیراز")
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    expect(page.locator("h1")).to_have_text("فرم منقضی شده است")
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot(page, "refusal-csrf-400")
    page.goto(addresses["view"])
    expect(page.locator(".dossier")).to_contain_text("لار")
    expect(page.locator(".dossier")).not_to_contain_text("شیراز")


def test_member_of_another_committee_gets_403_on_a_score_sheet(page, live_server, signed_in):
    signed_in("media-1")
    page.goto(live_server + "/evaluation/")
    page.locator("section[aria-labelledby='committee-media'] tbody tr a").first.click()
    sheet = page.url
    assert re.search(r"/evaluation/\d+/media$", sheet)
    signed_in("finance-1")
    response = page.goto(sheet)
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("دسترسی ندارید")


def test_province_officer_gets_403_on_the_screening_queue(page, live_server, signed_in):
    signed_in("fars")
    response = page.goto(live_server + "/screening/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("دسترسی ندارید")
    expect(page.get_by_role("link", name="بازگشت به پیشخوان")).to_be_visible()
