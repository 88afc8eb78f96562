"""The ceremony file in Chromium (issue 16): the cluster category's last steps, the budget, and the public page.

The winners chair records the final meeting, its members sign, the result is proposed and confirmed; the
secretariat lists the budget, the finance committee approves its total in sealed minutes and its chair approves
it; the media chair approves the press list and, on the ceremony date, opens the public page, where a visitor
filters by Fars and finds Maskati Lari.

The story starts from the demo's ``results`` stage (``seed-demo --stage results``): every sheet is in, the clock
stands on 2 Tir 1404, and every category but the cluster one is already confirmed. The budget's award counts are
known only once every category is final, so the other five categories are carried there by the seed (through the
same services the UI calls) rather than through about sixty more sign-ins here: ``test_story.py`` already walks one
category's scoring, sign-offs, minutes and confirmation in the browser.

The app reads its demo clock when it starts, so "the ceremony's date has come" is the server restarted with the
clock on 5 Shahrivar 1404, the day after the (postponed) ceremony: a person would simply wait.
"""

from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import create_engine, update

from awards import clock
from awards.demo import MASKATI, STAGE_MOMENTS
from awards.enums import Tier
from awards.labels import LABELS
from awards.models import Setting
from tests.e2e.conftest import RESTARTS, SERVED_ENV, sign_in
from tests.e2e.test_story import admin_confirms, chairs_sign_off, checked, flash, winners_record_and_seal_minutes

CLUSTER = "خوشهٔ صنعتی برتر"
#: The secretariat's cost lines: (tier or None for a fixed cost, item, unit cost as typed, in rials).
BUDGET_LINES = [
    (Tier.GOLD, "تندیس زرین", "۳۵۰٬۰۰۰٬۰۰۰"),
    (Tier.GOLD, "قاب", "2500000"),
    (Tier.CERTIFICATE, "لوح تقدیر", "۴۵۰۰۰۰۰"),
    (None, "محل برگزاری آیین", "۱٬۲۰۰٬۰۰۰٬۰۰۰"),
]


def anonymous(page) -> None:
    """Nobody signed in: the page leaves for about:blank and the cookies go."""
    page.goto("about:blank")
    page.context.clear_cookies()


# ------------------------------------------------------------------------------------------------ the result


def winners_committee_meets_and_proposes(page, base) -> str:
    """The chairs sign off; the winners chair records the final meeting from the results page, every member
    signs; the public confirmation page of the minutes answers anyone; the chair proposes. Returns the
    category's results page."""
    chairs_sign_off(page, base)
    sign_in(page, base, "winners-chair")
    page.get_by_role("link", name="نتایج").first.click()
    page.get_by_role("link", name=CLUSTER).click()
    category_url = page.url
    ranking = page.locator("section[aria-labelledby='ranking-heading'] tbody tr")
    expect(ranking.first).to_contain_text(MASKATI)
    expect(ranking.first).to_contain_text("تندیس زرین ملی و لوح تقدیر")
    # The seed sealed the winners committee's two meetings on the other categories: this is its third.
    meeting_url = winners_record_and_seal_minutes(page, base, number="1404-WIN-03")

    page.goto(meeting_url)
    expect(page.locator(".meeting-state")).to_have_text("مهر و موم‌شده")
    expect(page.locator(".decision-table")).to_contain_text(MASKATI)
    digest = page.locator(".alert-success code.digest").inner_text().strip()
    assert re.fullmatch("[0-9a-f]{64}", digest)
    public_url = page.get_by_role("link", name="صفحهٔ وارسی عمومی").get_attribute("href")
    assert re.search(r"/minutes/[A-Za-z0-9_-]+$", public_url)
    checked(page, "ceremony-minutes-sealed")

    anonymous(page)
    page.goto(public_url if public_url.startswith("http") else base + public_url)
    expect(page.locator(".minutes-status")).to_contain_text("با امضای همهٔ حاضران مهر و موم شده است")
    fields = page.locator(".minutes-fields")
    expect(fields).to_contain_text("1404-WIN-03")
    expect(fields.locator("code.digest")).to_have_text(digest)
    expect(page.locator("main")).not_to_contain_text(MASKATI)  # the number and digest, nothing of the content
    expect(page.locator("form[action$='/logout']")).to_have_count(0)
    checked(page, "ceremony-minutes-public")

    sign_in(page, base, "winners-chair")
    page.goto(category_url)
    page.get_by_role("button", name="پیشنهاد نتیجه").click()
    expect(flash(page)).to_contain_text("نتیجهٔ این رشته پیشنهاد شد")
    return category_url


