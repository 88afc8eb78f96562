"""Per-request wiring: the signed-in user, idle timeout, write intent, client address, headers, locale."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, flash, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy import select

from awards import clock, permissions
from awards.audit.services import reset_client_address, set_client_address
from awards.auth import passwords, pending, two_factor
from awards.db import (
    begin_writing,
    db,
    reset_write_intent,
    set_write_intent,
    unwatch_reader_writes,
    watch_reader_writes,
)
from awards.labels import LABELS
from awards.models import User
from awards.navigation import nav_items
from awards.redirects import safe_next

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
    """The language a signed-in user chose (saved on their account); else the browser's switch (the session),
    else Persian; outside a request (CLI, jobs) the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    saved = getattr(current_user, "language", None) if current_user.is_authenticated else None
    if saved in languages:
        return saved
    chosen = session.get("language")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


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
    if not two_factor.must_use(current_user, required=current_app.config["REQUIRE_TOTP"]):
        return None
    if two_factor.credential(db.session, user=current_user) is not None:
        return None
    flash(_l("حساب شما می‌تواند نتایج را تغییر دهد: پیش از ادامه، ورود دومرحله‌ای را فعال کنید."), "warning")
    return redirect(url_for("auth.two_factor_account"))


def _flash_expired(reason: str) -> None:
    if reason == "idle":
        flash(_l("به دلیل بی‌کاری طولانی از سامانه خارج شدید؛ دوباره وارد شوید."), "warning")
    else:
        flash(_l("زمان نشست شما به پایان رسید؛ دوباره وارد شوید."), "warning")


def _same_site_path(url: str | None) -> str | None:
    """The path (and query) of ``url`` when it points at this site, e.g. the page a form was posted from."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_path() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def keep_expired_post():
    """A POST whose session had expired: keep what it carried for its user and send them to sign in; the
    form's page offers it back afterwards (:func:`restored_form`). Runs first, before the CSRF check, which
    would otherwise refuse the post and lose the typing."""
    reason = getattr(session, "expired", "")
    user_id = getattr(session, "expired_user_id", None)
    if request.method != "POST" or not reason or not user_id or request.endpoint in (None, "auth.login",
                                                                                      "static"):
        return None
    page = safe_next(_same_site_path(request.referrer)) or request.path
    with begin_writing(db.session):
        form_id = pending.stash(db.session, user_id=user_id, page_path=page, action_path=request.path,
                                form=request.form, now=clock.wall_now())
        db.session.commit()
    _flash_expired(reason)
    if form_id:
        session["pending_form"] = form_id
        flash(_l("آنچه در فرم نوشته بودید نگه داشته شد: پس از ورود دوباره به همان فرم برمی‌گردد و تا خودتان "
                 "آن را نفرستید چیزی ثبت نمی‌شود."), "info")
    return redirect(url_for("auth.login", next=page))


def forget_restored_form():
    """The user sent a form after theirs was offered back: the kept copy has done its work."""
    if request.method == "POST" and current_user.is_authenticated and "pending_form" in session:
        with begin_writing(db.session):
            pending.discard(db.session, form_id=session.pop("pending_form"), user_id=current_user.id)
            db.session.commit()


def restored_form():
    """Template context: the kept form for this page, if the signed-in user has one (see :func:`keep_expired_post`)."""
    form_id = session.get("pending_form")
    if not form_id or request.method != "GET" or not current_user.is_authenticated:
        return {}
    kept = pending.find(db.session, form_id=form_id, user_id=current_user.id, page_path=_page_path(),
                        now=clock.wall_now())
    return {"restored_form": {"action": kept.action_path, "fields": kept.fields}} if kept else {}


def init_request_hooks(app: Flask) -> None:
    @app.before_request
    def _begin_request():
        # Every request reads as a reader; the write transaction is run_service's (awards.db.begin_writing).
        request.environ["awards.write_token"] = set_write_intent(False)
        request.environ["awards.watch_token"] = watch_reader_writes(
            "raise" if current_app.config.get("SQLITE_STRICT_WRITERS") else "warn")
        request.environ["awards.address_token"] = set_client_address(request.remote_addr)

    @app.before_request
    def _idle_timeout():
        # The session interface judged the idle timeout and the absolute lifetime from the server-side record
        # when the request opened; here the user only learns why they are signed out.
        reason = getattr(session, "expired", "")
        if not reason or request.endpoint == "static":
            return None
        _flash_expired(reason)
        if request.endpoint == "auth.login":
            return None
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))

    # No lost typing (awards.auth.pending): keeping an expired post runs first, before the CSRF check.
    app.before_request_funcs.setdefault(None, []).insert(0, keep_expired_post)
    app.before_request(forget_restored_form)
    app.context_processor(restored_form)
    app.before_request(force_password_change)
    app.before_request(force_two_factor)

    @app.teardown_request
    def _end_request(_exc):
        token = request.environ.pop("awards.write_token", None)
        if token is not None:
            reset_write_intent(token)
        token = request.environ.pop("awards.watch_token", None)
        if token is not None:
            unwatch_reader_writes(token)
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
        return {"perm": permissions, "nav_items": nav_items, "get_locale": get_locale, "labels": LABELS,
                "clock_shifted": bool(clock.offset()), "app_now": clock.now()}
