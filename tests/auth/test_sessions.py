"""Server-side sessions through the web: captured cookies die, expiry is judged on the server, pages end sessions.

Every "is this cookie dead?" question is asked by a FRESH test client that carries only the old cookie.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from awards import clock
from awards.auth.sessions import TOKEN_RE
from awards.models import AuditEvent
from tests.conftest import csrf_token

PROTECTED = "/nominations/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0.0.0 Mobile Safari/537.36")


def sign_in(client, username: str, *, remember: bool = False, password: str = "demo-pass-1404"):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client, "/login")}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def fresh_client(app, **cookies):
    """A new browser that holds nothing but the given cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def signed_in_with(app, **cookies) -> bool:
    response = fresh_client(app, **cookies).get(PROTECTED)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    return False


def store(app):
    return app.extensions["awards_sessions"]


def records_of(app, user_id: int):
    return store(app).for_user(user_id)


@pytest.fixture
def ids(demo):
    return {name: user.id for name, user in demo.users.items()}


@pytest.fixture
def device(app):
    """A second browser with its own user agent."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = ANDROID
    client.environ_base["REMOTE_ADDR"] = "10.20.30.40"
    return client


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/account/sessions"), **(data or {})})


# --------------------------------------------------------------------------
# The record and the cookie
# --------------------------------------------------------------------------

def test_sign_in_creates_record_with_address_and_user_agent(app, client, ids):
    client.environ_base["HTTP_USER_AGENT"] = FIREFOX
    sign_in(client, "fars")
    [record] = records_of(app, ids["fars"])
    assert (record.ip_address, record.user_agent) == ("127.0.0.1", FIREFOX)
    assert record.created_at == record.last_seen_at == record.renewed_at
    assert record.remember_until is None and record.remember_hash is None


def test_sign_in_cookie_is_only_the_random_id_and_only_its_digest_is_stored(app, client, ids, session):
    sign_in(client, "fars")
    value = cookie(client, "session")
    assert TOKEN_RE.fullmatch(value)
    [record] = records_of(app, ids["fars"])
    assert record.token_hash == hashlib.sha256(value.encode()).hexdigest()
    from awards.models import UserSession

    row = session.get(UserSession, record.id)
    assert value not in (row.id, row.token_hash, row.data)


def test_anonymous_cookie_is_signed_and_holds_no_user(app, client, demo):
    client.get("/login")
    value = cookie(client, "session")
    assert value is not None and "." in value
    data = app.session_interface._signer(app).loads(value)
    assert set(data) == {"csrf_token"}


def test_signed_in_session_keeps_csrf_language_and_flashes_server_side(app, client, ids):
    sign_in(client, "fars")
    assert "خوش آمدید" in client.get("/").get_data(as_text=True)
    post(client, "/language/en", {"next": "/"})
    assert TOKEN_RE.fullmatch(cookie(client, "session"))
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
    [record] = records_of(app, ids["fars"])
    assert '"language":"en"' in record.data


def test_sign_in_twice_gives_two_records_and_keeps_no_old_data(app, client, device, ids):
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    sign_in(client, "fars")
    sign_in(device, "fars")
    records = records_of(app, ids["fars"])
    assert len(records) == 2
    assert all("planted" not in r.data for r in records)


# --------------------------------------------------------------------------
# Captured cookies die: logout, "end this session", disabled account
# --------------------------------------------------------------------------

def test_captured_cookies_work_before_logout(app, client, ids):
    sign_in(client, "fars", remember=True)
    assert signed_in_with(app, session=cookie(client, "session"))
    assert signed_in_with(app, remember_token=cookie(client, "remember_token"))


def test_captured_session_and_remember_cookies_dead_after_logout(app, client, ids):
    sign_in(client, "fars", remember=True)
    captured = {"session": cookie(client, "session"), "remember_token": cookie(client, "remember_token")}
    response = post(client, "/logout")
    assert response.status_code == 302
    assert cookie(client, "remember_token") is None
    assert not TOKEN_RE.fullmatch(cookie(client, "session") or "")
    assert records_of(app, ids["fars"]) == []
    assert not signed_in_with(app, session=captured["session"])
    assert not signed_in_with(app, remember_token=captured["remember_token"])
    assert not signed_in_with(app, **captured)


def test_logout_deletes_remember_cookie_in_response(client, demo):
    sign_in(client, "fars", remember=True)
    response = post(client, "/logout")
    deleted = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=;")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]


def test_captured_cookies_dead_after_end_this_session_from_another_device(app, client, device, ids):
    sign_in(client, "fars", remember=True)
    captured = {"session": cookie(client, "session"), "remember_token": cookie(client, "remember_token")}
    sign_in(device, "fars")
    theirs = next(r for r in records_of(app, ids["fars"]) if r.user_agent != ANDROID)
    response = post(device, f"/account/sessions/{theirs.id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    assert not signed_in_with(app, session=captured["session"])
    assert not signed_in_with(app, remember_token=captured["remember_token"])
    assert device.get(PROTECTED).status_code == 200  # the device that ended it stays signed in


def test_captured_cookies_dead_after_account_disabled(app, client, ids, demo, session):
    from awards.auth.services import set_active

    sign_in(client, "fars", remember=True)
    captured = {"session": cookie(client, "session"), "remember_token": cookie(client, "remember_token")}
    set_active(session, user=demo.users["fars"], active=False, actor=demo.users["admin"])
    session.commit()
    assert records_of(app, ids["fars"]) == []
    assert not signed_in_with(app, session=captured["session"])
    assert not signed_in_with(app, remember_token=captured["remember_token"])
    set_active(session, user=demo.users["fars"], active=True, actor=demo.users["admin"])
    session.commit()
    # Enabling the account again revives nothing.
    assert not signed_in_with(app, session=captured["session"])
    assert not signed_in_with(app, remember_token=captured["remember_token"])


def test_captured_cookies_dead_after_password_change(app, client, ids, demo, session):
    from awards.auth.services import change_password

    sign_in(client, "fars", remember=True)
    captured = {"session": cookie(client, "session"), "remember_token": cookie(client, "remember_token")}
    change_password(session, user=demo.users["fars"], new_password="Kavir-namak-1404!", actor=demo.users["admin"])
    session.commit()
    assert records_of(app, ids["fars"]) == []
    assert not signed_in_with(app, session=captured["session"])
    assert not signed_in_with(app, remember_token=captured["remember_token"])


def test_resigned_cookie_with_fresh_last_seen_cannot_extend_a_session(app, client, ids, demo):
    sign_in(client, "fars")
    user_id = f"{ids['fars']}:{demo.users['fars'].session_token}"
    now = datetime.now(UTC).timestamp()
    forged = {"_user_id": user_id, "_fresh": True, "last_seen": now, "_permanent": True}
    old_style = SecureCookieSessionInterface().get_signing_serializer(app).dumps(forged)
    ours = app.session_interface._signer(app).dumps(forged)
    assert not signed_in_with(app, session=old_style)
    assert not signed_in_with(app, session=ours)


def test_unknown_random_id_is_anonymous_and_cookie_is_dropped(app, demo):
    client = fresh_client(app, session="A" * 43)
    response = client.get(PROTECTED)
    assert response.status_code == 302
    assert cookie(client, "session") is None or not TOKEN_RE.fullmatch(cookie(client, "session"))


# --------------------------------------------------------------------------
# Expiry judged on the server
# --------------------------------------------------------------------------

def test_idle_timeout_ends_session_on_the_server(app, client, ids):
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    captured = cookie(client, "session")
    idle = app.config["IDLE_TIMEOUT"]
    clock.freeze_wall(start + idle - timedelta(minutes=1))
    assert client.get(PROTECTED).status_code == 200
    clock.freeze_wall(start + 2 * idle - timedelta(minutes=1) + timedelta(seconds=5))
    response = client.get(PROTECTED)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "بی‌کاری" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert records_of(app, ids["fars"]) == []
    assert not signed_in_with(app, session=captured)


def test_absolute_lifetime_ends_a_busy_session(app, client, ids):
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    moment = start
    while moment + timedelta(minutes=30) <= start + lifetime:
        moment += timedelta(minutes=30)
        clock.freeze_wall(moment)
        assert client.get(PROTECTED).status_code == 200
    clock.freeze_wall(start + lifetime + timedelta(minutes=1))
    response = client.get(PROTECTED)
    assert response.status_code == 302
    assert "زمان نشست شما به پایان رسید" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert records_of(app, ids["fars"]) == []


def test_last_seen_written_at_most_once_per_interval(app, client, ids):
    start = datetime.now(UTC).replace(microsecond=0)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    interval = app.config["SESSION_TOUCH_INTERVAL"]
    clock.freeze_wall(start + interval - timedelta(seconds=1))
    client.get(PROTECTED)
    assert records_of(app, ids["fars"])[0].last_seen_at == start
    clock.freeze_wall(start + interval)
    client.get(PROTECTED)
    assert records_of(app, ids["fars"])[0].last_seen_at == start + interval


def test_last_seen_written_outside_the_requests_transaction(app, client, ids, session):
    start = datetime.now(UTC).replace(microsecond=0)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    later = start + timedelta(minutes=5)
    clock.freeze_wall(later)
    # A refused action rolls its transaction back; the touch made before it stays.
    response = post(client, f"/account/sessions/{'0' * 32}/end")
    assert response.status_code == 302
    assert records_of(app, ids["fars"])[0].last_seen_at == later


def test_static_files_do_not_touch_last_seen(app, client, ids):
    start = datetime.now(UTC).replace(microsecond=0)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    clock.freeze_wall(start + timedelta(minutes=5))
    client.get("/static/css/app.css").close()
    assert records_of(app, ids["fars"])[0].last_seen_at == start


def test_remember_cookie_revives_an_idle_session_with_a_new_id(app, client, ids):
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars", remember=True)
    old_session = cookie(client, "session")
    clock.freeze_wall(start + app.config["IDLE_TIMEOUT"] + timedelta(minutes=1))
    assert client.get(PROTECTED).status_code == 200
    new_session = cookie(client, "session")
    assert TOKEN_RE.fullmatch(new_session) and new_session != old_session
    assert not signed_in_with(app, session=old_session)
    assert signed_in_with(app, session=new_session)
    [record] = records_of(app, ids["fars"])
    assert record.created_at == start


def test_remember_cookie_dead_after_its_lifetime(app, client, ids):
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars", remember=True)
    remember = cookie(client, "remember_token")
    clock.freeze_wall(start + app.config["REMEMBER_COOKIE_DURATION"] + timedelta(minutes=1))
    assert not signed_in_with(app, remember_token=remember)


# --------------------------------------------------------------------------
# The sessions page
# --------------------------------------------------------------------------

def test_sessions_page_lists_sessions_in_plain_words_and_marks_this_device(client, device, ids):
    client.environ_base["HTTP_USER_AGENT"] = FIREFOX
    sign_in(client, "fars")
    sign_in(device, "fars")
    html = client.get("/account/sessions").get_data(as_text=True)
    assert "Firefox روی Windows" in html and "Chrome روی Android" in html
    assert "10.20.30.40" in html and "127.0.0.1" in html
    assert html.count(">همین دستگاه</span>") == 1
    assert len(re.findall(r'action="/account/sessions/[0-9a-f]{32}/end"', html)) == 2


def test_sessions_page_needs_sign_in(client, demo):
    response = client.get("/account/sessions")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_end_session_is_audited(app, client, device, ids, session):
    sign_in(client, "fars")
    sign_in(device, "fars")
    theirs = next(r for r in records_of(app, ids["fars"]) if r.user_agent == ANDROID)
    post(client, f"/account/sessions/{theirs.id}/end")
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "session.end")).all()
    assert (event.actor_id, event.object_id, event.changes) == (ids["fars"], ids["fars"],
                                                                {"session": [theirs.id, None]})
    assert [r.user_agent for r in records_of(app, ids["fars"])] != [ANDROID]
    assert len(records_of(app, ids["fars"])) == 1


def test_end_this_device_signs_out(app, client, ids):
    sign_in(client, "fars")
    [mine] = records_of(app, ids["fars"])
    response = post(client, f"/account/sessions/{mine.id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get(PROTECTED).status_code == 302
    assert records_of(app, ids["fars"]) == []


def test_end_session_of_another_user_is_refused_and_changes_nothing(app, client, device, ids, session):
    sign_in(client, "fars")
    sign_in(device, "tehran")
    [theirs] = records_of(app, ids["tehran"])
    response = post(client, f"/account/sessions/{theirs.id}/end")
    assert response.status_code == 302
    assert "این نشست پیدا نشد" in client.get("/account/sessions").get_data(as_text=True)
    assert records_of(app, ids["tehran"]) == [theirs]
    assert device.get(PROTECTED).status_code == 200
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "session.end")) == 0


@pytest.mark.parametrize("record_id", ["x", "0" * 31, "G" * 32, "0" * 33])
def test_end_session_malformed_id_is_404(client, demo, record_id):
    sign_in(client, "fars")
    assert post(client, f"/account/sessions/{record_id}/end").status_code == 404


def test_end_session_without_csrf_is_refused(app, client, device, ids):
    sign_in(client, "fars")
    sign_in(device, "fars")
    theirs = next(r for r in records_of(app, ids["fars"]) if r.user_agent == ANDROID)
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 400
    assert len(records_of(app, ids["fars"])) == 2


def test_end_other_sessions_keeps_this_one(app, client, device, ids, session):
    sign_in(client, "fars")
    sign_in(device, "fars")
    sign_in(fresh_client(app), "fars")
    response = post(client, "/account/sessions/end-others")
    assert response.status_code == 302
    [left] = records_of(app, ids["fars"])
    assert left.token_hash == hashlib.sha256(cookie(client, "session").encode()).hexdigest()
    assert client.get(PROTECTED).status_code == 200
    assert device.get(PROTECTED).status_code == 302
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "session.end_others"))
    assert event.changes == {"sessions": [2, 0]}


# --------------------------------------------------------------------------
# An organizer ends all sessions of a user
# --------------------------------------------------------------------------

def test_organizer_ends_all_sessions_of_a_user(app, client, device, ids, session):
    sign_in(device, "fars", remember=True)
    captured = {"session": cookie(device, "session"), "remember_token": cookie(device, "remember_token")}
    sign_in(client, "admin")
    response = post(client, f"/admin/users/{ids['fars']}/end-sessions")
    assert response.status_code == 302
    assert records_of(app, ids["fars"]) == []
    assert not signed_in_with(app, session=captured["session"])
    assert not signed_in_with(app, remember_token=captured["remember_token"])
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.end_sessions"))
    assert (event.actor_id, event.object_id, event.changes) == (ids["admin"], ids["fars"], {"sessions": [1, 0]})
    assert client.get(PROTECTED).status_code == 200


def test_non_organizer_cannot_end_sessions_of_a_user(app, client, device, ids, session):
    sign_in(device, "tehran")
    sign_in(client, "fars")
    response = post(client, f"/admin/users/{ids['tehran']}/end-sessions")
    assert response.status_code == 403
    assert len(records_of(app, ids["tehran"])) == 1
    assert device.get(PROTECTED).status_code == 200
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "user.end_sessions")) == 0


def test_end_sessions_of_unknown_user_is_404(client, demo):
    sign_in(client, "admin")
    assert post(client, "/admin/users/999999/end-sessions").status_code == 404


def test_organizer_ending_own_sessions_is_signed_out(app, client, ids):
    sign_in(client, "admin")
    response = post(client, f"/admin/users/{ids['admin']}/end-sessions")
    assert response.headers["Location"] == "/login"
    assert client.get(PROTECTED).status_code == 302


def test_cookie_expiry_follows_the_real_clock_in_a_demo_replay(client, demo):
    clock.set_offset(timedelta(days=-500))  # seed-demo replays a past cycle this way
    sign_in(client, "fars", remember=True)
    now = datetime.now(UTC)
    session_expires = client.get_cookie("session").expires
    remember_expires = client.get_cookie("remember_token").expires
    assert now + timedelta(hours=11) < session_expires <= now + timedelta(hours=12, minutes=1)
    assert now + timedelta(days=6) < remember_expires <= now + timedelta(days=7, minutes=1)


def test_sign_in_without_remember_sets_no_remember_cookie(client, demo):
    sign_in(client, "fars")
    assert cookie(client, "remember_token") is None


def test_sign_in_prunes_records_no_cookie_can_use(app, client, device, ids):
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    sign_in(fresh_client(app), "fars", remember=True)
    clock.freeze_wall(start + app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(hours=1))
    sign_in(device, "fars")
    agents = sorted(r.user_agent for r in records_of(app, ids["fars"]))
    assert len(agents) == 2 and ANDROID in agents  # the idle one went; the remembered one stays


def test_signed_in_session_has_its_csrf_token_from_the_start(app, client, ids):
    sign_in(client, "fars")
    [record] = records_of(app, ids["fars"])
    assert '"csrf_token":' in record.data


def test_session_data_saved_after_a_view_left_its_write_transaction_open(app, client, ids, session):
    """A POST holds SQLite's write lock from its first query; saving the session must not wait for it."""
    from flask import flash
    from flask import session as flask_session
    from sqlalchemy import update

    from awards.db import db, reset_write_intent, set_write_intent
    from awards.models import User

    sign_in(client, "fars")
    token = set_write_intent(True)
    try:
        with app.test_request_context("/", method="POST", headers={"Cookie": f"session={cookie(client, 'session')}"}):
            db.session.execute(update(User).where(User.id == ids["fars"]).values(title="never committed"))
            flash("saved despite the open transaction")
            app.session_interface.save_session(app, flask_session._get_current_object(), app.response_class("ok"))
    finally:
        reset_write_intent(token)
    [record] = records_of(app, ids["fars"])
    assert "saved despite the open transaction" in record.data
    assert session.get(User, ids["fars"]).title != "never committed"


def test_moving_the_apps_calendar_does_not_end_a_session(client, demo):
    """Phase tests and demo replays move ``clock.now``; sessions run on the wall clock and stay."""
    sign_in(client, "fars")
    clock.freeze(datetime.now(UTC) + timedelta(days=40))
    assert client.get(PROTECTED).status_code == 200


def test_expired_session_on_the_login_page_says_why(app, client, demo):
    start = datetime.now(UTC)
    clock.freeze_wall(start)
    sign_in(client, "fars")
    client.get("/")
    clock.freeze_wall(start + app.config["IDLE_TIMEOUT"] + timedelta(minutes=1))
    response = client.get("/login")
    assert response.status_code == 200
    assert "بی‌کاری" in response.get_data(as_text=True)
