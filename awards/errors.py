"""Domain errors raised by services, and the Persian error pages."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from awards.db import db, is_busy_error
from awards.kept_fields import kept_fields

#: Seconds a "try again" answer asks the browser (and any client) to wait.
RETRY_AFTER_SECONDS = 2


class DomainError(Exception):
    """A refused action: the message is shown to the user as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this."""


class PhaseClosed(DomainError):
    """The timeline does not allow this now."""


class InvalidTransition(DomainError):
    """The state machine does not allow this from the current state."""


def register_error_pages(app: Flask) -> None:
    """Render Persian pages for 400, 403, 404, 405, 413, 429, 500, and 503 when Redis does not answer or the
    database stayed busy past its bounded wait (a "try again" page that keeps what was typed)."""
    for code_or_exception, handler in (
        (400, _bad_request), (403, _forbidden), (404, _not_found), (OverflowError, _number_too_large),
        (405, _method_not_allowed), (413, _too_large), (429, _too_many), (RedisError, _store_unreachable),
        (OperationalError, _database_busy), (PoolTimeout, _database_busy), (500, _server_error),
    ):
        app.register_error_handler(code_or_exception, handler)


def _page(code: int, title: str, message: str):
    if request.is_json:  # a page's script (the draft autosave) reads the refusal, not a page
        response = jsonify(error=message)
        response.status_code = code
        return response
    # error_page: the language switch then returns home, never to the (possibly hostile) path asked for.
    return render_template("errors/error.html", code=code, title=title, message=message, error_page=True), code


def _rollback() -> None:
    db.session.rollback()


def _bad_request(err: HTTPException):
    if isinstance(err, CSRFError):
        return _page(400, _("فرم منقضی شده است"),
                     _("نشانی امنیتی فرم معتبر نبود. صفحه را دوباره باز کنید و دوباره بفرستید."))
    return _page(400, _("درخواست نامعتبر"), _("درخواست قابل پردازش نبود."))


def _forbidden(_err):
    return _page(403, _("دسترسی ندارید"), _("شما اجازهٔ دیدن یا انجام این کار را ندارید."))


def _not_found(_err):
    return _page(404, _("صفحه پیدا نشد"), _("نشانی‌ای که باز کردید وجود ندارد یا در دسترس شما نیست."))


def _number_too_large(err: OverflowError):
    # A safety net behind awards.params: a request number the database cannot hold names nothing there.
    _rollback()
    return _not_found(err)


def _method_not_allowed(_err):
    return _page(405, _("روش نامجاز"), _("این نشانی این نوع درخواست را نمی‌پذیرد."))


def _too_large(_err):
    limit_mb = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    return _page(413, _("پرونده بیش از حد بزرگ است"),
                 _("حداکثر اندازهٔ هر پرونده %(mb)s مگابایت است.", mb=limit_mb))


def _too_many(_err):
    return _page(429, _("تلاش‌های زیاد"), _("تعداد درخواست‌ها زیاد بود. چند دقیقه بعد دوباره تلاش کنید."))


def _store_unreachable(err: RedisError):
    # Sessions (and, through them, sign-in) need Redis when it is configured: say so instead of a 500.
    _rollback()
    current_app.logger.warning("Redis unreachable on %s: %s", request.path, err)
    return _page(503, _("سامانه موقتاً در دسترس نیست"),
                 _("بخشی از سامانه موقتاً پاسخ نمی‌دهد. چند دقیقه بعد دوباره تلاش کنید."))


def _database_busy(err: Exception):
    """Another writer held the lock past the bounded wait (SQLite), a lock timeout, deadlock or serialization
    failure (PostgreSQL), or no pooled connection came free in time: nothing was saved, so offer the same request
    again, typed values kept."""
    if not is_busy_error(err):
        raise err  # any other database failure stays a 500 (and propagates in tests)
    _rollback()
    current_app.logger.warning("database busy on %s %s: %s", request.method, request.path, err)
    resend = None
    if request.method == "POST":
        fields = kept_fields(request.form)
        resend = {"action": request.full_path.rstrip("?"), "fields": fields,
                  "dropped_secrets": any(name not in fields and name != "csrf_token" for name in request.form),
                  "dropped_files": any(file.filename for file in request.files.values())}
    body = render_template("errors/busy.html", title=_("سامانه لحظه‌ای شلوغ است؛ دوباره بفرستید"),
                           message=_("درخواست شما ثبت نشد، چون سامانه همین لحظه کار دیگری را ثبت می‌کرد. "
                                     "نوشته‌هایتان نگه داشته شد: چند ثانیه بعد دوباره بفرستید."),
                           resend=resend, again=request.full_path.rstrip("?"), error_page=True, code=503)
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _server_error(_err):
    _rollback()
    current_app.logger.error("500 on %s", request.path)
    try:
        return _page(500, _("خطای سامانه"), _("خطایی پیش آمد. این خطا ثبت شد؛ دوباره تلاش کنید."))
    except Exception:  # the page itself failed: fall back to plain text rather than a bare crash
        return "خطای سامانه (۵۰۰)", 500, {"Content-Type": "text/plain; charset=utf-8"}
