"""Sign-in, sign-out, and the user's (or an organizer's) view of server-side sessions."""

from __future__ import annotations

import re

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, permissions
from awards.auth import services, sessions, totp, two_factor
from awards.auth import session_interface as web_sessions
from awards.auth.forms import LoginForm, TwoFactorCodeForm, TwoFactorManageForm
from awards.errors import DomainError
from awards.extensions import db, limiter
from awards.models import User
from awards.persian import to_persian_digits
from awards.redirects import next_or_home, safe_next
from awards.web import run_service

bp = Blueprint("auth", __name__)


def _login_key() -> str:
    return f"{request.remote_addr}|{(request.form.get('username') or '').strip().lower()}"


def _failed(response) -> bool:
    # Only failed attempts count: a successful sign-in redirects.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_login_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit("60 per minute", methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    # The slow password hash runs before the write transaction: sign-ins do not queue on SQLite's write lock.
    user = services.check_credentials(db.session, username=form.username.data, password=form.password.data)
    if (response := run_service(
            lambda: _record_sign_in(user), form=form, field="password", then=lambda found: _sign_in(form, *found),
            done=lambda found: _("خوش آمدید، %(name)s.", name=found[0].full_name),
            to=next_or_home(request.args.get("next")))) is not None:
        return response
    return render_template("auth/login.html", form=form)


def _record_sign_in(user: User | None) -> tuple[User, bool]:
    """The user whose name and password matched (and whether a second step follows), or a refusal beside the
    password."""
    if user is None or services.record_login(db.session, user=user) is None:
        raise DomainError(_("نام کاربری یا گذرواژه درست نیست."), field="password")
    return user, two_factor.credential(db.session, user=user) is not None


def _sign_in(form: LoginForm, user: User, second_step: bool):
    if second_step:
        # The password is right, but nobody is signed in until the second step: only a short-lived,
        # signed note of who is half-way (and which password generation) rides in the anonymous cookie.
        session[PENDING_KEY] = {"user_id": user.id, "token": user.session_token,
                                "until": clock.wall_now().timestamp() + current_app.config["TOTP_PENDING_SECONDS"],
                                "remember": bool(form.remember.data), "next": safe_next(request.args.get("next"))}
        return redirect(url_for("auth.login_two_factor"))
    # A fresh server-side session: nothing from before carries over but the language.
    web_sessions.begin(user, remember=bool(form.remember.data))
    return None


PENDING_KEY = "two_factor_pending"


