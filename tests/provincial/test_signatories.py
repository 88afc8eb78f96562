"""The province's certificate signatories (awards/provincial/signatories.py and their page): its officer and the
organizers add, edit, reorder and remove them under the national rules; anyone else gets 404 and nothing changes."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from awards.errors import DomainError, PermissionDenied
from awards.models import AuditEvent, Province, ProvincialSignatory
from awards.provincial import signatories
from tests.certificates.test_app import PNG_1PX
from tests.conftest import csrf_token
from tests.factories import PASSWORD
from tests.provincial.conftest import province_id, send


def _rows(session):
    session.rollback()  # end the test session's read snapshot: the app has committed since
    return [(s.province_id, s.name, s.title, s.position, s.signature_file) for s in session.scalars(
        select(ProvincialSignatory).order_by(ProvincialSignatory.province_id, ProvincialSignatory.position,
                                             ProvincialSignatory.id))]


def _events(session, prefix="provincial.signatory"):
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.startswith(prefix)))


@pytest.fixture
def fars(session, demo) -> Province:
    return session.get(Province, province_id(session, "IR-07"))


@pytest.fixture
def two(session, demo, fars):
    """Two Fars signatories, added by its officer."""
    made = [signatories.add(session, cycle=demo.cycle, province=fars, actor=demo.users["fars"], name=name,
                            title=title)
            for name, title in (("محمد رضایی", "استاندار فارس"), ("علی احمدی", "رئیس سازمان صمت فارس"))]
    session.commit()
    return [s.id for s in made]


# --- services ------------------------------------------------------------------------------------------------

def test_the_officer_adds_in_order_under_the_national_rules_and_it_is_audited(session, demo, fars, two):
    assert [row[1:4] for row in _rows(session)] == [("محمد رضایی", "استاندار فارس", 0),
                                                     ("علی احمدی", "رئیس سازمان صمت فارس", 1)]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "provincial.signatory_add"))
    assert event.province_id == fars.id and _events(session) == 2


@pytest.mark.parametrize(("name", "title", "field"), [("", "سمت", "name"), ("نام", " ", "title"),
                                                      ("ن" * 121, "سمت", "name")])
def test_bad_name_or_title_is_refused_on_its_field_and_nothing_changes(session, demo, fars, two, name, title, field):
    before = _rows(session), _events(session)
    with pytest.raises(DomainError) as refused:
        signatories.add(session, cycle=demo.cycle, province=fars, actor=demo.users["fars"], name=name, title=title)
    session.rollback()
    assert refused.value.field == field and (_rows(session), _events(session)) == before


def test_another_province_or_a_committee_member_may_not_add(session, demo, fars):
    for username in ("tehran", "winners-chair"):
        with pytest.raises(PermissionDenied):
            signatories.add(session, cycle=demo.cycle, province=fars, actor=demo.users[username], name="ن",
                            title="س")
        session.rollback()
    assert _rows(session) == [] and _events(session) == 0


def test_an_organizer_may_manage_a_provinces_signatories(session, demo, fars):
    signatories.add(session, cycle=demo.cycle, province=fars, actor=demo.users["admin"], name="ن", title="س")
    session.commit()
    assert len(_rows(session)) == 1


def test_a_signature_must_be_a_small_png_as_nationally(app, session, demo, two):
    signatory = session.get(ProvincialSignatory, two[0])
    before = _rows(session)
    with pytest.raises(DomainError) as refused:
        signatories.save_signature(session, signatory=signatory, actor=demo.users["fars"], data=b"%PDF-1.7",
                                   upload_dir=app.config["UPLOAD_FOLDER"])
    session.rollback()
    assert refused.value.field == "signature" and _rows(session) == before
    signatories.save_signature(session, signatory=session.get(ProvincialSignatory, two[0]),
                               actor=demo.users["fars"], data=PNG_1PX, upload_dir=app.config["UPLOAD_FOLDER"])
    session.commit()
    stored = _rows(session)[0][4]
    assert stored and (app.config["UPLOAD_FOLDER"] / "signatures" / stored).read_bytes() == PNG_1PX


def test_move_swaps_and_refuses_past_the_end(session, demo, two):
    second = two[1]
    signatories.move(session, signatory=session.get(ProvincialSignatory, second), actor=demo.users["fars"],
                     direction="up")
    session.commit()
    assert [row[1] for row in _rows(session)] == ["علی احمدی", "محمد رضایی"]
    before = _rows(session), _events(session)
    with pytest.raises(DomainError):
        signatories.move(session, signatory=session.get(ProvincialSignatory, second), actor=demo.users["fars"],
                         direction="up")
    session.rollback()
    assert (_rows(session), _events(session)) == before


# --- the page ------------------------------------------------------------------------------------------------

def test_the_officer_lists_adds_with_a_signature_reorders_and_removes(client, login_as, session, demo, fars, two):
    login_as("fars")
    page = f"/provincial/{fars.id}/signatories"
    html = client.get(page).get_data(as_text=True)
    assert "امضاکنندگان لوح استانی فارس" in html and "محمد رضایی" in html

    response = client.post(page, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "signatory_id": "new", "new-name": "سارا کریمی",
        "new-title": "دبیر کارگروه استانی", "new-signature": (io.BytesIO(PNG_1PX), "s.png")})
    assert response.status_code == 302
    rows = _rows(session)
    assert rows[-1][1:4] == ("سارا کریمی", "دبیر کارگروه استانی", 2) and rows[-1][4]

    assert send(client, f"/provincial/signatories/{two[1]}/move", {"direction": "up"}, page=page).status_code == 302
    assert [row[1] for row in _rows(session)] == ["علی احمدی", "محمد رضایی", "سارا کریمی"]

    remove = f"/provincial/signatories/{two[0]}/remove"
    assert client.get(remove).status_code == 200
    refused = send(client, remove, page=remove)
    assert refused.status_code == 200 and "تأیید را علامت بزنید" in refused.get_data(as_text=True)
    assert len(_rows(session)) == 3
    assert send(client, remove, {"confirm": "y"}, page=remove).status_code == 302
    assert [row[1] for row in _rows(session)] == ["علی احمدی", "سارا کریمی"]
    assert _events(session, "provincial.signatory_remove") == 1


def test_a_refusal_keeps_what_was_typed_and_adds_nothing(client, login_as, session, demo, fars, two):
    login_as("fars")
    page = f"/provincial/{fars.id}/signatories"
    before = _rows(session), _events(session)
    response = client.post(page, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "signatory_id": "new", "new-name": "سارا کریمی", "new-title": "رئیس",
        "new-signature": (io.BytesIO(b"%PDF-1.7"), "s.pdf")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "تصویر امضا باید" in html and 'value="سارا کریمی"' in html
    assert (_rows(session), _events(session)) == before


@pytest.mark.parametrize("username", ["tehran", "fars-chair", "winners-chair"])
def test_anyone_else_gets_404_and_nothing_changes(client, login_as, session, round_on, fars, two, username):
    if username == "fars-chair":
        login_as(username, PASSWORD)
    else:
        login_as(username)
    before = _rows(session), _events(session)
    page = f"/provincial/{fars.id}/signatories"
    assert client.get(page).status_code == 404
    own = "/account/password"  # a page with a form, to take the session's CSRF token from
    assert send(client, page, {"signatory_id": "new", "new-name": "ن", "new-title": "س"}, page=own).status_code == 404
    assert send(client, f"/provincial/signatories/{two[0]}/move", {"direction": "down"}, page=own).status_code == 404
    assert client.get(f"/provincial/signatories/{two[0]}/remove").status_code == 404
    assert send(client, f"/provincial/signatories/{two[0]}/remove", {"confirm": "y"}, page=own).status_code == 404
    assert (_rows(session), _events(session)) == before


def test_the_organizer_sees_any_provinces_page(client, login_as, demo, fars, two):
    login_as("admin")
    assert "محمد رضایی" in client.get(f"/provincial/{fars.id}/signatories").get_data(as_text=True)


def test_without_csrf_nothing_is_added(client, login_as, session, demo, fars):
    login_as("fars")
    client.post(f"/provincial/{fars.id}/signatories", data={"signatory_id": "new", "new-name": "ن", "new-title": "س"})
    assert _rows(session) == []
