"""Evidence upload, download and removal: what is refused stores nothing; what is kept is served safely."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from awards.enums import NominationState
from awards.errors import DomainError
from awards.models import EvidenceDocument
from awards.nominations import documents
from tests.nominations.conftest import ELECTRONICS, MASKATI, by_name, post

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def document_count(session) -> int:
    session.commit()
    return session.scalar(select(func.count(EvidenceDocument.id)))


def upload(client, nomination_id: int, filename: str, data: bytes):
    return post(client, f"/nominations/{nomination_id}/documents", {"file": (io.BytesIO(data), filename)},
                content_type="multipart/form-data")


def download(client, url: str):
    """GET a file and close the response (its file handle) at once."""
    response = client.get(url)
    response.get_data()  # read the body (kept on the response) before releasing the file
    response.close()
    return response


def errors_of(html: str) -> list[str]:
    return re.findall(r'class="invalid-feedback d-block">([^<]+)<', html)


# --- refusals: nothing stored -----------------------------------------------------------------------------

REFUSED = [
    ("report.docx", b"PK\x03\x04" + b"\x00" * 64, "فقط پرونده‌های PDF یا JPEG یا PNG پذیرفته می‌شوند."),
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "فقط پرونده‌های PDF یا JPEG یا PNG پذیرفته می‌شوند."),
    ("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "محتوای پرونده با پسوند آن هم‌خوان نیست."),
    ("page.pdf", b"<!doctype html><script>alert(1)</script>", "محتوای پرونده با پسوند آن هم‌خوان نیست."),
    ("photo.png", JPEG, "محتوای پرونده با پسوند آن هم‌خوان نیست."),
    ("empty.pdf", b"", "پرونده خالی است."),
    ("../../etc/x.pdf", b"%PDF-1.4\n", "نام پرونده نباید مسیر داشته باشد."),
    # The test client unescapes backslashes in the multipart header: this reaches the app as C:\x\y.pdf.
    ("C:\\\\x\\\\y.pdf", b"%PDF-1.4\n", "نام پرونده نباید مسیر داشته باشد."),
]


@pytest.mark.parametrize(("filename", "data", "message"), REFUSED,
                         ids=["docx", "exe", "mz-as-pdf", "html-as-pdf", "jpeg-as-png", "empty", "dotdot", "windows"])
def test_upload_refused_stores_nothing(app, client, session, demo, login_as, filename, data, message):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    files, rows = stored_files(app), document_count(session)
    response = upload(client, nomination.id, filename, data)
    assert response.status_code == 200
    assert errors_of(response.get_data(as_text=True)) == [message]
    assert stored_files(app) == files
    assert document_count(session) == rows


def test_upload_over_service_size_limit_stores_nothing(app, client, session, demo, login_as, pdf):
    app.config["MAX_UPLOAD_BYTES"] = 2048
    login_as("fars")
    nomination = by_name(session, MASKATI)
    files, rows = stored_files(app), document_count(session)
    response = upload(client, nomination.id, "big.pdf", pdf + b"%" * 4096)
    assert errors_of(response.get_data(as_text=True)) == ["اندازهٔ پرونده بیش از ۲ کیلوبایت است."]
    assert stored_files(app) == files
    assert document_count(session) == rows


def test_upload_over_request_limit_is_persian_413_and_stores_nothing(app, client, session, demo, login_as, pdf):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    login_as("fars")
    nomination = by_name(session, MASKATI)
    files, rows = stored_files(app), document_count(session)
    response = upload(client, nomination.id, "big.pdf", pdf + b"%" * 8192)
    assert response.status_code == 413
    assert "پرونده بیش از حد بزرگ است" in response.get_data(as_text=True)
    assert stored_files(app) == files
    assert document_count(session) == rows


def test_upload_without_file_asks_for_one(app, client, session, demo, login_as):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    response = post(client, f"/nominations/{nomination.id}/documents", {}, content_type="multipart/form-data")
    assert errors_of(response.get_data(as_text=True)) == ["پرونده‌ای انتخاب کنید."]


def test_upload_to_submitted_nomination_is_refused(app, client, session, demo, login_as, pdf):
    login_as("fars")
    nomination = by_name(session, ELECTRONICS)
    assert nomination.state == NominationState.IN_EVALUATION
    files, rows = stored_files(app), document_count(session)
    response = upload(client, nomination.id, "late.pdf", pdf)
    assert response.status_code == 302
    assert "مدرک فقط به پیش‌نویس افزوده می‌شود." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert (stored_files(app), document_count(session)) == (files, rows)


@pytest.mark.parametrize("filename", ["../../etc/x.pdf", "C:\\x\\y.pdf", "..\\x.pdf", "C:x.pdf"])
def test_add_document_refuses_paths_in_the_name(session, demo, filename, pdf):
    nomination = by_name(session, MASKATI)
    with pytest.raises(DomainError) as refused:
        documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename=filename,
                               data=pdf, upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    assert refused.value.field == "file"


# --- success ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "data", "content_type"), [
    ("گواهی استاندارد.pdf", None, "application/pdf"),
    ("تصویر.JPG", JPEG, "image/jpeg"),
    ("نمودار.png", PNG, "image/png"),
], ids=["pdf", "jpeg", "png"])
def test_upload_stores_random_name_outside_static_with_digest(app, client, session, demo, login_as, pdf,
                                                              filename, data, content_type):
    data = data or pdf
    login_as("fars")
    nomination = by_name(session, MASKATI)
    response = upload(client, nomination.id, filename, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/nominations/{nomination.id}#evidence")
    session.commit()
    document = session.scalars(select(EvidenceDocument).where(EvidenceDocument.nomination_id == nomination.id)).one()
    assert document.original_name == filename
    assert document.content_type == content_type
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size_bytes == len(data)
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|jpg|png)", document.stored_name)
    path = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    assert path.read_bytes() == data
    assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())


def test_download_is_attachment_with_safe_persian_name_and_nosniff(client, session, demo, login_as, pdf):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    upload(client, nomination.id, "گواهی استاندارد.pdf", pdf)
    session.commit()
    document = session.scalars(select(EvidenceDocument).where(EvidenceDocument.nomination_id == nomination.id)).one()
    response = download(client, f"/nominations/{nomination.id}/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == pdf
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('گواهی استاندارد.pdf')}" in disposition
    assert "private" in response.headers["Cache-Control"]


def test_download_name_is_stripped_of_quotes_and_control_characters(client, session, demo, login_as, pdf):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    document = documents.add_document(session, actor=demo.users["fars"], nomination=nomination,
                                      filename='bad"name\r\n;x.pdf', data=pdf, upload_dir=demo.upload_dir,
                                      max_bytes=demo.max_bytes)
    session.commit()
    assert document.original_name == "bad_name_x.pdf"
    response = download(client, f"/nominations/{nomination.id}/documents/{document.id}")
    assert response.headers["Content-Disposition"] == "attachment; filename=bad_name_x.pdf"


@pytest.mark.parametrize("username", ["admin", "winners-1", "oversight-chair"])
def test_download_allowed_to_those_who_may_see_the_evidence(client, session, demo, login_as, username):
    nomination = by_name(session, ELECTRONICS)
    document = nomination.documents[0]
    login_as(username)
    response = download(client, f"/nominations/{nomination.id}/documents/{document.id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")


def test_download_of_draft_evidence_by_committee_member_is_404(client, session, demo, login_as, pdf):
    nomination = by_name(session, MASKATI)
    document = documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                                      data=pdf, upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    session.commit()
    login_as("winners-1")
    assert client.get(f"/nominations/{nomination.id}/documents/{document.id}").status_code == 404


# --- removal ----------------------------------------------------------------------------------------------

def test_delete_document_of_draft_removes_row_and_file(app, client, session, demo, login_as, pdf):
    login_as("fars")
    nomination = by_name(session, MASKATI)
    upload(client, nomination.id, "a.pdf", pdf)
    session.commit()
    document = session.scalars(select(EvidenceDocument).where(EvidenceDocument.nomination_id == nomination.id)).one()
    path = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    response = post(client, f"/nominations/{nomination.id}/documents/{document.id}/delete")
    assert response.status_code == 302
    session.commit()
    assert session.scalar(select(EvidenceDocument.id).where(EvidenceDocument.id == document.id)) is None
    assert not path.exists()
    assert "مدرک «a.pdf» حذف شد." in client.get(f"/nominations/{nomination.id}").get_data(as_text=True)


def test_delete_document_of_evaluated_nomination_is_refused(app, client, session, demo, login_as):
    login_as("fars")
    nomination = by_name(session, ELECTRONICS)
    document = nomination.documents[0]
    response = post(client, f"/nominations/{nomination.id}/documents/{document.id}/delete")
    assert response.status_code == 302
    assert "مدرک فقط از پیش‌نویس حذف می‌شود." in client.get(response.headers["Location"]).get_data(as_text=True)
    session.commit()
    assert session.scalar(select(EvidenceDocument.id).where(EvidenceDocument.id == document.id)) == document.id
    assert (Path(app.config["UPLOAD_FOLDER"]) / document.stored_name).exists()


# --- files follow the transaction -------------------------------------------------------------------------

def test_remove_document_keeps_the_file_until_the_removal_commits(session, demo, pdf):
    nomination = by_name(session, MASKATI)
    document = documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                                      data=pdf, upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    session.commit()
    path = Path(demo.upload_dir) / document.stored_name

    documents.remove_document(session, actor=demo.users["fars"], document=document, upload_dir=demo.upload_dir)
    assert path.exists()  # flushed, not committed
    session.rollback()
    assert path.exists()
    assert session.get(EvidenceDocument, document.id) is not None

    documents.remove_document(session, actor=demo.users["fars"], document=session.get(EvidenceDocument, document.id),
                              upload_dir=demo.upload_dir)
    session.commit()
    assert not path.exists()
    assert session.get(EvidenceDocument, document.id) is None


def test_add_document_rolled_back_leaves_no_file(session, demo, pdf):
    nomination = by_name(session, MASKATI)
    document = documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                                      data=pdf, upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    path = Path(demo.upload_dir) / document.stored_name
    assert path.exists()

    session.rollback()

    assert not path.exists()
