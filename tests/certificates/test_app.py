"""Printing, public verification and revocation through the app."""

from __future__ import annotations

import io
import math
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from awards.certificates import services
from awards.errors import DomainError, PermissionDenied
from awards.models import AuditEvent, Award, Job
from tests.conftest import csrf_token


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\u200c", "")


def test_award_pdf_prints_recipient_title_and_serial(client, login_as, maskati_award):
    login_as("admin")
    response = client.get(f"/certificates/awards/{maskati_award.id}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=1404-CLUSTER-001.pdf"
    text = _text(response.data)
    for word in ("محمدعلی", "جمشیدی", "لوح", "تقدیر", "تندیس", "زرین", "1404-CLUSTER-001"):
        assert word in text


def test_award_pdf_reprint_is_byte_identical(client, login_as, maskati_award):
    login_as("admin")
    first = client.get(f"/certificates/awards/{maskati_award.id}.pdf").data
    second = client.get(f"/certificates/awards/{maskati_award.id}.pdf").data
    assert first == second


def _awards_state(session) -> tuple:
    """What a refused print or revocation must leave as it was: the awards' revocation columns, the audit events
    and the jobs (read in a fresh transaction, so it sees what requests committed)."""
    session.commit()
    revocations = session.execute(select(Award.id, Award.revoked_at, Award.revoked_by_id, Award.revoke_reason)
                                  .order_by(Award.id)).all()
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    jobs = session.scalar(select(func.count()).select_from(Job))
    session.commit()
    return revocations, events, jobs


@pytest.mark.parametrize("username", ["fars", "winners-chair", "oversight-1"])
def test_award_pdf_refused_to_non_organizers(client, login_as, maskati_award, session, username):
    login_as(username)
    before = _awards_state(session)
    response = client.get(f"/certificates/awards/{maskati_award.id}.pdf")
    assert response.status_code in (403, 404)
    assert response.mimetype != "application/pdf"
    assert _awards_state(session) == before


def test_verify_page_shows_valid_award_without_login(client, maskati_award):
    response = client.get(f"/verify/{maskati_award.token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "این لوح معتبر است." in html
    assert "جناب آقای محمدعلی جمشیدی" in html
    assert "تندیس زرین ملی و لوح تقدیر" in html
    assert "۴ شهریور ۱۴۰۴" in html


def test_verify_unknown_token_gives_the_same_page_for_any_token(client, maskati_award):
    near = maskati_award.token[:-1] + ("A" if maskati_award.token[-1] != "A" else "B")
    pages = [client.get(f"/verify/{token}") for token in (near, "x", "0" * 32)]
    assert [p.status_code for p in pages] == [404, 404, 404]
    bodies = {re.sub(r'value="[^"]*"', "", p.get_data(as_text=True)) for p in pages}
    assert len(bodies) == 1


def test_verify_is_rate_limited(client, maskati_award, app):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
    statuses = [client.get(f"/verify/{maskati_award.token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_verify_token_has_at_least_128_bits_in_letters_and_digits_only(maskati_award):
    from awards.results.services import TOKEN_ALPHABET

    assert len(maskati_award.token) * math.log2(len(set(TOKEN_ALPHABET))) >= 128
    assert set(maskati_award.token) <= set(TOKEN_ALPHABET)  # nothing a line breaker could split at


def test_lookup_by_serial_and_name_redirects_to_the_verification_page(client, maskati_award):
    token = csrf_token(client, "/verify/")
    response = client.post("/verify/", data={"csrf_token": token, "serial": "1404-cluster-001",
                                              "name": "محمدعلي جمشيدي"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{maskati_award.token}"


def test_lookup_with_wrong_name_finds_nothing(client, maskati_award):
    token = csrf_token(client, "/verify/")
    response = client.post("/verify/", data={"csrf_token": token, "serial": "1404-CLUSTER-001", "name": "کسی دیگر"})
    assert response.status_code == 404
    assert "لوحی با این مشخصات پیدا نشد" in response.get_data(as_text=True)


def test_revoke_by_oversight_member_marks_verification_revoked(client, login_as, maskati_award, session):
    login_as("oversight-1")
    page = client.get(f"/certificates/awards/{maskati_award.id}")
    assert page.status_code == 200
    response = client.post(f"/certificates/awards/{maskati_award.id}/revoke",
                           data={"csrf_token": csrf_token(client, "/"), "reason": "تخلف در اظهارنامهٔ مالیاتی"})
    assert response.status_code == 302
    html = client.get(f"/verify/{maskati_award.token}").get_data(as_text=True)
    assert "این لوح لغو شده است." in html
    session.commit()  # end the test session's snapshot so it sees the request's commit
    events = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "award.revoke"))
    assert events == 1


def test_revoke_without_reason_keeps_the_form_and_changes_nothing(client, login_as, maskati_award, session):
    login_as("oversight-chair")
    response = client.post(f"/certificates/awards/{maskati_award.id}/revoke",
                           data={"csrf_token": csrf_token(client, "/"), "reason": ""})
    assert response.status_code == 200
    assert "دلیل لغو را بنویسید." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Award, maskati_award.id).revoked_at is None


@pytest.mark.parametrize("username", ["admin", "winners-chair", "fars"])
def test_revoke_refused_outside_oversight(client, login_as, maskati_award, session, username):
    login_as(username)
    token = csrf_token(client, "/")
    before = _awards_state(session)
    response = client.post(f"/certificates/awards/{maskati_award.id}/revoke",
                           data={"csrf_token": token, "reason": "دلیل"})
    assert response.status_code in (403, 404)
    after = _awards_state(session)
    assert after == before
    assert all(row.revoked_at is None for row in after[0])


def test_revoked_award_cannot_be_printed_as_valid(client, login_as, maskati_award, session, final):
    services.revoke(session, award=maskati_award, actor=final.users["oversight-chair"], reason="دلیل آزمایشی")
    session.commit()
    login_as("admin")
    response = client.get(f"/certificates/awards/{maskati_award.id}.pdf")
    assert response.status_code == 302
    with pytest.raises(DomainError):
        services.certificate_data(award=maskati_award, citation="متن", verify_base_url="http://x.example",
                                  upload_dir=final.upload_dir)


def test_revoke_service_refuses_non_oversight(session, maskati_award, final):
    with pytest.raises(PermissionDenied):
        services.revoke(session, award=maskati_award, actor=final.users["admin"], reason="دلیل")


def test_revoke_twice_is_refused(session, maskati_award, final):
    services.revoke(session, award=maskati_award, actor=final.users["oversight-chair"], reason="دلیل")
    with pytest.raises(DomainError):
        services.revoke(session, award=maskati_award, actor=final.users["oversight-chair"], reason="دلیل")


def test_bulk_print_job_produces_one_page_per_valid_award(client, login_as, final, session):
    login_as("admin")
    response = client.post("/certificates/print", data={"csrf_token": csrf_token(client, "/certificates/"),
                                                         "scope": "all", "fmt": "pdf"})
    assert response.status_code == 302
    job = session.scalar(select(Job).order_by(Job.id.desc()))
    assert (job.state, job.done, job.total) == ("done", 7, 7)
    status = client.get(f"/certificates/jobs/{job.id}.json").get_json()
    assert status["percent"] == 100
    with client.get(status["download"]) as download:
        assert download.headers["Content-Disposition"] == "attachment; filename=certificates-1404-all.pdf"
        assert len(PdfReader(io.BytesIO(download.data)).pages) == 7


def test_bulk_zip_names_one_pdf_per_award_by_serial(client, login_as, final, session):
    import zipfile

    cluster = final.categories["cluster"]
    login_as("admin")
    client.post("/certificates/print", data={"csrf_token": csrf_token(client, "/certificates/"),
                                              "scope": str(cluster.id), "fmt": "zip"})
    job = session.scalar(select(Job).order_by(Job.id.desc()))
    with client.get(f"/certificates/jobs/{job.id}/download") as download:
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert archive.namelist() == ["1404-CLUSTER-001.pdf", "1404-CLUSTER-002.pdf", "1404-CLUSTER-003.pdf"]


def test_bulk_print_leaves_out_revoked_awards(client, login_as, final, session, maskati_award):
    services.revoke(session, award=maskati_award, actor=final.users["oversight-chair"], reason="دلیل")
    session.commit()
    login_as("admin")
    client.post("/certificates/print", data={"csrf_token": csrf_token(client, "/certificates/"),
                                              "scope": str(final.categories["cluster"].id), "fmt": "pdf"})
    job = session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.total == 2


def test_job_pages_refused_to_non_organizers(client, login_as, final, session):
    login_as("admin")
    client.post("/certificates/print", data={"csrf_token": csrf_token(client, "/certificates/"),
                                              "scope": "all", "fmt": "pdf"})
    job_id = session.scalar(select(Job.id).order_by(Job.id.desc()))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("oversight-chair")
    assert client.get(f"/certificates/jobs/{job_id}").status_code == 404
    assert client.get(f"/certificates/jobs/{job_id}/download").status_code == 404


def test_bulk_print_without_csrf_is_refused(client, login_as, final):
    login_as("admin")
    assert client.post("/certificates/print", data={"scope": "all", "fmt": "pdf"}).status_code == 400


def test_certificates_index_refused_to_province_officer(client, login_as, final):
    login_as("fars")
    assert client.get("/certificates/").status_code == 403


def test_cli_render_writes_one_pdf_per_award(app, final, tmp_path):
    # The final demo's cluster category: three national awards, and the Meymand cluster Fars kept in the province
    # with the province's own award (issue 15).
    result = app.test_cli_runner().invoke(args=["certificates", "render", "--cycle", "1404", "--category",
                                                "cluster", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "1404-CLUSTER-001.pdf", "1404-CLUSTER-002.pdf", "1404-CLUSTER-003.pdf", "1404-FA-001.pdf"]


def test_qr_of_printed_certificate_encodes_the_verification_address(client, login_as, maskati_award, tmp_path):
    import shutil
    import subprocess

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg (poppler-utils, zbar-tools) are needed to decode the printed QR")
    login_as("admin")
    (tmp_path / "c.pdf").write_bytes(client.get(f"/certificates/awards/{maskati_award.id}.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "c-1.png")], capture_output=True, text=True)
    assert decoded.stdout.strip() == f"http://localhost/verify/{maskati_award.token}"


# --- signatories ------------------------------------------------------------------------------------------

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d6e2d40000000049454e44ae426082"
)


def _signatory(session):
    from awards.models import Signatory

    return session.scalars(select(Signatory).order_by(Signatory.id)).first()


def test_save_signature_stores_png_and_audits(app, session, demo):
    signatory = _signatory(session)
    folder = app.config["UPLOAD_FOLDER"] / "signatures"

    services.save_signature(session, signatory=signatory, actor=demo.users["admin"], data=PNG_1PX,
                            upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=512 * 1024)
    session.commit()

    assert (folder / signatory.signature_file).read_bytes() == PNG_1PX
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "signatory.signature")) == 1


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a png", PNG_1PX + b"\0" * 600_000])
def test_save_signature_refuses_what_is_not_a_small_png_and_stores_nothing(app, session, demo, data):
    signatory = _signatory(session)
    folder = app.config["UPLOAD_FOLDER"] / "signatures"
    before = set(folder.iterdir()) if folder.exists() else set()

    with pytest.raises(DomainError) as refused:
        services.save_signature(session, signatory=signatory, actor=demo.users["admin"], data=data,
                                upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=512 * 1024)

    assert refused.value.field == "signature"
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_save_signature_refused_to_a_province_officer(app, session, demo):
    with pytest.raises(PermissionDenied):
        services.save_signature(session, signatory=_signatory(session), actor=demo.users["fars"],
                                data=PNG_1PX, upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=512 * 1024)


def test_save_signature_rolled_back_leaves_no_file(app, session, demo):
    signatory = _signatory(session)
    services.save_signature(session, signatory=signatory, actor=demo.users["admin"], data=PNG_1PX,
                            upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=512 * 1024)
    path = app.config["UPLOAD_FOLDER"] / "signatures" / signatory.signature_file
    assert path.exists()

    session.rollback()

    assert not path.exists()
