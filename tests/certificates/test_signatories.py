"""Adding, removing and reordering the signatories of a cycle (services and pages)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from awards.certificates import services
from awards.errors import DomainError, PermissionDenied
from awards.models import AuditEvent, Signatory
from tests.certificates.test_app import PNG_1PX
from tests.conftest import csrf_token


def _rows(session, cycle_id):
    session.expire_all()
    return [(s.name, s.title, s.position, s.signature_file) for s in session.scalars(
        select(Signatory).where(Signatory.cycle_id == cycle_id).order_by(Signatory.position, Signatory.id))]


def _audits(session, action):
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _archive(session, cycle):
    cycle.archived_at = datetime(2026, 1, 1, tzinfo=UTC)
    session.commit()


# --- services ------------------------------------------------------------------------------------------------

def test_add_signatory_appends_and_audits(session, demo):
    cycle = demo.cycle
    count = len(cycle.signatories)

    signatory = services.add_signatory(session, cycle=cycle, actor=demo.users["admin"], name=" وزیر  صمت ",
                                       title="وزیر صنعت، معدن و تجارت")
    session.commit()

    assert signatory.name == "وزیر صمت"
    assert signatory.position == max(s.position for s in cycle.signatories if s.id != signatory.id) + 1
    assert len(cycle.signatories) == count + 1 and cycle.signatories[-1].id == signatory.id
    assert _audits(session, "signatory.add") == 1


@pytest.mark.parametrize(("name", "title", "field"), [("", "سمت", "name"), ("نام", "  ", "title"),
                                                      ("ن" * 121, "سمت", "name")])
def test_add_signatory_refuses_empty_or_long_fields_and_changes_nothing(session, demo, name, title, field):
    before = _rows(session, demo.cycle.id)

    with pytest.raises(DomainError) as refused:
        services.add_signatory(session, cycle=demo.cycle, actor=demo.users["admin"], name=name, title=title)
    session.rollback()

    assert refused.value.field == field
    assert _rows(session, demo.cycle.id) == before
    assert _audits(session, "signatory.add") == 0


def test_add_signatory_refused_to_a_province_officer(session, demo):
    with pytest.raises(PermissionDenied):
        services.add_signatory(session, cycle=demo.cycle, actor=demo.users["fars"], name="نام", title="سمت")


def test_add_signatory_refused_on_an_archived_cycle(session, demo):
    _archive(session, demo.cycle)
    before = _rows(session, demo.cycle.id)

    with pytest.raises(DomainError, match="بایگانی"):
        services.add_signatory(session, cycle=demo.cycle, actor=demo.users["admin"], name="نام", title="سمت")
    session.rollback()

    assert _rows(session, demo.cycle.id) == before


def test_remove_signatory_deletes_row_and_signature_file_and_audits(app, session, demo):
    signatory = demo.cycle.signatories[0]
    services.save_signature(session, signatory=signatory, actor=demo.users["admin"], data=PNG_1PX,
                            upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=512 * 1024)
    session.commit()
    path = app.config["UPLOAD_FOLDER"] / "signatures" / signatory.signature_file
    remaining = len(demo.cycle.signatories) - 1

    services.remove_signatory(session, signatory=signatory, actor=demo.users["admin"],
                              upload_dir=app.config["UPLOAD_FOLDER"], confirm=True)
    session.commit()

    assert len(_rows(session, demo.cycle.id)) == remaining
    assert not path.exists()
    assert _audits(session, "signatory.remove") == 1


def test_remove_signatory_refused_without_confirmation_and_keeps_everything(app, session, demo):
    before = _rows(session, demo.cycle.id)

    with pytest.raises(DomainError) as refused:
        services.remove_signatory(session, signatory=demo.cycle.signatories[0], actor=demo.users["admin"],
                                  upload_dir=app.config["UPLOAD_FOLDER"], confirm=False)
    session.rollback()

    assert refused.value.field == "confirm"
    assert _rows(session, demo.cycle.id) == before
    assert _audits(session, "signatory.remove") == 0


def test_remove_signatory_refused_on_an_archived_cycle(app, session, demo):
    _archive(session, demo.cycle)
    before = _rows(session, demo.cycle.id)

    with pytest.raises(DomainError, match="بایگانی"):
        services.remove_signatory(session, signatory=demo.cycle.signatories[0], actor=demo.users["admin"],
                                  upload_dir=app.config["UPLOAD_FOLDER"], confirm=True)
    session.rollback()

    assert _rows(session, demo.cycle.id) == before


def test_move_signatory_swaps_with_its_neighbour(session, demo):
    cycle = demo.cycle
    services.add_signatory(session, cycle=cycle, actor=demo.users["admin"], name="سوم", title="سمت سوم")
    session.commit()
    names = [s.name for s in cycle.signatories]

    services.move_signatory(session, signatory=cycle.signatories[-1], actor=demo.users["admin"], direction="up")
    session.commit()

    assert [row[0] for row in _rows(session, cycle.id)] == [*names[:-2], names[-1], names[-2]]
    assert [row[2] for row in _rows(session, cycle.id)] == list(range(len(names)))
    assert _audits(session, "signatory.move") == 1


@pytest.mark.parametrize(("index", "direction"), [(0, "up"), (-1, "down"), (0, "sideways")])
def test_move_signatory_refused_past_the_ends_and_changes_nothing(session, demo, index, direction):
    before = _rows(session, demo.cycle.id)

    with pytest.raises(DomainError):
        services.move_signatory(session, signatory=demo.cycle.signatories[index], actor=demo.users["admin"],
                                direction=direction)
    session.rollback()

    assert _rows(session, demo.cycle.id) == before
    assert _audits(session, "signatory.move") == 0


# --- pages ---------------------------------------------------------------------------------------------------

def test_signatories_page_adds_one_with_a_signature(client, login_as, session, demo):
    login_as("admin")
    count = len(demo.cycle.signatories)

    response = client.post("/certificates/signatories", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/certificates/signatories"), "signatory_id": "new",
        "new-name": "رئیس سازمان", "new-title": "رئیس دبیرخانه", "new-signature": (io.BytesIO(PNG_1PX), "s.png")})

    assert response.status_code == 302
    rows = _rows(session, demo.cycle.id)
    assert len(rows) == count + 1 and rows[-1][:2] == ("رئیس سازمان", "رئیس دبیرخانه") and rows[-1][3]


def test_signatories_page_refusal_keeps_what_was_typed_and_adds_nothing(client, login_as, session, demo):
    login_as("admin")
    before = _rows(session, demo.cycle.id)

    response = client.post("/certificates/signatories", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/certificates/signatories"), "signatory_id": "new",
        "new-name": "رئیس سازمان", "new-title": "", "new-signature": (io.BytesIO(b"%PDF-1.7"), "s.pdf")})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "سمت امضاکننده را بنویسید." in html and 'value="رئیس سازمان"' in html
    assert _rows(session, demo.cycle.id) == before


def test_signatories_page_bad_signature_adds_nothing(client, login_as, session, demo):
    login_as("admin")
    before = _rows(session, demo.cycle.id)

    response = client.post("/certificates/signatories", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/certificates/signatories"), "signatory_id": "new",
        "new-name": "رئیس سازمان", "new-title": "رئیس", "new-signature": (io.BytesIO(b"%PDF-1.7"), "s.pdf")})

    assert response.status_code == 200 and "تصویر امضا باید" in response.get_data(as_text=True)
    assert _rows(session, demo.cycle.id) == before


def test_signatories_page_without_csrf_adds_nothing(client, login_as, session, demo):
    login_as("admin")
    before = _rows(session, demo.cycle.id)

    client.post("/certificates/signatories", data={"signatory_id": "new", "new-name": "ن", "new-title": "س"})

    assert _rows(session, demo.cycle.id) == before


def test_remove_page_asks_for_confirmation_then_removes(client, login_as, session, demo):
    login_as("admin")
    signatory_id = demo.cycle.signatories[0].id
    path = f"/certificates/signatories/{signatory_id}/remove"
    assert client.get(path).status_code == 200

    refused = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert refused.status_code == 200 and "تأیید را علامت بزنید" in refused.get_data(as_text=True)
    assert session.get(Signatory, signatory_id) is not None

    done = client.post(path, data={"csrf_token": csrf_token(client, path), "confirm": "y"})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Signatory, signatory_id) is None


def test_remove_page_on_an_archived_cycle_removes_nothing(client, login_as, session, demo):
    login_as("admin")
    _archive(session, demo.cycle)
    signatory_id = demo.cycle.signatories[0].id
    path = f"/certificates/signatories/{signatory_id}/remove"

    response = client.post(path, data={"csrf_token": csrf_token(client, path), "confirm": "y"})

    assert response.status_code == 200 and "بایگانی" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Signatory, signatory_id) is not None


def test_move_page_reorders(client, login_as, session, demo):
    login_as("admin")
    first, second = (s.id for s in demo.cycle.signatories[:2])

    response = client.post(f"/certificates/signatories/{second}/move", data={
        "csrf_token": csrf_token(client, "/certificates/signatories"), "direction": "up"})

    assert response.status_code == 302
    session.expire_all()
    ids = [s.id for s in session.scalars(select(Signatory).where(Signatory.cycle_id == demo.cycle.id)
                                         .order_by(Signatory.position, Signatory.id))]
    assert ids[:2] == [second, first]


@pytest.mark.parametrize("username", ["fars", "winners-chair"])
def test_signatory_pages_refused_to_non_organizers(client, login_as, session, demo, username):
    login_as(username)
    signatory_id = demo.cycle.signatories[0].id
    before = _rows(session, demo.cycle.id)

    assert client.get(f"/certificates/signatories/{signatory_id}/remove").status_code == 403
    token = csrf_token(client, "/account/password")
    assert client.post(f"/certificates/signatories/{signatory_id}/remove",
                       data={"csrf_token": token, "confirm": "y"}).status_code == 403
    assert client.post(f"/certificates/signatories/{signatory_id}/move",
                       data={"csrf_token": token, "direction": "down"}).status_code == 403
    assert _rows(session, demo.cycle.id) == before


def test_unknown_signatory_is_404(client, login_as, demo):
    login_as("admin")
    assert client.get("/certificates/signatories/999999/remove").status_code == 404


def test_signatory_events_are_named_in_the_audit_log(client, login_as, session, demo):
    services.add_signatory(session, cycle=demo.cycle, actor=demo.users["admin"], name="سوم", title="سمت سوم")
    session.commit()
    login_as("oversight-chair")

    html = client.get("/audit/").get_data(as_text=True)

    assert "افزودن امضاکننده" in html
