"""The provincial round in Chromium (issue 15): Fars's working group forwards Maskati Lari, and Fars's officer gives
the cluster it kept the province's award, which anyone can verify.

The story starts from the demo's ``provincial`` stage (``seed-demo --stage provincial``): the clock stands on
7 Khordad 1404, in provincial selection; every working group's sheets are in and every chair but Fars's has
forwarded; Fars's cluster ranking is ready, Maskati Lari first and the Meymand rose-water cluster second, neither
decided. The chair forwards Maskati Lari and keeps the Meymand cluster in the province. Provincial awards are given
once selection has closed, so the server is restarted with the demo clock on 12 Khordad (screening): a person would
simply wait. Fars's officer then gives the Meymand cluster the award, and a visitor verifies its serial.
"""

from __future__ import annotations

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import create_engine, update

from awards import clock
from awards.demo import MASKATI, MEYMAND, STAGE_MOMENTS
from awards.enums import NominationState
from awards.labels import LABELS
from awards.models import Setting
from tests.e2e.conftest import RESTARTS, SERVED_ENV, sign_in
from tests.e2e.test_story import checked, flash

CLUSTER = "خوشهٔ صنعتی برتر"


def cluster_ranking(page):
    """The rows of Fars's provincial ranking in the cluster category."""
    section = page.locator("section").filter(has=page.get_by_role("heading", name=f"رتبه‌بندی استانی: {CLUSTER}"))
    return section.locator("tbody tr")


def row_of(page, name: str):
    return cluster_ranking(page).filter(has=page.get_by_role("link", name=name, exact=True))


def move_clock(base, moment: str) -> None:
    """Set the demo clock to one of the story's moments and restart the server (a person would simply wait)."""
    engine = create_engine(SERVED_ENV[base]["AWARDS_DATABASE_URL"])
    try:
        with engine.begin() as connection:
            changed = connection.execute(update(Setting.__table__).where(Setting.key == clock.SETTING_KEY)
                                         .values(value=clock.offset_to(STAGE_MOMENTS[moment]).total_seconds()))
            assert changed.rowcount == 1
    finally:
        engine.dispose()
    RESTARTS[base]()


def selection_closes(base) -> None:
    """Move the demo clock past provincial selection (12 Khordad 1404, screening) and restart the server."""
    move_clock(base, "screening")


def test_fars_forwards_maskati_and_awards_the_cluster_it_kept(page, provincial_server):
    base = provincial_server
    # Back on 2 Khordad, while provincial scoring is open: the chair reopens a member's sheet on Maskati Lari with a
    # reason, and the member scores it again in the browser and submits it.
    move_clock(base, "provincial_scoring")
    sign_in(page, base, "fars-group-chair")
    page.get_by_role("link", name="دور استانی").first.click()
    page.get_by_role("link", name="برگه‌های اعضا و بازگشایی").click()
    maskati = page.locator("section.provincial-member-sheets").filter(
        has=page.get_by_role("heading", name=MASKATI))
    member = maskati.locator("li").filter(has_text="بهزاد کشاورز")  # fars-group-2
    member.get_by_placeholder("دلیل بازگشایی").fill(
        "نمرهٔ «پیوند با واحدهای محلی» پیش از دیدن فهرست تأمین‌کنندگان داده شد.")
    member.get_by_role("button", name="بازگشایی برگه").click()
    expect(flash(page)).to_be_visible()
    expect(member).to_contain_text("بازگشایی‌شده")
    checked(page, "provincial-fars-reopen")

    sign_in(page, base, "fars-group-2")
    page.get_by_role("link", name="دور استانی").first.click()
    mine = page.locator("ul.provincial-my-sheets li").filter(has_text=MASKATI)
    expect(mine).to_contain_text("بازگشایی‌شده")
    mine.get_by_role("link", name="برگهٔ امتیاز").click()
    expect(page.locator("main .alert-warning")).to_contain_text("فهرست تأمین‌کنندگان")
    page.get_by_label("پیوند با واحدهای محلی").fill("۹٫۵")
    page.get_by_role("button", name="ارسال و قفل برگه").click()
    expect(flash(page)).to_contain_text("برگه ارسال و قفل شد.")
    expect(page.locator("main")).to_contain_text("این برگه ارسال و قفل شده است.")
    checked(page, "provincial-fars-member-sheet")

    # Selection opens (7 Khordad): the chair of Fars's working group sees the ranking and forwards Maskati Lari.
    move_clock(base, "provincial")
    sign_in(page, base, "fars-group-chair")
    page.get_by_role("link", name="دور استانی").first.click()
    expect(page.locator("h1")).to_contain_text("کارگروه استانی فارس")
    rows = cluster_ranking(page)
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(MASKATI)
    expect(rows.nth(0).locator("td").first).to_have_text("۱")
    expect(rows.nth(1)).to_contain_text(MEYMAND)
    expect(rows.nth(1).locator("td").first).to_have_text("۲")
    expect(rows.nth(0)).to_contain_text("۳ / ۳")  # every member's sheet is in
    checked(page, "provincial-fars-ranking")

    row_of(page, MASKATI).get_by_role("button", name="معرفی به دور ملی").click()
    expect(flash(page)).to_contain_text("پرونده به دور ملی معرفی شد.")
    expect(row_of(page, MASKATI)).to_contain_text(str(LABELS[NominationState.FORWARDED]))
    expect(row_of(page, MASKATI).get_by_role("button")).to_have_count(0)
    row_of(page, MEYMAND).get_by_role("button", name="ماندن در استان").click()
    expect(flash(page)).to_contain_text("پرونده در استان ماند.")
    expect(row_of(page, MEYMAND)).to_contain_text(str(LABELS[NominationState.NOT_FORWARDED]))
    checked(page, "provincial-fars-forwarded")

    # Selection closes; Fars's officer gives the kept cluster the province's award.
    selection_closes(base)
    sign_in(page, base, "fars")
    page.get_by_role("link", name="دور استانی").first.click()
    row_of(page, MEYMAND).get_by_role("button", name="اعطای جایزهٔ استانی").click()
    expect(flash(page)).to_contain_text("1404-FA-001")
    expect(row_of(page, MEYMAND)).to_contain_text(str(LABELS[NominationState.PROVINCIALLY_AWARDED]))
    checked(page, "provincial-fars-award")

    # ... and prints its certificate: the province's own, with the province's serial and QR code.
    awards_section = page.locator("section").filter(has=page.get_by_role("heading", name="جوایز استانی"))
    with page.expect_download() as download_info:
        awards_section.get_by_role("link", name="دریافت لوح (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "1404-FA-001.pdf"
    pdf = PdfReader(download.path())
    assert len(pdf.pages) == 1
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height  # A4 landscape
    text = pdf.pages[0].extract_text()
    assert "1404-FA-001" in text

    # Anyone verifies the certificate by its serial and the nominee's name: issued by Fars.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(base + "/verify/")
    page.get_by_label("شمارهٔ لوح").fill("1404-FA-001")
    page.get_by_label("نام گیرنده یا نامزد").fill(MEYMAND)
    page.get_by_role("button", name="بررسی").click()
    expect(page.locator(".verify-status")).to_contain_text("این لوح معتبر است.")
    main = page.locator("main")
    expect(main).to_contain_text("لوح تقدیر استانی، صادرشده از استان فارس")
    expect(main).to_contain_text(MEYMAND)
    expect(main).to_contain_text("1404-FA-001")
    checked(page, "provincial-verify")
