"""Sign-in and sign-out."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from awards.auth import services
from awards.auth.forms import LoginForm
from awards.extensions import db, limiter
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
        session.clear()  # a fresh session on sign-in: nothing from before carries over
        login_user(user, remember=bool(form.remember.data))
        session.permanent = True
        session["last_seen"] = datetime.now(UTC).timestamp()
        flash(_("خوش آمدید، %(name)s.", name=user.full_name), "success")
        return redirect(next_url or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("از سامانه خارج شدید."), "info")
    return redirect(url_for("auth.login"))
