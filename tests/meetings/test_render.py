"""The minutes' PDF: A4 portrait PDF/A, fonts embedded, the same bytes on every print once sealed."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import update

from awards import clock
from awards.meetings import render
from awards.models import User
from tests.conftest import csrf_token
from tests.meetings.conftest import sign


def _pdf(client, meeting_id: int) -> bytes:
    response = client.get(f"/meetings/{meeting_id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_sealed_minutes_print_byte_identical_for_anyone_at_any_time_in_any_language(sealed, client, session,
                                                                                   login_as, app):
    login_as("winners-chair")
    first = _pdf(client, sealed.id)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/meetings/")})
    # Later, in English, by an organizer, after an attendee changed their name: the sealed minutes keep theirs.
    session.execute(update(User).where(User.username == "winners-1").values(full_name="نام تازه"))
    session.execute(update(User).where(User.username == "admin").values(language="en"))
    session.commit()
    clock.freeze(clock.now() + timedelta(days=40))
    login_as("admin")
    assert _pdf(client, sealed.id) == first
    assert _pdf(client, sealed.id) == first
    reader = PdfReader(io.BytesIO(first))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    assert b"pdfaid" in first or "pdfaid" in str(reader.xmp_metadata.rdf_root.toxml() if reader.xmp_metadata else "")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "1404-WIN-01" in text and sealed.content_digest in text


def test_the_pdf_shows_the_draft_until_sealed_and_its_qr_points_to_the_public_page(ranked, app, session):
    with app.test_request_context("/"):
        draft = render.minutes_html(ranked, public_url="https://tandis.example/minutes/" + ranked.token)
    assert "پیش‌نویس" in draft and "بسمه تعالی" in draft and "data:image/svg+xml" in draft
    assert "https://tandis.example/minutes/" + ranked.token in draft
    sign(session, ranked, "chair", "1", "2")
    with app.test_request_context("/"):
        final = render.minutes_html(ranked, public_url="https://tandis.example/minutes/" + ranked.token)
    assert "پیش‌نویس" not in final and ranked.content_digest in final
    for attendee in ranked.attendees:
        assert attendee.name in final
    assert final.count('class="signature"') == 3


def test_the_pdf_escapes_what_the_chair_typed(ranked, app, session):
    ranked.place = '<img src="http://evil.example/x.png">'
    with app.test_request_context("/"):
        html = render.minutes_html(ranked, public_url="https://tandis.example/m")
    assert '<img src="http://evil.example' not in html and "&lt;img" in html