# ------------------------------------------------------------------------------------------------ the budget


def secretariat_lists_and_sends_the_budget(page, base) -> str:
    """The organizer adds the cost lines and sends the budget; returns its total as the page shows it."""
    sign_in(page, base, "admin")
    page.get_by_role("link", name="بودجه", exact=True).first.click()
    expect(page.locator(".budget-state")).to_have_text("در دست تنظیم")
    expect(page.locator(".budget-pending")).to_have_count(0)  # every category is final: the counts are known
    new_line = page.locator("form[action$='/budget/lines']")
    for number, (tier, item, cost) in enumerate(BUDGET_LINES, start=1):
        if tier is None:
            new_line.get_by_label("هزینهٔ ثابت (مانند محل برگزاری، چاپ، جابه‌جایی)").check()
            new_line.get_by_label("سطح جایزه").select_option(label="— (هزینهٔ ثابت)")
        else:
            new_line.get_by_label("هزینهٔ هر جایزه از یک سطح").check()
            new_line.get_by_label("سطح جایزه").select_option(label=str(LABELS[tier]))
        new_line.get_by_label("شرح").fill(item)
        new_line.get_by_label("مبلغ (ریال)").fill(cost)
        new_line.get_by_role("button", name="افزودن ردیف").click()
        expect(page.locator(".budget-lines tbody tr")).to_have_count(number)
        expect(page.locator(".budget-lines tbody tr").last.locator("td").first).to_have_text(item)
    total = page.locator(".budget-total td").inner_text().strip()
    assert re.fullmatch("[۰-۹٬]+", total), total
    page.get_by_role("button", name="فرستادن برای کمیتهٔ مالی").click()
    expect(page.locator(".budget-state")).to_have_text("نزد کمیتهٔ مالی")
    return total


def finance_committee_approves(page, base, total: str) -> None:
    """The finance chair follows the budget page's link to record the minutes (the amount prefilled), the members
    sign, and the chair approves the budget."""
    sign_in(page, base, "finance-chair")
    page.goto(base + "/budget/")
    expect(page.locator(".budget-state")).to_have_text("نزد کمیتهٔ مالی")
    page.get_by_role("button", name="تأیید بودجه").click()  # no sealed minutes yet: refused
    expect(page.locator(".flash-messages .alert-danger")).to_contain_text("صورتجلسه")
    expect(page.locator(".budget-state")).to_have_text("نزد کمیتهٔ مالی")
    page.locator("a.record-minutes").click()
    expect(page.get_by_label("دستور جلسه")).to_contain_text(total)
    page.get_by_label("محل جلسه").fill("تهران، وزارت صنعت، معدن و تجارت، اتاق جلسات معاونت برنامه‌ریزی")
    page.get_by_role("button", name="ثبت صورتجلسه").click()
    expect(flash(page)).to_contain_text("صورتجلسه ثبت شد")
    expect(page.locator(".meeting-number")).to_have_text("1404-FIN-01")
    expect(page.get_by_label("مبلغ (ریال)")).to_have_value(total)  # the budget page's total, prefilled
    page.get_by_role("button", name="افزودن مصوبه").click()
    expect(flash(page)).to_contain_text("مصوبه افزوده شد.")
    meeting_url = page.url.split("#")[0].split("?")[0]
    for username in ("finance-chair", "finance-1", "finance-2"):
        if username != "finance-chair":
            sign_in(page, base, username)
            page.goto(meeting_url)
        page.get_by_role("button", name="امضا و تأیید صورتجلسه").click()
        expect(flash(page)).to_contain_text("صورتجلسه را تأیید کردید")
    expect(page.locator(".meeting-state")).to_have_text("مهر و موم‌شده")

    sign_in(page, base, "finance-chair")
    page.goto(base + "/budget/")
    page.get_by_role("button", name="تأیید بودجه").click()
    expect(page.locator(".budget-state")).to_have_text("تأییدشدهٔ کمیتهٔ مالی")
    expect(page.locator(".budget-total td")).to_have_text(total)
    words = page.locator(".budget-words td")
    expect(words).to_contain_text("میلیارد")
    expect(words).to_contain_text("ریال")
    checked(page, "ceremony-budget-approved")