def _pending_user() -> User | None:
    """The user half-way through signing in (password accepted, code not yet), if still in time."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user_id"), int):
        return None
    if not isinstance(pending.get("until"), int | float) or clock.wall_now().timestamp() > pending["until"]:
        return None
    user = db.session.get(User, pending["user_id"])
    # A password change or a disabled account since the password step voids it.
    if user is None or not user.active or user.session_token != pending.get("token"):
        return None
    return user


def _two_factor_key() -> str:
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user_id") if isinstance(pending, dict) else None
    return f"2fa|{user_id}" if user_id is not None else f"2fa-ip|{request.remote_addr}"


def _user_key() -> str:
    return f"2fa|{current_user.get_id().partition(':')[0]}" if current_user.is_authenticated else \
        f"2fa-ip|{request.remote_addr}"


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOTP_RATE_LIMIT"], key_func=_two_factor_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit("60 per minute", methods=["POST"], deduct_when=_failed)
def login_two_factor():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = _pending_user()
    if user is None:
        had_pending = session.pop(PENDING_KEY, None) is not None
        flash(_("مهلت ورود دومرحله‌ای گذشت؛ دوباره نام کاربری و گذرواژه را وارد کنید.") if had_pending
              else _("نخست نام کاربری و گذرواژه را وارد کنید."), "warning")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()

    def signed_in(kind: str):
        pending = session.pop(PENDING_KEY)
        web_sessions.begin(user, remember=bool(pending.get("remember")))
        if kind == "recovery":
            left = two_factor.remaining_recovery_codes(db.session, user=user)
            flash(_("یک کد بازیابی به کار رفت؛ %(count)s کد دیگر مانده است.", count=to_persian_digits(str(left))),
                  "warning")
        flash(_("خوش آمدید، %(name)s.", name=user.full_name), "success")
        return redirect(next_or_home(pending.get("next")))

    # A wrong code is refused, and the failure is counted (committed) all the same.
    if form.validate_on_submit() and (response := run_service(
            lambda: two_factor.complete_sign_in(db.session, user=user, code=form.code.data, at=clock.wall_now()),
            form=form, field="code", then=signed_in,
            on_refusal=lambda _error: two_factor.record_failure(db.session, user=user, purpose="login"))) is not None:
        return response
    return _no_store(render_template("auth/two_factor_login.html", form=form, user=user))


ENROL_KEY = "two_factor_enrol_secret"


def _account_page(*, confirm_form=None, disable_form=None, regenerate_form=None):
    user = current_user._get_current_object()
    cred = two_factor.credential(db.session, user=user)
    required = two_factor.must_use(user, required=current_app.config["REQUIRE_TOTP"])
    context = {"cred": cred, "required": required}
    if cred is None:
        secret = session.get(ENROL_KEY)
        if not isinstance(secret, str) or not secret:
            secret = session[ENROL_KEY] = totp.new_secret()
        uri = totp.provisioning_uri(secret, account=user.username, issuer="Tandis")
        context.update(secret=secret, qr=qr_data_uri(uri), uri=uri, form=confirm_form or TwoFactorCodeForm())
    else:
        context.update(remaining=two_factor.remaining_recovery_codes(db.session, user=user),
                       disable_form=disable_form or TwoFactorManageForm(prefix="disable"),
                       regenerate_form=regenerate_form or TwoFactorManageForm(prefix="regenerate"))
    return _no_store(render_template("auth/two_factor.html", **context))


def qr_data_uri(text: str) -> str:
    return segno.make_qr(text, error="m").svg_data_uri(dark="#000", light="#fff", border=4, omitsize=True)


CODES_KEY = "two_factor_new_codes"


def _show_codes_once(codes: list[str]):
    # Kept in the signed-in user's server-side session only until the page below shows them.
    session[CODES_KEY] = codes
    return redirect(url_for("auth.recovery_codes"))


@bp.route("/account/two-factor/recovery-codes")
@login_required
def recovery_codes():
    codes = session.pop(CODES_KEY, None)
    if not isinstance(codes, list) or not codes:
        return redirect(url_for("auth.two_factor_account"))
    return _no_store(render_template("auth/recovery_codes.html", codes=codes))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["TOTP_RATE_LIMIT"], key_func=_user_key, methods=["POST"],
               deduct_when=_failed)
def two_factor_account():
    form = TwoFactorCodeForm()
    if request.method == "POST" and form.validate_on_submit():
        secret = session.get(ENROL_KEY)
        if not isinstance(secret, str) or not secret:
            return redirect(url_for("auth.two_factor_account"))
        user = current_user._get_current_object()

        def enrolled(codes: list[str]):
            session.pop(ENROL_KEY, None)
            flash(_("ورود دومرحله‌ای فعال شد."), "success")
            return _show_codes_once(codes)

        if (response := run_service(
                lambda: two_factor.confirm_enrolment(db.session, user=user, secret=secret, code=form.code.data,
                                                     at=clock.wall_now()),
                form=form, field="code", then=enrolled)) is not None:
            return response
    return _account_page(confirm_form=form if request.method == "POST" else None)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["TOTP_RATE_LIMIT"], key_func=_user_key, deduct_when=_failed)
def disable_two_factor():
    form = TwoFactorManageForm(prefix="disable")
    user = current_user._get_current_object()
    # A wrong password or code is refused beside its field, and the failure is counted (committed) all the same.
    if form.validate_on_submit() and (response := run_service(
            lambda: two_factor.disable(db.session, user=user, password=form.password.data, code=form.code.data,
                                       at=clock.wall_now()),
            form=form, field="code",
            on_refusal=lambda _error: two_factor.record_failure(db.session, user=user, purpose="disable"),
            done=_("ورود دومرحله‌ای غیرفعال شد و کدهای بازیابی از کار افتاد."),
            to=url_for("auth.two_factor_account"))) is not None:
        return response
    return _account_page(disable_form=form)


@bp.route("/account/two-factor/recovery-codes/new", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["TOTP_RATE_LIMIT"], key_func=_user_key, deduct_when=_failed)
def regenerate_recovery_codes():
    form = TwoFactorManageForm(prefix="regenerate")
    user = current_user._get_current_object()
    def regenerated(codes: list[str]):
        flash(_("کدهای بازیابی تازه ساخته شد؛ کدهای پیشین دیگر کار نمی‌کنند."), "success")
        return _show_codes_once(codes)

    # As for disabling: a refusal goes beside its field and the failed attempt is counted all the same.
    if form.validate_on_submit() and (response := run_service(
            lambda: two_factor.regenerate_recovery_codes(db.session, user=user, password=form.password.data,
                                                         code=form.code.data, at=clock.wall_now()),
            form=form, field="code", then=regenerated,
            on_refusal=lambda _error: two_factor.record_failure(db.session, user=user,
                                                                purpose="recovery_codes"))) is not None:
        return response
    return _account_page(regenerate_form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    web_sessions.end_current()  # deletes the record, the session cookie's meaning and the remember cookie
    flash(_("از سامانه خارج شدید."), "info")
    return redirect(url_for("auth.login"))


RECORD_ID_RE = re.compile(r"^[0-9a-f]{32}$")


@bp.route("/account/sessions")
@login_required
def account_sessions():
    config = current_app.config
    records = sessions.active_sessions(store=web_sessions.store(), user=current_user, now=clock.wall_now(),
                                       idle=config["IDLE_TIMEOUT"], lifetime=config["PERMANENT_SESSION_LIFETIME"])
    current = web_sessions.current_record()
    return render_template("auth/sessions.html", records=records, current_id=current.id if current else None,
                           describe=sessions.describe_user_agent)


@bp.route("/account/sessions/<record_id>/end", methods=["POST"])
@login_required
def end_account_session(record_id: str):
    if not RECORD_ID_RE.match(record_id):
        abort(404)
    return run_service(
        lambda: sessions.end_session(db.session, store=web_sessions.store(), user=current_user, record_id=record_id,
                                     actor=current_user),
        refusal_category="warning", then=lambda _none: _signed_out_if_current(record_id),
        done=_("نشست پایان یافت؛ آن دستگاه دیگر به حساب شما دسترسی ندارد."), to=url_for("auth.account_sessions"))


def _signed_out_if_current(record_id: str):
    """After ending the session ``record_id``: if it was this browser's, sign out here too."""
    current = web_sessions.current_record()
    if current is None or current.id != record_id:
        return None
    web_sessions.end_current()
    flash(_("این نشست پایان یافت؛ از سامانه خارج شدید."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    current = web_sessions.current_record()
    return run_service(
        lambda: sessions.end_all_sessions(db.session, store=web_sessions.store(), user=current_user,
                                          actor=current_user, keep=current.id if current else None,
                                          action="session.end_others"),
        done=lambda ended: _("%(count)s نشست دیگر پایان یافت.", count=ended), to=url_for("auth.account_sessions"))


@bp.route("/admin/users/<int:user_id>/end-sessions", methods=["POST"])
@login_required
def end_user_sessions(user_id: int):
    if not permissions.can_end_sessions(current_user):
        abort(403)
    user = db.session.get(User, user_id) or abort(404)

    def signed_out_if_self(_ended: int):
        if user.id != current_user.id:
            return None
        web_sessions.end_current()
        flash(_("همهٔ نشست‌های شما پایان یافت؛ دوباره وارد شوید."), "info")
        return redirect(url_for("auth.login"))

    return run_service(
        lambda: sessions.end_all_sessions(db.session, store=web_sessions.store(), user=user, actor=current_user),
        then=signed_out_if_self,
        done=lambda ended: _("%(count)s نشست %(name)s پایان یافت.", count=ended, name=user.full_name),
        to=url_for("accounts.user", user_id=user.id))
