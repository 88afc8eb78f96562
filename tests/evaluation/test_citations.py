"""Citations (متن لوح): written by the content committee, approved by its chair, re-approved after an edit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from awards.enums import NominationState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation import citations, services
from awards.models import AuditEvent, Citation
from tests.conftest import csrf_token
from tests.evaluation.factories import STEEL, nomination_named, post, user


def _citation(session, nomination) -> Citation | None:
    session.expire_all()
    found = session.scalar(select(Citation).where(Citation.nomination_id == nomination.id))
    session.commit()
    return found


def test_write_approve_and_edit_clears_approval(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    writer_id, chair_id = user(session, "content-1").id, user(session, "content-chair").id
    url = f"/evaluation/citations/{steel.id}"
    login_as("content-1")
    assert post(client, url, {"text": "  به پاس ارتقای بهره‌وری انرژي و توسعهٔ صادرات  "}).status_code == 302
    written = _citation(session, steel)
    assert written.text == "به پاس ارتقای بهره‌وری انرژی و توسعهٔ صادرات"  # trimmed, Arabic yeh made Persian
    assert written.written_by_id == writer_id
    assert not written.is_approved
    assert post(client, f"{url}/approve").status_code == 403

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("content-chair")
    assert "تأیید این متن" in client.get(url).get_data(as_text=True)
    post(client, f"{url}/approve")
    approved = _citation(session, steel)
    assert approved.approved_by_id == chair_id
    assert "تأییدشده" in client.get("/evaluation/citations").get_data(as_text=True)

    post(client, url, {"text": "به پاس ارتقای بهره‌وری انرژی، نوآوری و توسعهٔ صادرات"})
    edited = _citation(session, steel)
    assert edited.text == "به پاس ارتقای بهره‌وری انرژی، نوآوری و توسعهٔ صادرات"
    assert (edited.approved_at, edited.approved_by_id) == (None, None)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.object_type == "citation")
                                  .order_by(AuditEvent.id)))
    session.commit()
    assert [e.action for e in events] == ["citation.write", "citation.approve", "citation.write"]
    assert events[2].changes["approved"] == [True, False]
    assert events[2].changes["text"][0] == "به پاس ارتقای بهره‌وری انرژی و توسعهٔ صادرات"


def test_citation_text_required_and_at_most_600(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("content-2")
    html = post(client, f"/evaluation/citations/{steel.id}", {"text": "   "}).get_data(as_text=True)
    assert "متن لوح را بنویسید." in html
    long_text = "الف" * 601
    html = post(client, f"/evaluation/citations/{steel.id}", {"text": long_text}).get_data(as_text=True)
    assert "حداکثر ۶۰۰ نویسه" in html
    assert long_text in html  # kept
    assert _citation(session, steel) is None


def test_citation_refused_for_nomination_not_in_evaluation_or_shortlist(session, demo):
    steel = nomination_named(session, STEEL)
    steel.state = NominationState.NOT_SELECTED
    with pytest.raises(InvalidTransition):
        citations.save_citation(session, nomination=steel, actor=user(session, "content-1"), text="متن")


def test_citation_page_404_for_draft(client, session, demo, login_as):
    draft = nomination_named(session, "خوشه مسقطی لاری")
    login_as("content-1")
    assert client.get(f"/evaluation/citations/{draft.id}").status_code == 404


def test_citation_rules_in_service(session, demo):
    steel = nomination_named(session, STEEL)
    with pytest.raises(PermissionDenied):
        citations.save_citation(session, nomination=steel, actor=user(session, "winners-chair"), text="متن")
    citation = citations.save_citation(session, nomination=steel, actor=user(session, "content-1"), text="متن")
    assert citations.save_citation(session, nomination=steel, actor=user(session, "content-2"), text="متن") \
        is citation  # unchanged text: no new audit, no new writer
    assert citation.written_by_id == demo.users["content-1"].id
    with pytest.raises(PermissionDenied):
        citations.approve_citation(session, citation=citation, actor=user(session, "content-1"))
    citations.approve_citation(session, citation=citation, actor=user(session, "content-chair"))
    with pytest.raises(InvalidTransition):
        citations.approve_citation(session, citation=citation, actor=user(session, "content-chair"))


def test_conflicted_content_member_does_not_write_citation(session, demo):
    steel = nomination_named(session, STEEL)
    services.declare_conflict(session, nomination=steel, actor=user(session, "content-1"), reason="همکار")
    with pytest.raises(DomainError, match="تعارض"):
        citations.save_citation(session, nomination=steel, actor=user(session, "content-1"), text="متن")


def test_organizer_reads_citation_without_form(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("admin")
    html = client.get(f"/evaluation/citations/{steel.id}").get_data(as_text=True)
    assert "هنوز متنی نوشته نشده است." in html
    assert "ذخیرهٔ متن" not in html
