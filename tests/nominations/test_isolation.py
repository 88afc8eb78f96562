"""Province isolation: another province's nominations and documents are 404 on every route, read or write."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from awards.enums import NominationState
from awards.models import AuditEvent, EvidenceDocument, Nomination
from awards.nominations import documents
from tests.nominations.conftest import ELECTRONICS, MASKATI, PHARMA, by_name, demo_pdf, post, token_from

#: (method, path) for every nomination and document route; {n} is the nomination id, {d} a document id.
ROUTES = [
    ("GET", "/nominations/{n}"),
    ("GET", "/nominations/{n}/edit"),
    ("POST", "/nominations/{n}/edit"),
    ("POST", "/nominations/{n}/submit"),
    ("POST", "/nominations/{n}/withdraw"),
    ("POST", "/nominations/{n}/documents"),
    ("GET", "/nominations/{n}/documents/{d}"),
    ("POST", "/nominations/{n}/documents/{d}/delete"),
]
ROUTE_IDS = [f"{method}-{path.split('}', 1)[1] or 'view'}" for method, path in ROUTES]

HOSTILE_FORM = {
    "nominee_name": "ربوده‌شده", "city": "تهران", "confirm": "y", "reason": "x", "category_id": "1",
    "province_id": "1", "state": "submitted",
}


def snapshot(session) -> tuple:
    """Everything a refused request must leave alone: nominations, documents and the audit log."""
    session.commit()
    nominations = session.execute(
        select(Nomination.id, Nomination.state, Nomination.nominee_name, Nomination.city, Nomination.province_id,
               Nomination.updated_at).order_by(Nomination.id)
    ).all()
    docs = session.execute(
        select(EvidenceDocument.id, EvidenceDocument.nomination_id).order_by(EvidenceDocument.id)
    ).all()
    return nominations, docs, session.scalar(select(func.count(AuditEvent.id)))


def call(client, method: str, url: str, token: str):
    if method == "GET":
        response = client.get(url)
        response.close()
        return response
    data = dict(HOSTILE_FORM, csrf_token=token, file=(io.BytesIO(demo_pdf("x")), "x.pdf"))
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.fixture
def fars_draft_with_document(session, demo):
    """Maskati Lari (a Fars draft) with one evidence file, so every document route has a target."""
    nomination = by_name(session, MASKATI)
    document = documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                                      data=demo_pdf("a"), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    session.commit()
    return nomination.id, document.id


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize("target", ["draft", "evaluated"])
def test_other_province_gets_404_and_nothing_changes(client, session, demo, login_as, fars_draft_with_document,
                                                      method, path, target):
    if target == "draft":
        nomination_id, document_id = fars_draft_with_document
    else:
        electronics = by_name(session, ELECTRONICS)
        nomination_id, document_id = electronics.id, electronics.documents[0].id
    login_as("tehran")
    token = token_from(client)
    before = snapshot(session)
    response = call(client, method, path.format(n=nomination_id, d=document_id), token)
    assert response.status_code == 404
    assert snapshot(session) == before


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ROUTE_IDS)
def test_guessed_ids_get_404(client, session, demo, login_as, method, path):
    login_as("fars")
    token = token_from(client)
    before = snapshot(session)
    response = call(client, method, path.format(n=987654, d=987654), token)
    assert response.status_code == 404
    assert snapshot(session) == before


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if "{d}" in r[1]],
                         ids=[i for i, r in zip(ROUTE_IDS, ROUTES, strict=True) if "{d}" in r[1]])
def test_document_of_another_nomination_gets_404_even_for_its_owner(client, session, demo, login_as,
                                                                      fars_draft_with_document, method, path):
    nomination_id, _document_id = fars_draft_with_document
    other_document = by_name(session, ELECTRONICS).documents[0]  # Fars too, but another nomination
    login_as("fars")
    token = token_from(client)
    before = snapshot(session)
    response = call(client, method, path.format(n=nomination_id, d=other_document.id), token)
    assert response.status_code == 404
    assert snapshot(session) == before


def test_other_province_nomination_is_absent_from_the_list(client, session, demo, login_as):
    login_as("tehran")
    html = client.get("/nominations/").get_data(as_text=True)
    assert PHARMA in html
    assert MASKATI not in html
    assert ELECTRONICS not in html


def test_province_filter_cannot_widen_an_officers_list(client, session, demo, login_as):
    fars_province = by_name(session, MASKATI).province_id
    login_as("tehran")
    html = client.get(f"/nominations/?province={fars_province}").get_data(as_text=True)
    assert MASKATI not in html
    assert PHARMA in html


ACT_ROUTES = [("POST", "/nominations/{n}/submit"), ("POST", "/nominations/{n}/withdraw"),
              ("GET", "/nominations/{n}/edit"), ("POST", "/nominations/{n}/documents")]


@pytest.mark.parametrize(("method", "path"), ACT_ROUTES)
@pytest.mark.parametrize("username", ["admin", "winners-1"])
def test_users_who_may_see_but_not_act_get_403(client, session, demo, login_as, method, path, username):
    nomination = by_name(session, ELECTRONICS)
    login_as(username)
    before = snapshot(session)
    response = call(client, method, path.format(n=nomination.id), token_from(client, "/"))
    assert response.status_code == 403
    assert snapshot(session) == before


def test_committee_member_cannot_see_a_draft(client, session, demo, login_as):
    login_as("winners-1")
    assert client.get(f"/nominations/{by_name(session, MASKATI).id}").status_code == 404


def test_committee_member_without_list_permission_gets_403_on_list(client, demo, login_as):
    login_as("winners-1")
    assert client.get("/nominations/").status_code == 403


def test_anonymous_user_is_sent_to_login(client, session, demo):
    response = client.get(f"/nominations/{by_name(session, MASKATI).id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_posted_province_and_state_are_ignored_on_edit(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    tehran = demo.users["tehran"].province_id
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/edit", {
        "nominee_name": MASKATI, "category_id": str(nomination.category_id), "city": "لارستان",
        "province_id": str(tehran), "state": "submitted", "cycle_id": "999", "return_reason": "x",
        "created_by_id": str(demo.users["admin"].id),
    })
    assert response.status_code == 302
    after = by_name(session, MASKATI)
    assert after.city == "لارستان"
    assert after.province_id == nomination.province_id
    assert after.state == NominationState.DRAFT
    assert after.cycle_id == demo.cycle.id
    assert after.return_reason is None
    assert after.created_by_id == demo.users["fars"].id


def test_posted_province_and_state_are_ignored_on_create(client, session, demo, login_as):
    login_as("fars")
    response = post(client, f"/nominations/new?category={demo.categories['project'].id}", {
        "nominee_name": "طرح آزمایشی", "province_id": str(demo.users["tehran"].province_id), "state": "awarded",
    })
    assert response.status_code == 302
    created = by_name(session, "طرح آزمایشی")
    assert created.province_id == demo.users["fars"].province_id
    assert created.state == NominationState.DRAFT


def test_category_of_another_kind_cannot_be_posted_on_edit(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    response = post(client, f"/nominations/{nomination.id}/edit", {
        "nominee_name": MASKATI, "category_id": str(demo.categories["veteran"].id)})
    assert response.status_code == 200
    assert "یکی از رشته‌های فهرست را برگزینید." in response.get_data(as_text=True)
    assert by_name(session, MASKATI).category_id == demo.categories["cluster"].id
