"""Sign-in, sign-out, and the user's (or an organizer's) view of server-side sessions."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, permissions
from awards.auth import services, sessions
from awards.auth import session_interface as web_sessions
from awards.auth.forms import LoginForm
from awards.errors import DomainError
from awards.extensions import db, limiter
from awards.models import User
from awards.redirects import safe_next

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
    if form.validate_on_submit():
        user = services.authenticate(db.session, username=form.username.data, password=form.password.data)
        if user is None:
            db.session.rollback()
            form.password.errors.append(_("نام کاربری یا گذرواژه درست نیست."))
            return render_template("auth/login.html", form=form), 200
        db.session.commit()
        next_url = safe_next(request.args.get("next"))
        # A fresh server-side session: nothing from before carries over but the language.
        web_sessions.begin(user, remember=bool(form.remember.data))
        flash(_("خوش آمدید، %(name)s.", name=user.full_name), "success")
        return redirect(next_url or url_for("main.index"))
    return render_template("auth/login.html", form=form)


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
    try:
        sessions.end_session(db.session, store=web_sessions.store(), user=current_user, record_id=record_id,
                             actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("auth.account_sessions"))
    db.session.commit()
    current = web_sessions.current_record()
    if current is not None and current.id == record_id:
        web_sessions.end_current()
        flash(_("این نشست پایان یافت؛ از سامانه خارج شدید."), "info")
        return redirect(url_for("auth.login"))
    flash(_("نشست پایان یافت؛ آن دستگاه دیگر به حساب شما دسترسی ندارد."), "success")
    return redirect(url_for("auth.account_sessions"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    current = web_sessions.current_record()
    ended = sessions.end_all_sessions(db.session, store=web_sessions.store(), user=current_user,
                                      actor=current_user, keep=current.id if current else None,
                                      action="session.end_others")
    db.session.commit()
    flash(_("%(count)s نشست دیگر پایان یافت.", count=ended), "success")
    return redirect(url_for("auth.account_sessions"))


@bp.route("/admin/users/<int:user_id>/end-sessions", methods=["POST"])
@login_required
def end_user_sessions(user_id: int):
    if not permissions.can_end_sessions(current_user):
        abort(403)
    user = db.session.get(User, user_id) or abort(404)
    ended = sessions.end_all_sessions(db.session, store=web_sessions.store(), user=user, actor=current_user)
    db.session.commit()
    if user.id == current_user.id:
        web_sessions.end_current()
        flash(_("همهٔ نشست‌های شما پایان یافت؛ دوباره وارد شوید."), "info")
        return redirect(url_for("auth.login"))
    flash(_("%(count)s نشست %(name)s پایان یافت.", count=ended, name=user.full_name), "success")
    if "accounts.user" in current_app.view_functions:
        return redirect(url_for("accounts.user", user_id=user.id))
    return redirect(url_for("main.index"))
