"""A judge's evening in a real browser: the conflict question first, a live weighted total equal to the server's,
Enter to the next criterion, previous and next nominee, and evidence previewed inline."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from awards.evaluation.forms import show_number
from awards.evaluation.scoring import CriterionSpec, round2, sheet_score
from awards.persian import to_persian_digits
from tests.e2e.conftest import axe_violations, horizontal_overflow, screenshot, sign_in
from tests.e2e.test_story import admin_moves_timeline


def _fa(text: str) -> str:
    return to_persian_digits(text).replace(".", "٫")


def _shots(page, label: str) -> None:
    """Desktop and phone screenshots (no sideways scroll on a phone), axe clean at both widths."""
    assert axe_violations(page) == []
    screenshot(page, f"workspace-{label}-desktop")
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        assert horizontal_overflow(page) == 0
        assert axe_violations(page) == []
        screenshot(page, f"workspace-{label}-phone")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def _server_total(page, texts: list[str]) -> str:
    """The server's S for these values, from the criteria the page carries, shown as the page shows numbers."""
    inputs = page.locator(".score-input")
    specs = [CriterionSpec(id=i, committee="winners", max_points=Decimal(inputs.nth(i).get_attribute("data-max")),
                           weight=Decimal(inputs.nth(i).get_attribute("data-weight")))
             for i in range(inputs.count())]
    return show_number(round2(sheet_score({i: Decimal(t or "0") for i, t in enumerate(texts)}, specs)))


def test_a_judge_scores_with_the_workspace(page, fresh_server):
    base = fresh_server
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_moves_timeline(page, base, {"پایان معرفی نامزدها": ("اردیبهشت", 19),
                                      "پایان غربالگری": ("اردیبهشت", 19)}, "ارزیابی کمیته‌ها", "workspace")
    sign_in(page, base, "winners-1")
    page.goto(base + "/evaluation/")
    page.locator("section[aria-labelledby='committee-winners'] tbody tr").first.get_by_role("link").click()

    # The conflict question comes first; the sheet waits for the answer.
    step = page.locator("[data-conflict-step]")
    expect(step.get_by_role("heading")).to_have_text("آیا با این نامزد تعارض منافع دارید؟")
    expect(page.locator("#sheet-form")).to_be_hidden()
    expect(page.locator(".sheet-nav")).to_contain_text(re.compile("نامزد ۱ از [۰-۹]+"))
    _shots(page, "conflict-step")
    page.get_by_role("link", name="نه، امتیاز می‌دهم").click()
    inputs = page.locator(".score-input")
    expect(inputs.first).to_be_focused()
    expect(step.get_by_role("link", name="نه، امتیاز می‌دهم")).to_be_hidden()
    expect(step.locator("summary")).to_have_text("بله، اعلام می‌کنم")  # still there, compact

    # Typing (Persian digits, «٫»), Enter moves on; the total follows and equals the server's figure.
    total = page.locator("[data-total-value]")
    count = inputs.count()
    maxima = [Decimal(inputs.nth(i).get_attribute("data-max")) for i in range(count)]
    texts = [str(m / 2 + Decimal("0.5")) if i % 2 else str(m - 1) for i, m in enumerate(maxima)]
    typed: list[str] = []
    for i, text in enumerate(texts):
        page.keyboard.type(_fa(text))
        typed.append(text)
        expect(total).to_have_text(_server_total(page, typed + [""] * (count - len(typed))))
        page.keyboard.press("Enter")
        if i + 1 < count:
            expect(inputs.nth(i + 1)).to_be_focused()
    expect(page.locator("textarea[name=comment]")).to_be_focused()
    figure = _server_total(page, texts)
    expect(total).to_have_text(figure)
    assert page.locator("[data-running-total] [aria-live=polite]").count() >= 1

    # Out of range: a hint beside the field, and the total does not jump.
    inputs.first.fill(_fa(str(maxima[0] + 5)))
    expect(page.locator(f"#{inputs.first.get_attribute('id')}-range")).to_be_visible()
    expect(total).to_have_text(figure)
    inputs.first.fill(_fa(texts[0]))
    expect(page.locator(f"#{inputs.first.get_attribute('id')}-range")).to_be_hidden()
    page.locator("[data-running-total] summary").click()
    expect(page.locator("[data-running-total] code")).to_have_text("S = 100 × Σ(w·r/m) / Σw")
    _shots(page, "typing")

    # Save the draft: the server keeps the same figure and offers the next nominee prominently.
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    expect(page.locator(".flash-messages")).to_contain_text("پیش‌نویس ذخیره شد.")
    expect(total).to_have_text(figure)
    expect(page.locator("[data-conflict-step]")).to_have_count(0)
    next_link = page.locator("[data-sheet-nav=next]")
    expect(next_link).to_have_class(re.compile("btn-primary"))

    # Next nominees, until one with evidence: its preview opens inline on a click.
    for position in range(2, 12):
        next_link.click()
        expect(page.locator(".sheet-nav")).to_contain_text(f"نامزد {_fa(str(position))} از")
        if page.locator(".evidence-preview").count():
            break
    preview = page.locator(".evidence-preview").first
    preview.locator("summary").click()
    image = preview.locator("img")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.get_attribute("loading") == "lazy"
    _shots(page, "evidence-preview")

    # And back: the previous link returns to the saved draft.
    page.locator("[data-sheet-nav=previous]").click()
    expect(page.locator(".sheet-nav")).to_contain_text(re.compile("نامزد [۰-۹]+ از"))
    here = page.locator(".sheet-nav").inner_text()

    # On a Persian keyboard layout Alt+N types «د»: the shortcut goes by the physical key and still moves on.
    page.locator("h1").click()
    with page.expect_navigation():
        page.evaluate("""() => document.dispatchEvent(new KeyboardEvent('keydown',
            {code: 'KeyN', key: 'د', altKey: true, bubbles: true}))""")
    expect(page.locator(".sheet-nav")).not_to_have_text(here)
