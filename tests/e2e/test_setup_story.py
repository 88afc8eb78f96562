"""A real cycle from an empty installation, in Chromium, through the UI only.

The server's database was set up by ``flask --app wsgi init`` (``init_server``): no demo, no cycle, one
organizer. The secretariat creates the 1405 cycle with a timeline around today (Tehran), a category and its
rubric, a signatory, and the accounts of a province officer and the committees (one by hand, the rest imported
from a CSV); the officer submits a dossier, the committees screen and score it, the result is proposed and
confirmed, the certificate is printed and an anonymous visitor verifies it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from awards.enums import Tier
from awards.labels import LABELS
from awards.persian import to_latin_digits, to_persian_digits
from tests.e2e.conftest import INIT_PASSWORD, INIT_USERNAME, ROOT, SCREENSHOTS, SERVED_ENV, sign_in
from tests.e2e.test_story import checked, fa, fill_and_submit_sheet, flash, pdf_file, screenshot
from tests.fresh_database import fresh_database_url

TEHRAN = ZoneInfo("Asia/Tehran")
CYCLE_TITLE = "بیست‌وهفتمین دورهٔ انتخاب واحدهای نمونهٔ صنعت و معدن (۱۴۰۵)"
CATEGORY = "خوشهٔ صنعتی برتر"
NOMINEE = "خوشه صنعتی قطعات خودرو شیراز"
CITATION = ("خوشه صنعتی قطعات خودرو شیراز با پیوند دادن ده‌ها واحد کوچک به زنجیرهٔ تأمین خودروسازان، "
            "ساخت داخل قطعات کلیدی را ممکن کرد.")
TEMPORARY_PASSWORD = "Movaghat-1405-avval"
NEW_PASSWORD = "Gozarvazhe-tazeh-1405"
SCORING = ("winners", "provincial_affairs", "media", "finance", "content")

#: The accounts the story imports: username, full name, role, province, committee, chair.
IMPORTED = [
    ("fars-officer", "مریم کاظمی", "province_officer", "IR-07", "", ""),
    ("pa-chair", "حسین رضایی", "committee_member", "", "provincial_affairs", "بله"),
    ("media-chair", "زهرا موسوی", "committee_member", "", "media", "بله"),
    ("finance-chair", "علی کریمی", "committee_member", "", "finance", "بله"),
    ("content-chair", "فاطمه حسینی", "committee_member", "", "content", "بله"),
    ("oversight-chair", "محمد جعفری", "committee_member", "", "oversight", "بله"),
    ("winners-member", "نرگس احمدی", "committee_member", "", "winners", "خیر"),
]
WINNERS_CHAIR = ("winners-chair", "رضا صادقی")
JUDGES = {"winners": ["winners-chair", "winners-member"], "provincial_affairs": ["pa-chair"],
          "media": ["media-chair"], "finance": ["finance-chair"], "content": ["content-chair"]}


def jalali(days: int) -> str:
    """The Jalali date ``days`` from today in Tehran, as typed on a Persian keyboard: ۱۴۰۵/۰۹/۱۰."""
    day = datetime.now(TEHRAN).date() + timedelta(days=days)
    return to_persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


TIMELINE = {  # field label: days from today
    "آغاز معرفی نامزدها": -3, "پایان معرفی نامزدها": 14, "پایان غربالگری": 21, "پایان ارزیابی": 35,
    "نهایی‌شدن نتایج": 42, "آیین اهدا": 60,
}


def type_date(page, label: str, value: str) -> None:
    """Type a date into a Jalali field (the date picker opens; typing is what a user on a keyboard does)."""
    box = page.get_by_label(label, exact=True)
    box.click()  # the picker opens (and the field's digits turn Latin, which is all the picker reads)
    box.fill(value)
    picker = page.locator("jdp-container")
    for _ in range(50):  # Escape closes the picker, once its opening transition has ended
        box.press("Escape")
        if picker.is_hidden():
            break
        page.wait_for_timeout(100)
    expect(picker).to_be_hidden()
    expect(box).to_have_value(value)


# ------------------------------------------------------------------------------------------------ set-up


def organizer_creates_the_cycle(page, base) -> int:
    sign_in(page, base, INIT_USERNAME, INIT_PASSWORD)
    page.get_by_role("link", name="مدیریت").first.click()
    expect(page.locator("main")).to_contain_text("دوره")
    checked(page, "setup-admin-empty")
    page.get_by_role("link", name="دورهٔ تازه").click()
    page.get_by_label("سال شمسی دوره").fill("۱۴۰۵")
    page.get_by_label("عنوان دوره").fill(CYCLE_TITLE)
    for label, days in TIMELINE.items():
        type_date(page, label, jalali(days))
    # First a screening deadline before the close of nominations: refused beside the field, nothing lost.
    type_date(page, "پایان غربالگری", jalali(10))
    page.get_by_role("button", name="ساختن دوره").click()
    expect(page.locator("#screening_close_at-error")).to_contain_text("پایان غربالگری")
    expect(page.get_by_label("سال شمسی دوره")).to_have_value("۱۴۰۵")
    expect(page.get_by_label("عنوان دوره")).to_have_value(CYCLE_TITLE)
    expect(page.get_by_label("پایان غربالگری", exact=True)).to_have_value(to_latin_digits(jalali(10)))
    expect(page.get_by_label("آیین اهدا", exact=True)).to_have_value(to_latin_digits(jalali(60)))
    checked(page, "setup-cycle-error")
    type_date(page, "پایان غربالگری", jalali(21))
    page.get_by_role("button", name="ساختن دوره").click()
    expect(flash(page)).to_contain_text("۱۴۰۵")
    expect(page.locator("h1")).to_have_text(CYCLE_TITLE)
    expect(page.locator("main")).to_contain_text("معرفی نامزد")
    return int(re.search(r"/admin/cycles/(\d+)", page.url).group(1))


def organizer_creates_the_category(page, base, cycle_id: int) -> int:
    page.goto(f"{base}/admin/cycles/{cycle_id}")
    page.get_by_role("link", name="رشتهٔ تازه").click()
    page.get_by_label("کد رشته").fill("cluster")
    page.get_by_label("نوع نامزد").select_option("cluster")
    page.get_by_label("عنوان فارسی").fill(CATEGORY)
    page.get_by_label("عنوان انگلیسی").fill("Top industrial cluster")
    page.get_by_label("سهمیهٔ هر استان").fill("۲")
    page.get_by_label("سهمیهٔ تندیس زرین").fill("۱")
    page.get_by_label("سهمیهٔ لوح تقدیر").fill("۲")
    checked(page, "setup-category-form")
    page.get_by_role("button", name="ساختن رشته").click()
    expect(flash(page)).to_contain_text(CATEGORY)
    row = page.locator("tbody tr").filter(has_text=CATEGORY)
    expect(row).to_contain_text("cluster")
    checked(page, "setup-cycle-page")
    page.goto(f"{base}/admin/cycles/{cycle_id}")
    row = page.locator("tbody tr").filter(has_text=CATEGORY)
    row.get_by_role("link", name=re.compile("رابریک|معیار")).first.click()
    return int(re.search(r"/evaluation/rubric/(\d+)", page.url).group(1))


def organizer_sets_the_rubric(page, base, category_id: int) -> None:
    page.goto(f"{base}/evaluation/rubric/{category_id}")
    criteria = {
        "winners": "برجستگی دستاورد در سطح ملی", "provincial_affairs": "اثر بر اشتغال و توسعهٔ استان",
        "media": "بازتاب رسانه‌ای و اعتبار اجتماعی", "finance": "سلامت و رشد مالی",
        "content": "کیفیت مستندات و روایت پرونده",
    }
    names = {"winners": "برگزیدگان", "provincial_affairs": "امور استان", "media": "رسانه", "finance": "مالی",
             "content": "محتوا"}
    for code, title in criteria.items():
        card = page.locator("section.card").filter(has=page.locator("h2", has_text=names[code]))
        expect(card).to_have_count(1)
        new = card.locator("fieldset.criterion-row").last
        new.get_by_label("عنوان معیار").fill(title)
        new.get_by_label("سقف نمره").fill("۲۰")
        new.get_by_label("وزن").fill("۱")
        new.get_by_label("ترتیب").fill("۱")
    page.get_by_role("button", name="ذخیرهٔ تنظیمات").click()
    expect(flash(page)).to_be_visible()
    expect(page.locator(".alert-danger")).to_have_count(0)
    for title in criteria.values():
        expect(page.locator(f"input[value='{title}']")).to_have_count(1)
    checked(page, "setup-rubric")


def organizer_adds_a_signatory(page, base, cycle_id: int, tmp_path) -> None:
    page.goto(f"{base}/admin/cycles/{cycle_id}")
    page.get_by_role("link", name="امضاکنندگان لوح").click()
    expect(page.locator("main")).to_contain_text("هنوز امضاکننده‌ای ندارد")
    form = page.locator("#new-signatory")
    form.get_by_label("نام").fill("محمد اتابک")
    form.get_by_role("button", name="افزودن").click()  # no title: refused beside the field, the name kept
    form = page.locator("#new-signatory")
    expect(form.locator(".invalid-feedback")).to_contain_text("سمت امضاکننده را بنویسید.")
    expect(form.get_by_label("نام")).to_have_value("محمد اتابک")
    form.get_by_label("سمت").fill("وزیر صنعت، معدن و تجارت")
    form.get_by_role("button", name="افزودن").click()
    expect(flash(page)).to_contain_text("امضاکنندهٔ «محمد اتابک» افزوده شد.")
    # A second one, moved before the first, then removed again (the confirmation is required).
    form = page.locator("#new-signatory")
    form.get_by_label("نام").fill("معاون امور صنایع")
    form.get_by_label("سمت").fill("دبیر جایزه")
    form.get_by_role("button", name="افزودن").click()
    cards = page.locator("section.card")
    expect(cards).to_have_count(2)
    cards.nth(1).get_by_role("button", name="یک جا جلوتر").click()
    expect(flash(page)).to_contain_text("ترتیب امضاکنندگان ذخیره شد.")
    expect(cards.first.get_by_label("نام")).to_have_value("معاون امور صنایع")
    checked(page, "setup-signatories")
    cards.first.get_by_role("link", name="برداشتن").click()
    page.get_by_role("button", name="بردار").click()
    expect(page.locator("main .invalid-feedback")).to_contain_text("تأیید را علامت بزنید")
    checked(page, "setup-signatory-remove")
    page.get_by_label("بله، این امضاکننده برداشته شود").check()
    page.get_by_role("button", name="بردار").click()
    expect(flash(page)).to_contain_text("امضاکنندهٔ «معاون امور صنایع» برداشته شد.")
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_label("نام")).to_have_value("محمد اتابک")


def organizer_creates_the_winners_chair(page, base) -> None:
    page.goto(base + "/admin/users")
    page.get_by_role("link", name="کاربر تازه").click()
    page.get_by_label("نام کاربری").fill(WINNERS_CHAIR[0])
    page.get_by_label("نام و نام خانوادگی").fill(WINNERS_CHAIR[1])
    page.get_by_label("نقش").select_option("committee_member")
    page.get_by_label("کمیته", exact=True).select_option("winners")
    page.get_by_label("رئیس کمیته").check()
    page.get_by_label("گذرواژهٔ موقت").fill(TEMPORARY_PASSWORD)
    checked(page, "setup-new-user")
    page.get_by_role("button", name="ساختن حساب").click()
    expect(flash(page)).to_contain_text(WINNERS_CHAIR[1])


def organizer_imports_the_others(page, base, tmp_path) -> dict[str, str]:
    path = tmp_path / "کاربران-۱۴۰۵.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["username", "full_name", "role", "province_code", "committee_code", "is_chair"])
        writer.writerows(IMPORTED)
    page.goto(base + "/admin/users")
    page.get_by_role("link", name=re.compile("ورود گروهی|درون‌ریزی")).first.click()
    page.get_by_label("پروندهٔ کاربران (xlsx یا CSV)").set_input_files(path)
    page.get_by_role("button", name=re.compile("ورود|بارگذاری")).last.click()
    links = {}
    rows = page.locator("table.links-table tbody tr")
    expect(rows).to_have_count(len(IMPORTED))
    for i in range(len(IMPORTED)):
        row = rows.nth(i)
        links[row.locator("bdi").inner_text().strip()] = row.locator("code.password-link").inner_text().strip()
    assert set(links) == {user[0] for user in IMPORTED}
    checked(page, "setup-import-links")
    return links


def organizer_checks_the_winners_committee(page, base, cycle_id: int) -> None:
    page.goto(f"{base}/admin/cycles/{cycle_id}")
    page.locator("#main").get_by_role("link", name=re.compile("برگزیدگان")).first.click()  # not the menu's item
    assert page.url.endswith(f"/admin/cycles/{cycle_id}/committees/winners")
    members = page.locator("section[aria-labelledby='members-heading'] li.list-group-item")
    expect(members).to_have_count(2)
    expect(members.filter(has_text=WINNERS_CHAIR[1]).locator(".badge")).to_have_text("رئیس")
    expect(members.filter(has_text="نرگس احمدی").locator(".badge")).to_have_count(0)
    checked(page, "setup-committee")


def set_password_by_link(page, link: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_label("گذرواژهٔ تازه", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("تکرار گذرواژهٔ تازه").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ذخیرهٔ گذرواژه").click()
    expect(flash(page)).to_be_visible()


# ------------------------------------------------------------------------------------------------ the dossier


def officer_submits_a_dossier(page, base, link: str, tmp_path) -> int:
    set_password_by_link(page, link)
    sign_in(page, base, "fars-officer", NEW_PASSWORD)
    page.get_by_role("link", name="پرونده‌های استان").first.click()
    page.get_by_role("link", name="معرفی نامزد تازه").click()
    page.locator(".category-card").filter(has_text=CATEGORY).get_by_role("link").click()
    page.locator("[name=nominee_name]").fill(NOMINEE)
    page.locator("[name=representative_name]").fill("کامران نیک‌نام")
    page.locator("[name=representative_title]").fill("مدیر توسعهٔ خوشه")
    page.locator("[name=city]").fill("شیراز")
    page.locator("[name=sector]").fill("قطعه‌سازی خودرو")
    page.locator("[name=founding_year]").fill("۱۳۹۲")
    page.locator("[name=employees]").fill("۸۵۰")
    page.locator("[name=narrative]").fill(
        "تشکیل شرکت توسعهٔ خوشه، راه‌اندازی آزمایشگاه مشترک کیفیت و ساخت داخل ۴۰ قطعهٔ وارداتی.")
    page.get_by_role("button", name="ذخیرهٔ پیش‌نویس").click()
    expect(flash(page)).to_contain_text(NOMINEE)
    nomination = int(re.search(r"/nominations/(\d+)", page.url).group(1))
    page.get_by_label("پروندهٔ مدرک").set_input_files(pdf_file(tmp_path, "گزارش-خوشه.pdf", "Shiraz cluster"))
    page.get_by_role("button", name="بارگذاری مدرک").click()
    expect(flash(page)).to_contain_text("پیوست شد")
    expect(page.get_by_text("پرونده کامل است و آمادهٔ ارسال.")).to_be_visible()
    page.get_by_role("button", name="ارسال برای غربالگری").click()
    expect(flash(page)).to_contain_text("پرونده ارسال شد")
    expect(page.locator("h1 + .badge")).to_have_text("ارسال‌شده")
    screenshot(page, "setup-dossier-submitted")
    return nomination


def screening_and_compliance(page, base, links: dict[str, str], nomination: int) -> None:
    set_password_by_link(page, links["pa-chair"])
    sign_in(page, base, "pa-chair", NEW_PASSWORD)
    page.get_by_role("link", name="غربالگری").first.click()
    page.locator(f"#nomination-{nomination}").get_by_role("button", name="پذیرش برای ارزیابی").click()
    expect(flash(page)).to_contain_text(f"«{NOMINEE}» پذیرفته شد و به ارزیابی رفت.")

    set_password_by_link(page, links["oversight-chair"])
    sign_in(page, base, "oversight-chair", NEW_PASSWORD)
    page.get_by_role("link", name="بررسی انطباق").first.click()
    card = page.locator(f"#nomination-{nomination}")
    card.locator("summary").click()  # the row's result form opens from its summary
    card.get_by_label("تأیید انطباق").check()
    card.get_by_label("دلیل").fill("پروانهٔ بهره‌برداری و مفاصاحساب‌های مالیاتی و بیمه‌ای بررسی شد.")
    card.get_by_role("button", name="ثبت نتیجه").click()
    expect(flash(page)).to_contain_text(f"انطباق «{NOMINEE}» تأیید شد.")


def organizer_moves_the_timeline(page, base, dates: dict[str, int], phase: str, label: str) -> None:
    sign_in(page, base, INIT_USERNAME, INIT_PASSWORD)
    page.goto(base + "/cycles/")
    page.get_by_role("link", name="ویرایش زمان‌بندی و تمدید مهلت").click()
    for field_label, days in dates.items():
        type_date(page, field_label, jalali(days))
    page.get_by_label("دلیل تغییر").fill("پیش بردن دوره به مرحلهٔ بعد.")
    page.get_by_role("button", name="ذخیرهٔ زمان‌بندی").click()
    expect(flash(page)).to_contain_text("زمان‌بندی دوره به‌روز شد.")
    expect(page.locator(".badge").filter(has_text=phase)).to_be_visible()
    checked(page, f"setup-timeline-{label}")


def judges_score(page, base, links: dict[str, str]) -> None:
    for code, usernames in JUDGES.items():
        for username in usernames:
            if username == WINNERS_CHAIR[0]:
                # The temporary password works once: every page leads to the change-password form first.
                page.goto("about:blank")
                page.context.clear_cookies()
                page.goto(base + "/login")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", TEMPORARY_PASSWORD)
                page.get_by_role("button", name="ورود", exact=True).click()
                expect(page).to_have_url(re.compile("/account/password"))
                page.goto(base + "/evaluation/")
                expect(page).to_have_url(re.compile("/account/password"))
                page.get_by_label("گذرواژهٔ کنونی").fill(TEMPORARY_PASSWORD)
                page.get_by_label("گذرواژهٔ تازه", exact=True).fill(NEW_PASSWORD)
                page.get_by_label("تکرار گذرواژهٔ تازه").fill(NEW_PASSWORD)
                page.get_by_role("button", name="ذخیرهٔ گذرواژهٔ تازه").click()
            elif username not in ("pa-chair",):
                set_password_by_link(page, links[username])
            sign_in(page, base, username, NEW_PASSWORD)
            page.goto(base + "/evaluation/")
            row = page.locator(f"section[aria-labelledby='committee-{code}'] tbody tr").filter(has_text=NOMINEE)
            row.get_by_role("link").click()
            expect(page.locator("h1")).to_have_text(NOMINEE)
            page.get_by_role("link", name="نه، امتیاز می‌دهم").click()  # a sheet never saved asks about a conflict
            fill_and_submit_sheet(page, [fa(18.5 if username.endswith("chair") else 17)])


# ------------------------------------------------------------------------------------------------ results


def chairs_sign_off(page, base) -> None:
    """The chair of every scoring committee signs off its scoring of the category on the results page."""
    for code in SCORING:
        sign_in(page, base, JUDGES[code][0], NEW_PASSWORD)
        page.get_by_role("link", name="نتایج").first.click()
        page.get_by_role("link", name=CATEGORY).click()
        page.locator("#signoffs").get_by_role("button", name="امضای امتیازهای کمیته").click()
        expect(flash(page)).to_contain_text("امتیازهای کمیته امضا شد.")
        expect(page.locator(f"#signoffs tr.signoff-{code}")).to_contain_text("امضاشده")


def winners_chair_proposes(page, base) -> str:
    chairs_sign_off(page, base)
    sign_in(page, base, WINNERS_CHAIR[0], NEW_PASSWORD)
    page.get_by_role("link", name="نتایج").first.click()
    page.get_by_role("link", name=CATEGORY).click()
    ranking = page.locator("section[aria-labelledby='ranking-heading'] tbody tr")
    expect(ranking.first).to_contain_text(NOMINEE)
    expect(ranking.first).to_contain_text("تندیس زرین ملی و لوح تقدیر")
    screenshot(page, "setup-results-before-proposal")
    category_url = page.url
    # The ranking first goes into the winners committee's minutes, signed by both members present.
    page.get_by_role("link", name="ثبت صورتجلسه").click()
    page.get_by_label("محل جلسه").fill("شیراز، سازمان صنعت، معدن و تجارت فارس")
    page.get_by_role("button", name="ثبت صورتجلسه").click()
    expect(flash(page)).to_contain_text("صورتجلسه ثبت شد")
    page.get_by_role("button", name="افزودن مصوبه").click()
    expect(flash(page)).to_contain_text("مصوبه افزوده شد.")
    meeting_url = page.url.split("#")[0].split("?")[0]
    page.get_by_role("button", name="امضا و تأیید صورتجلسه").click()
    expect(flash(page)).to_contain_text("صورتجلسه را تأیید کردید")
    sign_in(page, base, "winners-member", NEW_PASSWORD)
    page.goto(meeting_url)
    page.get_by_role("button", name="امضا و تأیید صورتجلسه").click()
    expect(flash(page)).to_contain_text("مهر و موم شد")
    sign_in(page, base, WINNERS_CHAIR[0], NEW_PASSWORD)
    page.goto(category_url)
    page.get_by_role("button", name="پیشنهاد نتیجه").click()
    expect(flash(page)).to_contain_text("نتیجهٔ این رشته پیشنهاد شد")
    return page.url


def content_chair_writes_the_citation(page, base) -> None:
    sign_in(page, base, "content-chair", NEW_PASSWORD)
    page.goto(base + "/evaluation/citations")
    page.locator("tbody tr").filter(has_text=NOMINEE).get_by_role("link", name=NOMINEE).click()
    page.get_by_label("متن لوح").fill(CITATION)
    page.get_by_role("button", name="ذخیرهٔ متن").click()
    expect(flash(page)).to_contain_text("متن لوح ذخیره شد.")
    page.get_by_role("button", name="تأیید این متن").click()
    expect(flash(page)).to_contain_text("متن لوح تأیید شد.")


def budget_approved_in_minutes(page, base) -> None:
    """Certificates of a tier print only under an approved budget: the organizer lists the statuette's cost and
    sends the budget; the finance chair (the committee's only member) records it in minutes, which their
    signature seals, and approves it."""
    sign_in(page, base, INIT_USERNAME, INIT_PASSWORD)
    page.goto(base + "/budget/")
    new_line = page.locator("form[action$='/budget/lines']")
    new_line.get_by_label("هزینهٔ هر جایزه از یک سطح").check()
    new_line.get_by_label("سطح جایزه").select_option(label=str(LABELS[Tier.GOLD]))
    new_line.get_by_label("شرح").fill("تندیس زرین")
    new_line.get_by_label("مبلغ (ریال)").fill("۳۵۰٬۰۰۰٬۰۰۰")
    new_line.get_by_role("button", name="افزودن ردیف").click()
    expect(page.locator(".budget-lines tbody tr")).to_have_count(1)
    page.get_by_role("button", name="فرستادن برای کمیتهٔ مالی").click()
    expect(page.locator(".budget-state")).to_have_text("نزد کمیتهٔ مالی")
    sign_in(page, base, "finance-chair", NEW_PASSWORD)
    page.goto(base + "/budget/")
    page.locator("a.record-minutes").click()
    page.get_by_label("محل جلسه").fill("تهران، دبیرخانهٔ روز ملی صنعت و معدن")
    page.get_by_role("button", name="ثبت صورتجلسه").click()
    expect(flash(page)).to_contain_text("صورتجلسه ثبت شد")
    page.get_by_role("button", name="افزودن مصوبه").click()
    expect(flash(page)).to_contain_text("مصوبه افزوده شد.")
    page.get_by_role("button", name="امضا و تأیید صورتجلسه").click()
    expect(page.locator(".meeting-state")).to_have_text("مهر و موم‌شده")
    page.goto(base + "/budget/")
    page.get_by_role("button", name="تأیید بودجه").click()
    expect(page.locator(".budget-state")).to_have_text("تأییدشدهٔ کمیتهٔ مالی")


def organizer_confirms_and_prints(page, base, category_url: str) -> str:
    sign_in(page, base, INIT_USERNAME, INIT_PASSWORD)
    page.goto(category_url)
    page.get_by_role("button", name="تأیید و نهایی‌کردن نتیجه").click()
    expect(flash(page)).to_contain_text("نتیجهٔ این رشته نهایی شد")
    awards = page.locator("section[aria-labelledby='final-heading'] tbody tr")
    expect(awards.first).to_contain_text(NOMINEE)
    serial = awards.first.locator("td").first.inner_text().strip()
    assert serial == "1405-CLUSTER-001"
    screenshot(page, "setup-results-final")

    budget_approved_in_minutes(page, base)
    sign_in(page, base, INIT_USERNAME, INIT_PASSWORD)
    page.goto(base + "/")
    page.get_by_role("link", name="لوح‌ها").first.click()
    page.get_by_role("link", name=serial).click()
    expect(page.locator("main")).to_contain_text(CITATION)
    verify_url = page.locator("a[href*='/verify/']").get_attribute("href")
    assert verify_url.startswith(base + "/verify/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="چاپ لوح (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{serial}.pdf"
    pdf = PdfReader(download.path())
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = pdf.pages[0].extract_text().replace("\u200c", "")
    assert "1405-CLUSTER-001" in text
    assert "اتابک" in text  # the signatory added at set-up
    keep_certificate(download.path())
    return verify_url


def keep_certificate(path) -> None:
    """Keep the PDF and (when poppler is installed) a picture of it beside the screenshots, to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copyfile(path, SCREENSHOTS / "setup-certificate.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(SCREENSHOTS / "setup-certificate.pdf"),
                        str(SCREENSHOTS / "setup-certificate")], check=True)


