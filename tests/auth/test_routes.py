"""Sign-in, sign-out, throttling, disabled accounts and CSRF."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import csrf_token, login


def test_login_page_is_persian_rtl_form_with_named_fields(client, demo):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html
    for name in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert name in html


def test_login_success_redirects_to_dashboard(client, demo):
    response = login(client, "fars")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "کارشناس استان فارس" in client.get("/").get_data(as_text=True)


def test_login_wrong_password_shows_persian_error_and_keeps_username(client, demo):
    response = login(client, "fars", "wrong-password-123")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "نام کاربری یا گذرواژه درست نیست." in html
    assert 'value="fars"' in html


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post("/login", data={"username": "fars", "password": "demo-pass-1404"})
    assert response.status_code == 400
    assert "فرم منقضی شده است" in response.get_data(as_text=True)


def test_login_throttled_after_repeated_failures(client, demo):
    statuses = [login(client, "tehran", f"bad-password-{i}").status_code for i in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    assert "تلاش‌های زیاد" in login(client, "tehran", "bad-password-x").get_data(as_text=True)


def test_login_success_does_not_count_towards_throttle(client, demo):
    for _ in range(7):
        assert login(client, "fars").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_login_disabled_account_is_refused(client, demo, session):
    from awards.auth.services import set_active

    set_active(session, user=demo.users["tehran"], active=False, actor=demo.users["admin"])
    session.commit()
    response = login(client, "tehran")
    assert response.status_code == 200
    assert "نام کاربری یا گذرواژه درست نیست." in response.get_data(as_text=True)


def test_disabling_account_ends_its_open_session(client, demo, session, login_as):
    from awards.auth.services import set_active

    login_as("tehran")
    assert client.get("/").status_code == 200
    set_active(session, user=demo.users["tehran"], active=False, actor=demo.users["admin"])
    session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_gives_a_fresh_session(client, demo):
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    login(client, "fars")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_login_ignores_offsite_next(client, demo):
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/", data={
        "username": "fars", "password": "demo-pass-1404", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_logout_ends_session(client, demo, login_as):
    login_as("fars")
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_idle_session_is_signed_out(client, demo, login_as, app):
    from datetime import UTC, datetime

    from awards import clock

    start = datetime.now(UTC)
    clock.freeze_wall(start)
    login_as("fars")
    clock.freeze_wall(start + app.config["IDLE_TIMEOUT"] + timedelta(seconds=5))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_anonymous_dashboard_redirects_to_login(client, demo):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