def statuette_list_has(page, serial: str) -> None:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="فهرست تندیس‌ها برای سازنده (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as data:  # the saved download has no extension for openpyxl to go by
        book = load_workbook(data, read_only=True)
        cells = {str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                 if cell.value is not None}
    assert serial in cells
    assert MASKATI in cells


# ------------------------------------------------------------------------------------------------ the public page


def media_chair_approves_the_press_list(page, base) -> None:
    sign_in(page, base, "media-chair")
    page.get_by_role("link", name="انتشار برگزیدگان").click()
    expect(page.locator(".press-list")).to_contain_text(MASKATI)
    page.get_by_role("textbox", name="متن آغاز خبرنامه").fill(
        "ستاد برگزاری روز ملی صنعت و معدن، برگزیدگان دورهٔ ۱۴۰۴ را به شرح زیر معرفی می‌کند.")
    page.get_by_role("button", name="ذخیرهٔ متن").click()
    expect(flash(page)).to_be_visible()
    page.get_by_role("button", name="تأیید فهرست برگزیدگان برای انتشار").click()
    expect(page.locator(".publication-state")).to_have_text("تأییدشده برای انتشار")
    # Before the ceremony the page does not open: the refusal is shown beside the button.
    page.get_by_role("button", name="باز کردن صفحهٔ عمومی برگزیدگان").click()
    expect(page.locator("#open-error")).to_be_visible()
    expect(page.locator(".publication-state")).to_have_text("تأییدشده برای انتشار")
    anonymous(page)
    assert page.goto(base + "/winners/1404").status == 404


def the_ceremony_day_comes(base) -> None:
    """Move the demo clock to 5 Shahrivar 1404 (the day after the ceremony) and restart the server to read it."""
    engine = create_engine(SERVED_ENV[base]["AWARDS_DATABASE_URL"])
    try:
        with engine.begin() as connection:
            changed = connection.execute(update(Setting.__table__).where(Setting.key == clock.SETTING_KEY)
                                         .values(value=clock.offset_to(STAGE_MOMENTS["final"]).total_seconds()))
            assert changed.rowcount == 1
    finally:
        engine.dispose()
    RESTARTS[base]()


def media_chair_opens_the_public_page(page, base) -> None:
    sign_in(page, base, "media-chair")
    page.get_by_role("link", name="انتشار برگزیدگان").click()
    page.get_by_role("button", name="باز کردن صفحهٔ عمومی برگزیدگان").click()
    expect(page.locator(".publication-state")).to_have_text("صفحهٔ عمومی باز است")
    expect(page.get_by_role("link", name="صفحهٔ عمومی برگزیدگان")).to_have_attribute("href", "/winners/1404")


def visitor_finds_maskati_among_the_fars_winners(page, base, serial: str) -> None:
    anonymous(page)
    assert page.goto(base + "/winners/1404").status == 200
    expect(page.locator("h1")).to_contain_text("روز ملی صنعت و معدن ۱۴۰۴")
    page.get_by_label("استان").select_option(label="فارس")
    page.get_by_role("button", name="نمایش").click()
    assert "province=IR-07" in page.url
    maskati = page.locator(".winner").filter(has_text=MASKATI)
    expect(maskati).to_have_count(1)
    assert set(page.locator(".winner-province").all_inner_texts()) == {"فارس"}
    checked(page, "ceremony-winners-fars")
    maskati.get_by_role("link").click()
    expect(page.locator(".verify-status")).to_contain_text("این لوح معتبر است.")
    expect(page.locator("main")).to_contain_text(MASKATI)
    expect(page.locator("main")).to_contain_text(serial)


# ------------------------------------------------------------------------------------------------ the story


def test_ceremony_file_from_the_final_meeting_to_the_public_page(page, results_server):
    base = results_server
    page.set_viewport_size({"width": 1280, "height": 900})

    category_url = winners_committee_meets_and_proposes(page, base)
    serial = admin_confirms(page, base, category_url)  # the organizer, not the proposer

    total = secretariat_lists_and_sends_the_budget(page, base)
    finance_committee_approves(page, base, total)
    statuette_list_has(page, serial)

    media_chair_approves_the_press_list(page, base)
    the_ceremony_day_comes(base)
    media_chair_opens_the_public_page(page, base)
    visitor_finds_maskati_among_the_fars_winners(page, base, serial)
