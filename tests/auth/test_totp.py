"""Two-factor sign-in: RFC 6238, enrolment, the second step of signing in, recovery codes, the requirement."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.auth import totp
from awards.models import AuditEvent, RecoveryCode, TotpCredential, User
from tests.accounts.test_forced_change import _sample_path
from tests.conftest import csrf_token, login

T0 = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
FORCED_ALLOWED = {"auth.two_factor_account", "auth.logout", "static", "main.set_language"}

# RFC 6238, appendix B: the seed of each algorithm, and the eight-digit codes at six moments.
RFC_SEEDS = {"sha1": b"12345678901234567890", "sha256": b"12345678901234567890123456789012",
             "sha512": b"1234567890123456789012345678901234567890123456789012345678901234"}
RFC_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("seconds", "sha1", "sha256", "sha512"), RFC_VECTORS)
def test_totp_rfc6238_vectors(seconds, sha1, sha256, sha512):
    step = totp.time_step(datetime.fromtimestamp(seconds, UTC))
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.hotp(RFC_SEEDS[digest], step, digits=8, digest=digest) == expected


def test_totp_six_digit_code_accepts_one_step_either_side_only():
    secret = totp.new_secret()
    assert len(secret) == 32
    for offset, accepted in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        code = totp.code_at(secret, T0 + timedelta(seconds=offset))
        assert (totp.matching_step(secret, code, at=T0) is not None) is accepted, offset
    code = totp.code_at(secret, T0)
    # Persian digits and spaces are read as the app's code; an already used step is not.
    persian = "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in code)
    assert totp.matching_step(secret, f"{persian[:3]} {persian[3:]}", at=T0) == totp.time_step(T0)
    assert totp.matching_step(secret, code, at=T0, after=totp.time_step(T0)) is None
    assert totp.matching_step(secret, "12345", at=T0) is None


def test_totp_provisioning_uri_names_the_account_and_issuer():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="admin", issuer="Tandis")
    assert uri.startswith("otpauth://totp/Tandis%3Aadmin?secret=JBSWY3DPEHPK3PXP&issuer=Tandis")
    assert "digits=6" in uri and "period=30" in uri and "algorithm=SHA1" in uri


# -- helpers -------------------------------------------------------------------------------------------

def _at(seconds: int) -> datetime:
    moment = T0 + timedelta(seconds=seconds)
    clock.freeze_wall(moment)
    return moment


def _secret_on_page(html: str) -> str:
    match = re.search(r'<code class="[^"]*totp-secret" dir="ltr">([A-Z2-7 ]+)</code>', html)
    assert match, html[:2000]
    return match.group(1).replace(" ", "")


def _enrol(client, *, at: int = 0) -> tuple[str, list[str]]:
    """Enrol the signed-in user through the page; return the secret and the ten recovery codes."""
    moment = _at(at)
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html
    secret = _secret_on_page(html)
    response = client.post("/account/two-factor", data={
        "csrf_token": csrf_token(client, "/account/two-factor"), "code": totp.code_at(secret, moment)})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"
    response = client.get("/account/two-factor/recovery-codes")
    assert response.headers["Cache-Control"] == "no-store"
    # Shown once: the page is gone on a second look.
    assert client.get("/account/two-factor/recovery-codes").headers["Location"] == "/account/two-factor"
    codes = re.findall(r'<code class="fs-6">([a-z0-9]{5}-[a-z0-9]{5})</code>', response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _sign_out(client, page: str = "/"):
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})


def _second_step(client, code: str):
    return client.post("/login/two-factor", data={"csrf_token": csrf_token(client, "/login/two-factor"),
                                                  "code": code})


@pytest.fixture
def enrolled_admin(client, login_as, demo):
    login_as("admin")
    secret, codes = _enrol(client)
    _sign_out(client)
    return secret, codes


def _actions(session, user_id: int) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == user_id,
                                                                AuditEvent.object_type == "user")
                                .order_by(AuditEvent.id)))


# -- enrolment -----------------------------------------------------------------------------------------

def test_totp_enrolment_keeps_the_secret_and_ten_hashed_recovery_codes(client, login_as, demo, session):
    login_as("admin")
    secret, codes = _enrol(client)
    admin = demo.users["admin"]
    cred = session.get(TotpCredential, admin.id)
    assert cred.secret == secret and cred.last_step == totp.time_step(T0)
    hashes = set(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == admin.id)))
    assert hashes == {totp.hash_recovery_code(code) for code in codes}
    assert not any(code in hashes for code in codes)
    assert "user.two_factor_enrol" in _actions(session, admin.id)
    # The page now shows the state, not the secret.
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert secret not in html and "totp-secret" not in html and "۱۰ از ۱۰" in html


def test_totp_enrolment_wrong_code_shows_error_beside_field_and_keeps_nothing(client, login_as, demo, session):
    login_as("admin")
    moment = _at(0)
    secret = _secret_on_page(client.get("/account/two-factor").get_data(as_text=True))
    wrong = totp.code_at(secret, moment + timedelta(minutes=5))
    response = client.post("/account/two-factor", data={
        "csrf_token": csrf_token(client, "/account/two-factor"), "code": wrong})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error"' in html and "این کد با کلید نمی‌خواند" in html
    assert f'value="{wrong}"' in html
    # The same secret is offered again, so the app already set up still works.
    assert _secret_on_page(html) == secret
    assert session.get(TotpCredential, demo.users["admin"].id) is None
    assert session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_totp_enrolment_without_csrf_is_refused(client, login_as, demo, session):
    login_as("admin")
    secret = _secret_on_page(client.get("/account/two-factor").get_data(as_text=True))
    response = client.post("/account/two-factor", data={"code": totp.code_at(secret, clock.wall_now())})
    assert response.status_code == 400
    assert session.get(TotpCredential, demo.users["admin"].id) is None


# -- signing in ----------------------------------------------------------------------------------------

def test_totp_sign_in_needs_the_code_after_the_password(client, enrolled_admin, demo, session):
    secret, _codes = enrolled_admin
    response = login(client, "admin")
    assert response.status_code == 302 and response.headers["Location"] == "/login/two-factor"
    # Not signed in yet.
    assert client.get("/").headers.get("Location", "").startswith("/login")
    moment = _at(60)
    response = _second_step(client, totp.code_at(secret, moment))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200
    assert _actions(session, demo.users["admin"].id)[-1] == "user.two_factor_login"


def test_totp_sign_in_wrong_code_is_refused_and_audited(client, enrolled_admin, demo, session):
    secret, _codes = enrolled_admin
    login(client, "admin")
    moment = _at(60)
    response = _second_step(client, totp.code_at(secret, moment + timedelta(minutes=3)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error"' in html and "این کد درست نیست" in html
    assert client.get("/admin/users").status_code == 302
    assert _actions(session, demo.users["admin"].id)[-1] == "user.two_factor_fail"


def test_totp_sign_in_replayed_code_is_refused(client, enrolled_admin, demo, session):
    secret, _codes = enrolled_admin
    login(client, "admin")
    moment = _at(60)
    code = totp.code_at(secret, moment)
    assert _second_step(client, code).status_code == 302
    _sign_out(client)
    # The same code, a few seconds later and still inside its window: refused.
    _at(70)
    login(client, "admin")
    response = _second_step(client, code)
    assert response.status_code == 200 and "این کد درست نیست" in response.get_data(as_text=True)
    # So is the previous step's code, once a later one was used.
    assert _second_step(client, totp.code_at(secret, moment - timedelta(seconds=30))).status_code == 200
    assert session.get(TotpCredential, demo.users["admin"].id).last_step == totp.time_step(moment)
    # The next step's code works.
    assert _second_step(client, totp.code_at(secret, _at(90))).status_code == 302


def test_totp_recovery_code_works_once(client, enrolled_admin, demo, session):
    _secret, codes = enrolled_admin
    login(client, "admin")
    response = _second_step(client, codes[3].upper().replace("-", " "))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "۹ کد دیگر" in client.get("/").get_data(as_text=True)
    admin_id = demo.users["admin"].id
    assert "user.recovery_code_use" in _actions(session, admin_id)
    _sign_out(client)
    login(client, "admin")
    response = _second_step(client, codes[3])
    assert response.status_code == 200 and "این کد درست نیست" in response.get_data(as_text=True)
    used = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == admin_id,
                                                      RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 1


def test_totp_pending_state_expires(client, enrolled_admin):
    secret, _codes = enrolled_admin
    _at(0)
    login(client, "admin")
    moment = _at(301)
    response = client.post("/login/two-factor", data={"csrf_token": csrf_token(client, "/login"),
                                                      "code": totp.code_at(secret, moment)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "مهلت ورود دومرحله‌ای گذشت" in client.get("/login").get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302
    # Without the password step, the second step only sends the visitor to sign in.
    assert client.get("/login/two-factor").headers["Location"] == "/login"


def test_totp_pending_state_ends_with_a_password_change(client, enrolled_admin, demo, session):
    secret, _codes = enrolled_admin
    login(client, "admin")
    user = session.get(User, demo.users["admin"].id)
    token = csrf_token(client, "/login/two-factor")
    user.session_token = "rotated-elsewhere"
    session.commit()
    response = client.post("/login/two-factor", data={"csrf_token": token,
                                                      "code": totp.code_at(secret, _at(60))})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_totp_sign_in_rate_limited(client, enrolled_admin):
    secret, _codes = enrolled_admin
    login(client, "admin")
    moment = _at(60)
    statuses = [_second_step(client, f"00000{i}").status_code for i in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    # Even the right code waits for the limit now.
    assert _second_step(client, totp.code_at(secret, moment)).status_code == 429


# -- managing ------------------------------------------------------------------------------------------

def test_totp_disable_needs_password_and_code(client, enrolled_admin, demo, session):
    secret, _codes = enrolled_admin
    login(client, "admin")
    _second_step(client, totp.code_at(secret, _at(60)))
    token = csrf_token(client, "/account/two-factor")
    moment = _at(90)
    response = client.post("/account/two-factor/disable", data={
        "csrf_token": token, "disable-password": "wrong-password-1", "disable-code": totp.code_at(secret, moment)})
    assert response.status_code == 200 and 'id="disable-password-error"' in response.get_data(as_text=True)
    assert session.get(TotpCredential, demo.users["admin"].id) is not None
    response = client.post("/account/two-factor/disable", data={
        "csrf_token": token, "disable-password": "demo-pass-1404", "disable-code": totp.code_at(secret, moment)})
    assert response.status_code == 302
    session.rollback()
    assert session.get(TotpCredential, demo.users["admin"].id) is None
    assert session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert "user.two_factor_disable" in _actions(session, demo.users["admin"].id)
    _sign_out(client)
    assert login(client, "admin").headers["Location"] == "/"


def test_totp_regenerate_replaces_recovery_codes(client, enrolled_admin, demo, session):
    secret, codes = enrolled_admin
    login(client, "admin")
    _second_step(client, totp.code_at(secret, _at(60)))
    response = client.post("/account/two-factor/recovery-codes/new", data={
        "csrf_token": csrf_token(client, "/account/two-factor"), "regenerate-password": "demo-pass-1404",
        "regenerate-code": totp.code_at(secret, _at(90))})
    assert response.headers["Location"] == "/account/two-factor/recovery-codes"
    response = client.get("/account/two-factor/recovery-codes")
    new = re.findall(r'<code class="fs-6">([a-z0-9]{5}-[a-z0-9]{5})</code>', response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(codes)
    _sign_out(client)
    login(client, "admin")
    assert _second_step(client, codes[0]).status_code == 200
    assert _second_step(client, new[0]).status_code == 302


# -- the requirement -----------------------------------------------------------------------------------

def _walk_get_routes(app, client, *, expect):
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in FORCED_ALLOWED:
            continue
        path = _sample_path(app, rule)
        assert path is not None, rule
        response = client.get(path)
        expect(rule, response)
        response.close()
        checked += 1
    assert checked >= 20


def test_totp_required_organizer_reaches_no_page_before_enrolling(app, client, demo, session):
    app.config["REQUIRE_TOTP"] = True
    assert login(client, "admin").headers["Location"] == "/"

    def forced(rule, response):
        assert response.status_code == 302, (rule.rule, response.status_code)
        assert response.headers["Location"].endswith("/account/two-factor"), rule.rule

    _walk_get_routes(app, client, expect=forced)
    token = csrf_token(client, "/account/two-factor")
    assert client.post("/admin/users/new", data={"csrf_token": token}).headers["Location"].endswith(
        "/account/two-factor")
    assert client.post("/language/en", data={"csrf_token": token, "next": "/"}).status_code == 302
    _enrol(client)
    assert client.get("/admin/users").status_code == 200


def test_totp_required_enrolled_organizer_reaches_no_page_before_the_code(app, client, enrolled_admin, demo):
    app.config["REQUIRE_TOTP"] = True
    assert login(client, "admin").headers["Location"] == "/login/two-factor"
    anonymous = app.test_client()

    def as_anonymous(rule, response):
        if rule.endpoint == "auth.login_two_factor":
            assert response.status_code == 200  # the one page the half-way user is meant to see
            return
        expected = anonymous.get(response.request.path)
        assert response.status_code == expected.status_code, rule.rule
        if response.status_code == 302:
            assert response.headers["Location"] == expected.headers["Location"], rule.rule
        assert "دبیرخانهٔ روز ملی" not in response.get_data(as_text=True), rule.rule
        expected.close()

    _walk_get_routes(app, client, expect=as_anonymous)


def test_totp_required_chair_is_forced_and_member_is_not(app, client, demo, session):
    app.config["REQUIRE_TOTP"] = True
    assert login(client, "winners-chair").status_code == 302

    def forced(rule, response):
        assert response.status_code == 302, (rule.rule, response.status_code)
        assert response.headers["Location"].endswith("/account/two-factor"), rule.rule

    _walk_get_routes(app, client, expect=forced)
    _sign_out(client, "/account/two-factor")
    assert login(client, "winners-1").status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/evaluation/").status_code == 200
    # Optional for them: the page offers enrolment without the requirement's warning.
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert "totp-secret" in html and "صفحهٔ دیگری باز نمی‌شود" not in html


def test_totp_not_required_in_testing_by_default(app, client, demo):
    assert app.config["REQUIRE_TOTP"] is False
    assert login(client, "admin").headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200


def test_totp_required_waits_for_a_forced_password_change_first(app, client, demo, session):
    app.config["REQUIRE_TOTP"] = True
    session.get(User, demo.users["admin"].id).must_change_password = True
    session.commit()
    assert login(client, "admin").status_code == 302
    assert client.get("/").headers["Location"].endswith("/account/password")
    assert client.get("/account/password").status_code == 200
    assert client.get("/account/two-factor").headers["Location"].endswith("/account/password")


def test_totp_enrolment_wrong_codes_rate_limited(client, login_as, demo, session):
    login_as("admin")
    token = csrf_token(client, "/account/two-factor")
    statuses = [client.post("/account/two-factor", data={"csrf_token": token, "code": f"99999{i}"}).status_code
                for i in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    assert session.get(TotpCredential, demo.users["admin"].id) is None
