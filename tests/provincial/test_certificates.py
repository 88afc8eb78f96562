"""The provincial certificate (awards/provincial/certificates.py, the route and the CLI): the national renderer
printing the province's title, name, serial, signatories and QR code; refused without signatories; only the
province's officer and organizers get it."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from awards.errors import DomainError
from awards.models import AuditEvent, Nomination, Province, ProvincialAward
from awards.provincial import awards, forwarding, signatories
from tests.factories import PASSWORD
from tests.provincial.conftest import DURING_SCREENING, event_count, move_clock, province_id, send

ZWNJ = "\u200c"


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace(ZWNJ, "")


@pytest.fixture
def awarded(session, scored):
    """Two clusters forwarded, the third kept and given Fars's award 1404-FA-001; the clock in screening."""
    chair = scored.users["fars-chair"]
    first, second, third = (session.get(Nomination, nid) for nid in scored.clusters)
    forwarding.forward(session, nomination=first, actor=chair)
    forwarding.forward(session, nomination=second, actor=chair)
    forwarding.not_forward(session, nomination=third, actor=chair)
    session.commit()
    move_clock(session, DURING_SCREENING)
    award = awards.issue(session, nomination=third, actor=scored.demo.users["fars"])
    session.commit()
    return award


@pytest.fixture
def signed(session, scored, awarded):
    """Fars's two signatories, added by its officer."""
    fars = session.get(Province, awarded.province_id)
    for name, title in (("محمد رضایی", "استاندار فارس"), ("علی احمدی", "رئیس سازمان صمت فارس")):
        signatories.add(session, cycle=scored.demo.cycle, province=fars, actor=scored.demo.users["fars"], name=name,
                        title=title)
    session.commit()
    return awarded


def test_the_officer_downloads_the_provincial_certificate(client, login_as, session, signed):
    login_as("fars")
    fars = province_id(session, "IR-07")
    html = client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert f"/provincial/awards/{signed.id}.pdf" in html and f"/provincial/{fars}/signatories" in html

    response = client.get(f"/provincial/awards/{signed.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "1404-FA-001.pdf" in response.headers["Content-Disposition"]
    text = _text(response.data)
    for expected in ("1404-FA-001", "استانی", "فارس", "جهرم", "رضایی", "احمدی", "استاندار"):
        assert expected in text, expected


def test_the_qr_code_is_the_verification_address(client, login_as, signed, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm and zbarimg (poppler-utils, zbar-tools) are needed to decode the printed QR")
    login_as("fars")
    (tmp_path / "c.pdf").write_bytes(client.get(f"/provincial/awards/{signed.id}.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "c-1.png")], capture_output=True, text=True)
    assert decoded.stdout.strip() == f"http://localhost/verify/{signed.token}"


def test_without_signatories_the_pdf_is_refused_in_persian(client, login_as, session, awarded):
    login_as("fars")
    response = client.get(f"/provincial/awards/{awarded.id}.pdf")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "هنوز امضاکننده‌ای برای لوح استانی ندارد" in html


def test_a_revoked_award_prints_nothing(client, login_as, session, signed):
    signed.revoked_at, signed.revoked_by_id, signed.revoke_reason = datetime.now(UTC), signed.issued_by_id, "خطا"
    session.commit()
    login_as("fars")
    response = client.get(f"/provincial/awards/{signed.id}.pdf")
    assert response.status_code == 302
    assert "لغو شده است" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("username", ["tehran", "fars-chair", "winners-chair"])
def test_anyone_else_gets_404(client, login_as, signed, username):
    if username == "fars-chair":
        login_as(username, PASSWORD)
    else:
        login_as(username)
    assert client.get(f"/provincial/awards/{signed.id}.pdf").status_code == 404
    assert client.get("/provincial/awards/999999.pdf").status_code == 404


def test_an_organizer_may_print_it(client, login_as, signed):
    login_as("admin")
    assert client.get(f"/provincial/awards/{signed.id}.pdf").status_code == 200


def test_the_cli_writes_the_provincial_certificate_by_serial(app, signed, tmp_path):
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["certificates", "render", "--cycle", "1404", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["1404-FA-001.pdf"]
    assert "1404-FA-001" in _text((out / "1404-FA-001.pdf").read_bytes())


def test_the_cli_names_a_province_without_signatories_and_fails(app, awarded, tmp_path):
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["certificates", "render", "--cycle", "1404", "--out", str(out)])
    assert result.exit_code != 0
    assert "1404-FA-001" in result.output and "امضاکننده" in result.output
    assert not out.exists()


# --- revocation ------------------------------------------------------------------------------------------------

def _revoked(session, award_id):
    session.rollback()  # end the test session's read snapshot: the app has committed since
    award = session.get(ProvincialAward, award_id)
    return award.revoked_at, award.revoke_reason


def test_the_officer_revokes_with_a_reason_and_the_verify_page_says_so(client, login_as, session, signed):
    login_as("fars")
    fars = province_id(session, "IR-07")
    response = send(client, f"/provincial/awards/{signed.id}/revoke", {"reason": "مدرک نادرست"},
                    page=f"/provincial/{fars}")
    assert response.status_code == 302
    revoked_at, reason = _revoked(session, signed.id)
    assert revoked_at is not None and reason == "مدرک نادرست"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "provincial.award_revoke"))
    assert event.reason == "مدرک نادرست" and event.province_id == fars
    assert "این لوح لغو شده است." in client.get(f"/verify/{signed.token}").get_data(as_text=True)
    assert client.get(f"/provincial/awards/{signed.id}.pdf").status_code == 302


def test_revoking_without_a_reason_is_refused_beside_the_field_and_nothing_changes(client, login_as, session, signed):
    login_as("fars")
    fars = province_id(session, "IR-07")
    before = event_count(session)
    response = send(client, f"/provincial/awards/{signed.id}/revoke", {"reason": "  "}, page=f"/provincial/{fars}")
    assert response.status_code == 200 and "دلیل لغو را بنویسید." in response.get_data(as_text=True)
    assert _revoked(session, signed.id) == (None, None) and event_count(session) == before


@pytest.mark.parametrize("username", ["tehran", "admin", "fars-chair"])
def test_nobody_else_revokes_a_provincial_award(client, login_as, session, signed, username):
    if username == "fars-chair":
        login_as(username, PASSWORD)
    else:
        login_as(username)
    before = event_count(session)
    response = send(client, f"/provincial/awards/{signed.id}/revoke", {"reason": "دلیل"}, page="/account/password")
    assert response.status_code == 404
    assert _revoked(session, signed.id) == (None, None) and event_count(session) == before


def test_the_service_refuses_a_second_revocation(session, scored, signed):
    awards.revoke(session, award=signed, actor=scored.demo.users["fars"], reason="یک")
    session.commit()
    with pytest.raises(DomainError):
        awards.revoke(session, award=signed, actor=scored.demo.users["fars"], reason="دو")
    session.rollback()
    assert _revoked(session, signed.id)[1] == "یک"
