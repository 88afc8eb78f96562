"""One-time set-password links: work once, then dead; expire; replaced by a newer link; rate-limited."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from awards import clock
from awards.accounts import services
from awards.auth.passwords import verify_password
from awards.models import AuditEvent, PasswordLink, User
from tests.conftest import csrf_token, login

NEW_PASSWORD = "Sabz-Kooh-1405!"


def _issue(client, session, username: str) -> str:
    user_id = session.scalar(select(User.id).where(User.username == username))
    session.rollback()
    token = csrf_token(client, f"/admin/users/{user_id}")
    html = client.post(f"/admin/users/{user_id}/link", data={"csrf_token": token}).get_data(as_text=True)
    return re.search(r"/set-password/([A-Za-z0-9_-]+)", html).group(1)


def _set(client, token: str, password: str = NEW_PASSWORD, again: str | None = None):
    csrf = csrf_token(client, f"/set-password/{token}")
    return client.post(f"/set-password/{token}", data={"csrf_token": csrf, "new_password": password,
                                                       "new_password_again": again or password})


def test_link_works_once_then_is_dead(app, client, login_as, session, demo):
    login_as("admin")
    token = _issue(client, session, "tehran")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    page = client.get(f"/set-password/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    response = _set(client, token)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert login(app.test_client(), "tehran", NEW_PASSWORD).status_code == 302
    again = client.get(f"/set-password/{token}")
    assert again.status_code == 410 and "پیش‌تر یک بار به کار رفته" in again.get_data(as_text=True)
    replay = client.post(f"/set-password/{token}", data={"csrf_token": csrf_token(client, "/login"),
                                                         "new_password": "Another-Pass-99x",
                                                         "new_password_again": "Another-Pass-99x"})
    assert replay.status_code == 410
    assert login(app.test_client(), "tehran", NEW_PASSWORD).status_code == 302
    stored = session.scalars(select(PasswordLink)).all()
    assert len(stored) == 1 and stored[0].token_hash != token and stored[0].used_at is not None
    assert all(token not in str(e.changes) for e in session.scalars(select(AuditEvent)))


def test_link_expired_is_refused(client, login_as, session, demo, app):
    start = clock.now()
    clock.freeze(start)
    login_as("admin")
    token = _issue(client, session, "tehran")
    clock.freeze(start + timedelta(hours=app.config["PASSWORD_LINK_HOURS"]))
    page = client.get(f"/set-password/{token}")
    assert page.status_code == 410 and "مهلت این پیوند به پایان رسیده است" in page.get_data(as_text=True)
    user = session.scalar(select(User).where(User.username == "tehran"))
    assert not verify_password(user.password_hash, NEW_PASSWORD)


def test_link_just_before_expiry_still_works(client, login_as, session, demo, app):
    start = clock.now()
    clock.freeze(start)
    login_as("admin")
    token = _issue(client, session, "tehran")
    clock.freeze(start + timedelta(hours=app.config["PASSWORD_LINK_HOURS"]) - timedelta(seconds=1))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _set(client, token).status_code == 302


def test_new_link_voids_the_older_one(client, login_as, session, demo):
    login_as("admin")
    first = _issue(client, session, "tehran")
    second = _issue(client, session, "tehran")
    assert "پیوند تازه‌تری ساخته شده" in client.get(f"/set-password/{first}").get_data(as_text=True)
    assert client.get(f"/set-password/{second}").status_code == 200
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_link")).all()
    assert len(events) == 2


def test_unknown_link_is_a_clear_404(client, demo):
    response = client.get("/set-password/not-a-real-token")
    assert response.status_code == 404 and "این پیوند شناخته نشد" in response.get_data(as_text=True)
    assert client.get("/set-password/" + "x" * 500).status_code == 404


def test_link_weak_or_mismatched_password_is_refused_and_link_stays_live(client, login_as, session, demo):
    login_as("admin")
    token = _issue(client, session, "tehran")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    weak = _set(client, token, password="123")
    assert weak.status_code == 200 and "دست‌کم" in weak.get_data(as_text=True)
    mismatch = _set(client, token, again="Something-Else-42")
    assert "یکسان نیستند" in mismatch.get_data(as_text=True)
    assert _set(client, token).status_code == 302


def test_link_without_csrf_is_refused(client, login_as, session, demo):
    login_as("admin")
    token = _issue(client, session, "tehran")
    response = client.post(f"/set-password/{token}", data={"new_password": NEW_PASSWORD,
                                                           "new_password_again": NEW_PASSWORD})
    assert response.status_code == 400
    assert client.get(f"/set-password/{token}").status_code == 200


def test_link_for_disabled_account_is_refused_and_issuing_is_refused(client, login_as, session, demo):
    admin = session.scalar(select(User).where(User.username == "admin"))
    user = session.scalar(select(User).where(User.username == "tehran"))
    issued = services.issue_password_link(session, user=user, actor=admin, hours=1)
    services.set_account_active(session, user=user, active=False, actor=admin)
    session.commit()
    assert client.get(f"/set-password/{issued.token}").status_code == 410
    try:
        services.issue_password_link(session, user=user, actor=admin, hours=1)
    except services.DomainError as exc:
        assert exc.field == "user"
    else:
        raise AssertionError("a disabled account got a link")


def test_set_password_is_rate_limited(client, demo):
    statuses = [client.get(f"/set-password/guess-{n}").status_code for n in range(25)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_user_without_password_cannot_sign_in_before_the_link(client, login_as, session, demo):
    login_as("admin")
    data = {"username": "fresh.user", "full_name": "تازه‌وارد", "email": "", "mobile": "", "role": "organizer",
            "province": "0", "committee": "", "cycle": "0", "password": "",
            "csrf_token": csrf_token(client, "/admin/users/new")}
    html = client.post("/admin/users/new", data=data).get_data(as_text=True)
    token = re.search(r"/set-password/([A-Za-z0-9_-]+)", html).group(1)
    other = client.application.test_client()
    assert login(other, "fresh.user", "!").status_code == 200
    assert _set(other, token).status_code == 302
    assert login(other, "fresh.user", NEW_PASSWORD).status_code == 302
