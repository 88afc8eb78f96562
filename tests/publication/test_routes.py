"""The media committee's page: who sees it, the chair's buttons, refusals beside the button, the exports."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from awards import clock
from awards.certificates.services import revoke
from awards.demo import MASKATI
from awards.enums import PublicationState
from awards.models import Nomination
from tests.conftest import csrf_token
from tests.publication.conftest import BEFORE_CEREMONY_DAY, CEREMONY_MORNING, event_count, maskati_award, publication

INTRO = "برگزیدگان دورهٔ ۱۴۰۴ به شرح زیرند."


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/publication/"), **(data or {})})


@pytest.mark.parametrize(("user", "status"), [("media-chair", 200), ("media-1", 200), ("admin", 200),
                                              ("winners-chair", 403), ("fars", 403)])
def test_publication_page_is_for_the_media_committee_and_organizers(client, final, login_as, user, status):
    login_as(user)
    assert client.get("/publication/").status_code == status
    assert client.get("/publication/press.csv").status_code == status


def test_publication_page_needs_a_login(client, final):
    assert client.get("/publication/").status_code == 302


@pytest.mark.parametrize("path", ["/publication/intro", "/publication/approve", "/publication/open"])
@pytest.mark.parametrize("user", ["media-1", "admin"])
def test_publication_buttons_are_the_media_chairs(client, final, login_as, path, user):
    login_as(user)
    assert _post(client, path, {"intro": INTRO}).status_code == 403


def test_publication_chair_writes_approves_and_opens(client, unpublished, login_as, session):
    login_as("media-chair")
    assert _post(client, "/publication/intro", {"intro": INTRO}).status_code == 302
    assert _post(client, "/publication/approve").status_code == 302
    assert publication(session).state is PublicationState.APPROVED
    clock.freeze(CEREMONY_MORNING)
    response = _post(client, "/publication/open")
    assert response.status_code == 302
    assert publication(session).state is PublicationState.OPEN
    html = client.get("/publication/").get_data(as_text=True)
    assert "صفحهٔ عمومی برگزیدگان باز شد." in html and 'href="/winners/1404"' in html


def test_publication_open_before_the_ceremony_is_refused_beside_the_button(client, unpublished, login_as, session):
    login_as("media-chair")
    _post(client, "/publication/intro", {"intro": INTRO})
    _post(client, "/publication/approve")
    clock.freeze(BEFORE_CEREMONY_DAY)
    before = event_count(session)
    response = _post(client, "/publication/open")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    button = html.split('id="open"', 1)[1].split("</form>", 1)[0]
    assert 'id="open-error"' in button and "پیش از روز آیین باز نمی‌شود" in button
    assert publication(session).state is PublicationState.APPROVED and event_count(session) == before


def test_publication_open_before_approval_is_refused(client, unpublished, login_as, session):
    clock.freeze(CEREMONY_MORNING)
    login_as("media-chair")
    html = _post(client, "/publication/open").get_data(as_text=True)
    assert "باید فهرست برگزیدگان را تأیید کند" in html
    assert publication(session) is None


def test_publication_empty_intro_is_refused_beside_the_field(client, unpublished, login_as, session):
    login_as("media-chair")
    response = _post(client, "/publication/intro", {"intro": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="intro-error"' in html
    assert publication(session) is None


def test_publication_approve_without_intro_is_flashed_and_changes_nothing(client, unpublished, login_as, session):
    login_as("media-chair")
    response = _post(client, "/publication/approve")
    assert response.status_code == 302
    assert "متن آغاز خبرنامه را بنویسید" in client.get("/publication/").get_data(as_text=True)
    assert publication(session) is None


def _csv_rows(client) -> list[list[str]]:
    body = client.get("/publication/press.csv").get_data()
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_publication_press_list_csv_lists_the_winners(client, final, login_as):
    login_as("media-1")
    rows = _csv_rows(client)
    assert rows[0] == ["رشته", "رتبه", "نامزد", "گیرنده", "عنوان", "استان", "سطح جایزه", "شمارهٔ لوح"]
    maskati = next(row for row in rows if row[2] == MASKATI)
    assert maskati[0] == "خوشهٔ صنعتی برتر" and maskati[5] == "فارس"
    assert maskati[4] == "عامل توسعه خوشه مسقطی لار" and maskati[6] == "تندیس زرین ملی و لوح تقدیر"


def test_publication_press_list_leaves_out_revoked_awards(client, final, login_as, session):
    revoke(session, award=maskati_award(session), actor=final.users["oversight-1"], reason="مدارک نادرست")
    session.commit()
    login_as("media-1")
    assert all(row[2] != MASKATI for row in _csv_rows(client))


def test_publication_press_list_neutralises_formulas(client, final, login_as, session):
    session.scalar(select(Nomination).where(Nomination.nominee_name == MASKATI)).nominee_name = "=HYPERLINK(1)"
    session.commit()
    login_as("media-1")
    assert any(row[2] == "'=HYPERLINK(1)" for row in _csv_rows(client))


def test_publication_press_list_xlsx_is_right_to_left_with_the_intro(client, final, login_as):
    login_as("media-chair")
    response = client.get("/publication/press.xlsx")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    press, info = workbook.worksheets
    assert press.sheet_view.rightToLeft
    assert MASKATI in [cell.value for cell in press["C"]]
    values = {row[0].value: row[1].value for row in info.iter_rows(min_row=2)}
    assert values["وضعیت"] == "تأییدشدهٔ کمیتهٔ رسانه" and "مسقطی" in values["متن آغاز خبرنامه"]


def test_publication_press_release_pdf_of_the_approved_list(client, final, login_as):
    login_as("media-1")
    response = client.get("/publication/press-release.pdf")
    body = response.get_data()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(body))
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() if "/BaseFont" in font.get_object()}
    text = "".join(page.extract_text() for page in reader.pages)
    assert any("Vazirmatn" in font for font in fonts), fonts
    assert "1404" in text or "۱۴۰۴" in text


def test_publication_press_release_waits_for_the_approval(client, unpublished, login_as):
    login_as("media-chair")
    response = client.get("/publication/press-release.pdf")
    assert response.status_code == 302
    assert "خبرنامه پس از تأیید" in client.get("/publication/").get_data(as_text=True)
