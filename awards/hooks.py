"""Per-request wiring: the signed-in user, idle timeout, write intent, client address, headers, locale."""

from __future__ import annotations

from flask import Flask, current_app, flash, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy import select

from awards import permissions
from awards.audit.services import reset_client_address, set_client_address
from awards.auth import passwords
from awards.db import db, reset_write_intent, set_write_intent
from awards.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: What a user who must change their password may still reach.
FORCED_CHANGE_ALLOWED = frozenset({"accounts.change_password", "auth.logout", "static", "main.set_language"})
#: What an organizer or chair who must still set up two-factor sign-in may reach.
FORCED_TWO_FACTOR_ALLOWED = frozenset({"auth.two_factor_account", "auth.logout", "static", "main.set_language"})


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Load users by id and session token, so disabling an account ends its open sessions."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("برای دیدن این صفحه وارد شوید.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    passwords.configure(method=app.config.get("PASSWORD_HASH_METHOD", "scrypt"))

    @login_manager.user_loader
    def load_user(raw_id: str) -> User | None:
        user_id, _, token = raw_id.partition(":")
        if not user_id.isascii() or not user_id.isdigit() or not token:
            return None
        user = db.session.scalar(select(User).where(User.id == int(user_id)))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


def select_locale() -> str:
    """Persian unless the user switched to English; outside a request (CLI, jobs) the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def force_password_change():
    """Send a user with a temporary password to the change-password page, whatever they asked for."""
    if request.endpoint in FORCED_CHANGE_ALLOWED or not current_user.is_authenticated:
        return None
    if not getattr(current_user, "must_change_password", False):
        return None
    flash(_l("پیش از ادامه، گذرواژهٔ موقت را با گذرواژهٔ خودتان عوض کنید."), "warning")
    return redirect(url_for("accounts.change_password"))


def force_two_factor():
    """Send an organizer or chair without two-factor sign-in to set it up, when production requires it."""
    if request.endpoint in FORCED_TWO_FACTOR_ALLOWED or not current_user.is_authenticated:
        return None
    if getattr(current_user, "must_change_password", False):
        return None  # the password comes first (force_password_change)
    from awards.auth import two_factor

    if not two_factor.must_use(current_user, required=current_app.config["REQUIRE_TOTP"]):
        return None
    if two_factor.credential(db.session, user=current_user) is not None:
        return None
    flash(_l("حساب شما می‌تواند نتایج را تغییر دهد: پیش از ادامه، ورود دومرحله‌ای را فعال کنید."), "warning")
    return redirect(url_for("auth.two_factor_account"))


def init_request_hooks(app: Flask) -> None:
    @app.before_request
    def _begin_request():
        request.environ["awards.write_token"] = set_write_intent(request.method not in SAFE_METHODS)
        request.environ["awards.address_token"] = set_client_address(request.remote_addr)

    @app.before_request
    def _idle_timeout():
        # The session interface judged the idle timeout and the absolute lifetime from the server-side record
        # when the request opened; here the user only learns why they are signed out.
        reason = getattr(session, "expired", "")
        if not reason or request.endpoint == "static":
            return None
        if reason == "idle":
            flash(_l("به دلیل بی‌کاری طولانی از سامانه خارج شدید؛ دوباره وارد شوید."), "warning")
        else:
            flash(_l("زمان نشست شما به پایان رسید؛ دوباره وارد شوید."), "warning")
        if request.endpoint == "auth.login":
            return None
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))

    app.before_request(force_password_change)
    app.before_request(force_two_factor)

    @app.teardown_request
    def _end_request(_exc):
        token = request.environ.pop("awards.write_token", None)
        if token is not None:
            reset_write_intent(token)
        token = request.environ.pop("awards.address_token", None)
        if token is not None:
            reset_client_address(token)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        return response

    @app.context_processor
    def _inject_permissions():
        from awards import clock
        from awards.labels import LABELS
        from awards.navigation import nav_items

        return {"perm": permissions, "nav_items": nav_items, "get_locale": get_locale, "labels": LABELS,
                "clock_shifted": bool(clock.offset()), "app_now": clock.now()}
