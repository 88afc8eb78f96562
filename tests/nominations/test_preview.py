"""Evidence previews: images and a PDF's first page served inline, sandboxed, never sniffed, to those who may see
them; everything else refused."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from sqlalchemy import select

from awards import clock
from awards.enums import ConflictSource
from awards.models import Conflict, EvidenceDocument, User
from awards.nominations import documents
from tests.conftest import login
from tests.nominations.conftest import ELECTRONICS, by_name

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(1)</script>"


def _store(session, demo, nomination, data: bytes, *, content_type: str, name: str) -> EvidenceDocument:
    """A document as an upload leaves it (a factory: the upload service only takes drafts)."""
    stored = secrets.token_hex(16) + ".bin"
    demo.upload_dir.mkdir(parents=True, exist_ok=True)
    (demo.upload_dir / stored).write_bytes(data)
    document = EvidenceDocument(nomination_id=nomination.id, original_name=name, stored_name=stored,
                                content_type=content_type, size_bytes=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=demo.users["fars"].id)
    session.add(document)
    session.commit()
    return document


def _get(client, url: str):
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _url(nomination, document) -> str:
    return f"/nominations/{nomination.id}/documents/{document.id}/preview"


def _assert_inline_and_locked_down(response, mimetype: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"].startswith("private")


@pytest.mark.parametrize(("data", "mimetype"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
def test_preview_serves_an_image_inline_as_it_is(client, session, demo, login_as, data, mimetype):
    nomination = by_name(session, ELECTRONICS)
    document = _store(session, demo, nomination, data, content_type=mimetype, name="عکس")
    login_as("winners-1")
    response = _get(client, _url(nomination, document))
    _assert_inline_and_locked_down(response, mimetype)
    assert response.data == data


def test_preview_of_a_pdf_is_a_png_of_its_first_page(client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    document = nomination.documents[0]
    assert document.content_type == "application/pdf"
    login_as("winners-1")
    response = _get(client, _url(nomination, document))
    _assert_inline_and_locked_down(response, "image/png")
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(response.data) <= documents.PREVIEW_MAX_BYTES


@pytest.mark.parametrize("username", ["admin", "fars", "winners-1", "oversight-chair"])
def test_preview_allowed_to_those_who_may_download(client, session, demo, login_as, username):
    nomination = by_name(session, ELECTRONICS)
    login_as(username)
    assert _get(client, _url(nomination, nomination.documents[0])).status_code == 200


@pytest.mark.parametrize("username", ["tehran", "isfahan"])
def test_preview_of_another_provinces_evidence_is_404(client, session, demo, login_as, username):
    nomination = by_name(session, ELECTRONICS)
    login_as(username)
    assert _get(client, _url(nomination, nomination.documents[0])).status_code == 404


def test_preview_refused_to_a_member_with_a_conflict(app, client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    member = session.scalar(select(User).where(User.username == "winners-1"))
    session.add(Conflict(nomination_id=nomination.id, user_id=member.id, source=ConflictSource.DECLARED,
                         reason="خویشاوند", created_at=clock.now()))
    session.commit()
    login_as("winners-1")
    assert _get(client, _url(nomination, nomination.documents[0])).status_code == 404
    colleague = app.test_client()  # a colleague without a conflict still sees it
    assert login(colleague, "winners-2").status_code == 302
    assert _get(colleague, _url(nomination, nomination.documents[0])).status_code == 200


def test_preview_anonymous_is_sent_to_login(client, session, demo):
    nomination = by_name(session, ELECTRONICS)
    response = _get(client, _url(nomination, nomination.documents[0]))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_preview_of_bytes_that_are_no_image_or_pdf_is_404(client, session, demo, login_as):
    """The type is sniffed again from the stored bytes: a row that claims a PDF over HTML shows nothing."""
    nomination = by_name(session, ELECTRONICS)
    document = _store(session, demo, nomination, HTML, content_type="application/pdf", name="x.pdf")
    login_as("winners-1")
    assert _get(client, _url(nomination, document)).status_code == 404


def test_preview_of_a_broken_pdf_is_404(client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    document = _store(session, demo, nomination, b"%PDF-1.4\nnot really", content_type="application/pdf",
                      name="broken.pdf")
    login_as("winners-1")
    assert _get(client, _url(nomination, document)).status_code == 404


def test_preview_of_a_document_of_another_nomination_is_404(client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    other = by_name(session, "شرکت فولاد سپاهان نوین")
    login_as("winners-1")
    assert _get(client, _url(other, nomination.documents[0])).status_code == 404


def test_download_stays_an_attachment(client, session, demo, login_as):
    nomination = by_name(session, ELECTRONICS)
    document = _store(session, demo, nomination, PNG, content_type="image/png", name="عکس.png")
    login_as("winners-1")
    response = _get(client, f"/nominations/{nomination.id}/documents/{document.id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")
