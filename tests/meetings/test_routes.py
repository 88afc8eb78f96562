"""The minutes' pages: who sees and does what, the whole flow through the forms, refusals that change nothing."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from awards.enums import MeetingState
from awards.models import AuditEvent, Meeting, MeetingAttendee, MeetingDecision
from awards.persian import format_jalali_date
from tests.conftest import csrf_token
from tests.meetings.conftest import AGENDA, PLACE, today
from tests.results.conftest import cluster, user


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/meetings/"), **(data or {})})


def _logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/meetings/")})


def _meeting(session) -> Meeting:
    session.rollback()
    session.expire_all()
    return session.scalar(select(Meeting).order_by(Meeting.id.desc()))


def _new_form(session, present=("chair", "1", "2")) -> dict:
    return {"held_on": format_jalali_date(today()), "place": PLACE, "agenda": AGENDA,
            "attendees": [str(user(session, f"winners-{s}").id) for s in present]}


def test_get_walk_for_chair_member_outsider_and_anonymous(ranked, client, session, login_as):
    mid = ranked.id
    pages = ["/meetings/", f"/meetings/{mid}", f"/meetings/{mid}/minutes.pdf"]
    login_as("winners-chair")
    for path in [*pages, "/meetings/new/winners", f"/meetings/{mid}/edit", "/meetings/new/winners?category=1"]:
        assert client.get(path).status_code == 200, path
    _logout(client)
    login_as("winners-1")
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert client.get("/meetings/new/winners").status_code == 403
    assert client.get(f"/meetings/{mid}/edit").status_code == 403
    _logout(client)
    login_as("content-1")
    assert client.get(f"/meetings/{mid}").status_code == 403
    assert client.get(f"/meetings/{mid}/minutes.pdf").status_code == 403
    assert "کمیتهٔ برگزیدگان" not in client.get("/meetings/").get_data(as_text=True)
    _logout(client)
    login_as("admin")
    assert client.get(f"/meetings/{mid}").status_code == 200
    assert client.get("/meetings/new/winners").status_code == 403
    _logout(client)
    assert client.get(f"/meetings/{mid}").status_code == 302
    assert client.get("/meetings/999999").status_code == 302  # anonymous: to the sign-in page first
    login_as("winners-chair")
    assert client.get("/meetings/999999").status_code == 404
    assert client.get("/meetings/new/nobody").status_code == 404


def test_chair_records_ranks_and_every_attendee_signs_through_the_forms(scored, client, session, login_as):
    login_as("winners-chair")
    form = client.get(f"/meetings/new/winners?category={cluster(session).id}").get_data(as_text=True)
    assert "خوشهٔ صنعتی برتر" in form and "data-jdp" in form
    response = _post(client, f"/meetings/new/winners?category={cluster(session).id}", _new_form(session))
    assert response.status_code == 302
    meeting = _meeting(session)
    assert meeting.number == "1404-WIN-01" and len(meeting.attendees) == 3
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="category_ranking" selected' in page or 'selected value="category_ranking"' in page
    response = _post(client, f"/meetings/{meeting.id}/decisions",
                     {"kind": "category_ranking", "category_id": str(cluster(session).id), "text": "تصویب شد."})
    assert response.status_code == 302
    for username in ("winners-chair", "winners-1", "winners-2"):
        if username != "winners-chair":
            _logout(client)
            login_as(username)
        page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page).group(1)
        response = _post(client, f"/meetings/{meeting.id}/sign", {"digest": digest})
        assert response.status_code == 302
    assert "مهر و موم شد" in client.get(response.headers["Location"]).get_data(as_text=True)
    meeting = _meeting(session)
    assert meeting.state is MeetingState.SEALED and meeting.content_digest == digest


def test_below_quorum_is_refused_beside_the_attendees_keeping_what_was_typed(scored, client, session, login_as):
    login_as("winners-chair")
    response = _post(client, "/meetings/new/winners", _new_form(session, present=("chair",)))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "جلسه به حد نصاب نرسیده است" in html and 'id="attendees-error"' in html
    assert PLACE in html and AGENDA in html
    assert _meeting(session) is None


def test_only_the_chair_records_and_edits_and_nothing_changes_on_refusal(ranked, client, session, login_as):
    login_as("winners-1")
    assert _post(client, "/meetings/new/winners", _new_form(session)).status_code == 403
    assert _post(client, f"/meetings/{ranked.id}/edit", {**_new_form(session), "place": "جای دیگر"}).status_code == 403
    assert _post(client, f"/meetings/{ranked.id}/decisions", {"kind": "general", "text": "x"}).status_code == 403
    decision_id = ranked.decisions[0].id
    assert _post(client, f"/meetings/{ranked.id}/decisions/{decision_id}/remove").status_code == 403
    assert _post(client, f"/meetings/{ranked.id}/reopen", {"reason": "x"}).status_code == 403
    meeting = _meeting(session)
    assert (meeting.place, len(meeting.decisions), session.scalar(select(func.count()).select_from(Meeting))) == \
        (PLACE, 1, 1)
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "meeting.edit")) == 0


def test_only_attendees_sign(scored, client, session, login_as):
    login_as("winners-chair")
    _post(client, "/meetings/new/winners", _new_form(session, present=("chair", "1")))
    meeting = _meeting(session)
    _post(client, f"/meetings/{meeting.id}/decisions", {"kind": "general", "text": "جلسهٔ بعد در تیر."})
    _logout(client)
    login_as("winners-2")  # a member, but not present
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "امضا و تأیید صورتجلسه" not in page
    assert _post(client, f"/meetings/{meeting.id}/sign", {"digest": ""}).status_code == 403
    session.rollback()
    assert session.scalar(select(func.count()).select_from(MeetingAttendee)
                          .where(MeetingAttendee.signed_at.is_not(None))) == 0


def test_a_stale_page_cannot_sign_and_the_decision_form_keeps_its_refusal(ranked, client, session, login_as):
    login_as("winners-chair")
    response = _post(client, f"/meetings/{ranked.id}/decisions", {"kind": "general", "text": ""})
    assert response.status_code == 200 and "متن مصوبه را بنویسید." in response.get_data(as_text=True)
    response = _post(client, f"/meetings/{ranked.id}/sign", {"digest": "0" * 64})
    assert "تغییر کرده است" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(MeetingDecision)) == 1
    assert _meeting(session).state is MeetingState.RECORDING


def test_results_page_links_the_chair_to_record_minutes(scored, client, session, login_as):
    login_as("winners-chair")
    html = client.get(f"/results/{cluster(session).id}").get_data(as_text=True)
    assert f'href="/meetings/new/winners?category={cluster(session).id}"' in html
