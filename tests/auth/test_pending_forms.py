"""No lost typing: a form posted after the session expired is kept, offered back after sign-in on the page it
came from, and never applied until the user sends it (issue 13, item 3)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from awards import clock
from awards.auth import pending
from awards.models import Nomination, PendingForm
from tests.auth.test_sessions import sign_in
from tests.conftest import csrf_token
from tests.nominations.conftest import MASKATI

TYPED = "خوشه با ساماندهی بیش از یکصد واحد تولیدی صادرات حلوای مسقطی را دو برابر کرد."


def _fresh(session):
    """End the test session's read snapshot, so it sees what the requests committed."""
    session.commit()
    session.expire_all()
    return session


def _maskati(session) -> Nomination:
    _fresh(session)
    return session.scalars(select(Nomination).where(Nomination.nominee_name == MASKATI)).one()


def _edit_form(client, nomination_id: int) -> dict[str, str]:
    """The dossier form as its page holds it, with the narrative typed in."""
    html = client.get(f"/nominations/{nomination_id}/edit").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    data.update(re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option[^>]*selected[^>]*value="([^"]*)"', html, re.S))
    data["narrative"] = TYPED
    return data


def _expire(app, start: datetime) -> None:
    clock.freeze_wall(start + 2 * app.config["IDLE_TIMEOUT"])


def _post_after_expiry(app, client, session):
    nomination = _maskati(session)
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    page = f"/nominations/{nomination.id}/edit"
    data = _edit_form(client, nomination.id)
    _expire(app, start)
    response = client.post(page, data=data, headers={"Referer": f"http://localhost{page}"})
    return nomination, page, response


def _restored(html: str) -> dict | None:
    match = re.search(r'<script type="application/json" id="restored-form">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


def test_pending_expired_post_is_kept_and_sends_to_sign_in_with_nothing_applied(app, client, session, demo):
    nomination, page, response = _post_after_expiry(app, client, session)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login") and "next=" in response.headers["Location"]
    assert _maskati(session).narrative == nomination.narrative  # nothing applied
    kept = _fresh(session).scalars(select(PendingForm)).one()
    assert kept.user_id == demo.users["fars"].id and kept.page_path == page and kept.action_path == page
    assert kept.fields["narrative"] == [TYPED] and "csrf_token" not in kept.fields
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "نگه داشته شد" in login_page


def test_pending_comes_back_on_its_page_after_sign_in_and_waits_for_the_user(app, client, session, demo):
    nomination, page, expired = _post_after_expiry(app, client, session)
    login_url = expired.headers["Location"]
    response = client.post(login_url, data={"username": "fars", "password": "demo-pass-1404",
                                            "csrf_token": csrf_token(client, login_url)})
    assert response.status_code == 302 and response.headers["Location"] == page
    html = client.get(page).get_data(as_text=True)
    restored = _restored(html)
    assert restored is not None and restored["action"] == page and restored["fields"]["narrative"] == [TYPED]
    assert "تا نفرستید چیزی ثبت نمی‌شود" in html
    assert _restored(client.get(page).get_data(as_text=True)) is not None  # a reload still offers it
    assert _maskati(session).narrative == nomination.narrative  # still not applied

    sent = _edit_form(client, nomination.id)
    assert client.post(page, data=sent).status_code == 302
    assert _maskati(session).narrative == TYPED  # applied once the user sent it
    assert _fresh(session).scalars(select(PendingForm)).all() == []
    assert _restored(client.get(page).get_data(as_text=True)) is None


def test_pending_another_user_signing_in_on_that_browser_gets_nothing(app, client, session, demo):
    _nomination, page, _response = _post_after_expiry(app, client, session)
    sign_in(client, "tehran")
    assert _restored(client.get("/").get_data(as_text=True)) is None
    assert client.get(page).status_code in (403, 404)
    kept = _fresh(session).scalars(select(PendingForm)).one()
    assert pending.find(session, form_id=kept.id, user_id=demo.users["tehran"].id, page_path=page,
                        now=clock.wall_now()) is None


def test_pending_secrets_and_the_csrf_token_are_never_kept():
    form = MultiDict([("csrf_token", "x"), ("current_password", "a"), ("new_password", "b"), ("code", "123456"),
                      ("reason", "دلیل")])
    assert pending.kept_fields(form) == {"reason": ["دلیل"]}


def test_pending_an_empty_or_oversized_form_is_not_kept(session, demo):
    now = clock.wall_now()
    user_id = demo.users["fars"].id
    assert pending.stash(session, user_id=user_id, page_path="/x", action_path="/x",
                         form=MultiDict([("reason", "  ")]), now=now) is None
    huge = MultiDict([("reason", "ا" * (pending.MAX_BYTES // 2 + 1))])
    assert pending.stash(session, user_id=user_id, page_path="/x", action_path="/x", form=huge, now=now) is None
    assert _fresh(session).scalars(select(PendingForm)).all() == []


def test_pending_old_ones_are_pruned_when_a_new_one_is_kept(session, demo):
    user_id = demo.users["fars"].id
    then = clock.wall_now()
    pending.stash(session, user_id=user_id, page_path="/a", action_path="/a", form=MultiDict([("r", "1")]), now=then)
    later = then + pending.KEEP_FOR + timedelta(minutes=1)
    pending.stash(session, user_id=user_id, page_path="/b", action_path="/b", form=MultiDict([("r", "2")]), now=later)
    assert [f.page_path for f in _fresh(session).scalars(select(PendingForm))] == ["/b"]


def test_keepalive_answers_a_signed_in_user_and_refuses_a_visitor(client, demo):
    assert client.get("/session/keepalive").status_code == 401
    sign_in(client, "fars")
    response = client.get("/session/keepalive")
    assert response.status_code == 200 and response.get_json() == {"signed_in": True}