def anonymous_visitor_verifies(page, verify_url: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(verify_url)
    expect(page.locator(".verify-status")).to_contain_text("این لوح معتبر است")
    expect(page.locator("main")).to_contain_text(NOMINEE)
    expect(page.locator("form[action$='/logout']")).to_have_count(0)
    checked(page, "setup-verify")


# ------------------------------------------------------------------------------------------------ backup


def backup_in_the_middle_restores(base, tmp_path, nomination: int) -> None:
    """While the app runs, back it up; the archive verifies and restores into an empty database and upload folder,
    and the copy holds the same rows (restore compares every table's count with the manifest) and the dossier's
    evidence, byte for byte."""
    env = dict(SERVED_ENV[base])
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    archive = tmp_path / "middle.tar.gz"
    made = subprocess.run([*flask, "backup", "--out", str(archive)], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    checked_archive = subprocess.run([*flask, "backup", "--verify", str(archive)], cwd=ROOT, env=env,
                                     capture_output=True, text=True)
    assert checked_archive.returncode == 0, checked_archive.stdout + checked_archive.stderr
    with tarfile.open(archive) as members:
        manifest = json.loads(members.extractfile("manifest.json").read())
    assert manifest["row_counts"]["nominations"] == 1

    target = tmp_path / "restored"
    target.mkdir()
    with fresh_database_url(target) as restored_url:
        restore_env = {**env, "AWARDS_DATABASE_URL": restored_url, "AWARDS_UPLOAD_FOLDER": str(target / "uploads"),
                       "AWARDS_INSTANCE_DIR": str(target)}
        done = subprocess.run([*flask, "restore", str(archive)], cwd=ROOT, env=restore_env, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        engine = create_engine(restored_url)
        try:
            with engine.connect() as conn:
                state = conn.execute(text("SELECT state FROM nominations WHERE id = :id"), {"id": nomination}).scalar()
                stored, sha = conn.execute(text("SELECT stored_name, sha256 FROM evidence_documents "
                                                "WHERE nomination_id = :id"), {"id": nomination}).one()
        finally:
            engine.dispose()
    assert state == "submitted"
    assert hashlib.sha256((target / "uploads" / stored).read_bytes()).hexdigest() == sha


# ------------------------------------------------------------------------------------------------ the story


def test_secretariat_runs_1405_from_an_empty_database(page, init_server, tmp_path):
    run_the_story(page, init_server, tmp_path)


def test_secretariat_runs_1405_under_production_serving(page, init_production_server, tmp_path):
    """The same story on gunicorn with the production config, jobs and sessions in Redis."""
    run_the_story(page, init_production_server, tmp_path)


def run_the_story(page, base: str, tmp_path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})

    cycle_id = organizer_creates_the_cycle(page, base)
    category_id = organizer_creates_the_category(page, base, cycle_id)
    organizer_sets_the_rubric(page, base, category_id)
    organizer_adds_a_signatory(page, base, cycle_id, tmp_path)
    organizer_creates_the_winners_chair(page, base)
    links = organizer_imports_the_others(page, base, tmp_path)
    organizer_checks_the_winners_committee(page, base, cycle_id)

    nomination = officer_submits_a_dossier(page, base, links["fars-officer"], tmp_path)
    backup_in_the_middle_restores(base, tmp_path, nomination)
    screening_and_compliance(page, base, links, nomination)
    # Nominations and screening closed yesterday: evaluation is open.
    organizer_moves_the_timeline(page, base, {"پایان معرفی نامزدها": -1, "پایان غربالگری": -1},
                                 "ارزیابی کمیته‌ها", "evaluation")
    judges_score(page, base, links)
    organizer_moves_the_timeline(page, base, {"پایان ارزیابی": -1}, "جمع‌بندی نتایج", "results")

    category_url = winners_chair_proposes(page, base)
    content_chair_writes_the_citation(page, base)
    verify_url = organizer_confirms_and_prints(page, base, category_url)
    anonymous_visitor_verifies(page, verify_url)
