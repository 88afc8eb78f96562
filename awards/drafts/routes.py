"""Form drafts over JSON: the page's script saves the user's typing as they go (``POST /drafts``) and throws a
draft away (``POST /drafts/discard``); the form's page carries the user's drafts for it (:func:`page_drafts`, a
read) and the script puts them back. Both need the CSRF token (the ``X-CSRFToken`` header) and a signed-in user.

A key must be an address of this app that takes a POST (not sign-in, sign-out or these routes): the drafts are the
user's own, so whatever else it names, nobody else ever sees them.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from awards import clock, i18n, permissions, persian
from awards.drafts import services
from awards.extensions import db
from awards.web import run_json_service

bp = Blueprint("drafts", __name__, url_prefix="/drafts")

#: Blueprints whose forms keep no draft: signing in and out, and these routes themselves.
NO_DRAFTS = frozenset({"auth", "drafts", "keepalive", "static"})
#: A request body is refused unread past this (the fields' own limit is checked once they are parsed).
MAX_REQUEST_BYTES = 2 * services.MAX_BYTES + 4096


def _refuse(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    return response


def takes_drafts(key: object) -> bool:
    """Whether ``key`` (a form's action path, query and optional ``#name``) names a form of this app that posts."""
    if not services.is_local_path(key):
        return False
    path = unquote(urlsplit(key).path)
    try:
        endpoint, _args = current_app.url_map.bind("localhost").match(path, method="POST")
    except RequestRedirect:
        return False
    except HTTPException:  # NotFound, MethodNotAllowed
        return False
    return endpoint.partition(".")[0] not in NO_DRAFTS


def _moment(text: object) -> datetime | None:
    """The page's render time it sends back (``since``, ISO 8601 with its offset), or None."""
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _shown(moment: datetime) -> datetime:
    """A draft's time as the pages show times: on the app's calendar (a demo replay shifts it, see awards.clock);
    drafts are stored on the wall clock, like the sessions they live beside."""
    return moment + clock.offset()


def rendered_at() -> str:
    """This page's render time, for its autosaves to send back (see ``services.save``)."""
    return clock.wall_now().isoformat()


def _payload():
    """The request's JSON object, or an error response to answer with."""
    if not permissions.can_keep_drafts(current_user):
        return None, _refuse(401, _("نشست شما پایان یافته است؛ پیش‌نویس ذخیره نشد."))
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        return None, _refuse(413, _("پیش‌نویس بزرگ‌تر از %(kb)s کیلوبایت است و ذخیره نشد.",
                                    kb=services.MAX_BYTES // 1024))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None, _refuse(400, _("پیش‌نویس قالب درستی ندارد."))
    if not takes_drafts(payload.get("key")):
        return None, _refuse(400, _("این فرم پیش‌نویس نمی‌پذیرد."))
    return payload, None


@bp.route("", methods=["POST"])
def save():
    # Permission: ``permissions.can_keep_drafts`` (any signed-in user), for their own drafts only.
    payload, refusal = _payload()
    if refusal is not None:
        return refusal
    return run_json_service(
        lambda: services.save(db.session, user_id=current_user.id, key=payload["key"],
                              page_path=payload.get("page"), fields=payload.get("fields"), now=clock.wall_now(),
                              rendered_at=_moment(payload.get("since"))),
        answer=lambda draft: {
            "saved": True, "saved_at": draft.updated_at.isoformat(),
            "message": _("پیش‌نویس ذخیره شد ساعت %(time)s",
                         time=persian.format_time(_shown(draft.updated_at), persian_digits=i18n.persian_ui()))})


@bp.route("/discard", methods=["POST"])
def discard():
    # Permission: ``permissions.can_keep_drafts``; a user discards only their own draft.
    payload, refusal = _payload()
    if refusal is not None:
        return refusal
    return run_json_service(
        lambda: services.discard(db.session, user_id=current_user.id, key=payload["key"]),
        answer=lambda _none: {"discarded": True, "message": _("پیش‌نویس کنار گذاشته شد.")})


def page_drafts() -> list[dict]:
    """The signed-in user's drafts typed on this page, for its script to put back (a GET reads, never writes)."""
    if request.method != "GET" or not permissions.can_keep_drafts(current_user):
        return []
    drafts = services.for_page(db.session, user_id=current_user.id, page_path=services.form_key(request.path),
                               now=clock.wall_now())
    persian_digits = i18n.persian_ui()
    return [{"key": draft.form_key, "fields": services.fields_of(draft),
             "note": _("پیش‌نویس ذخیره‌شدهٔ شما در %(when)s بازگردانده شد.",
                       when=persian.format_jalali_datetime(_shown(draft.updated_at), persian_digits=persian_digits))}
            for draft in drafts]


@bp.app_context_processor
def _page_drafts():
    return {"form_drafts": page_drafts, "drafts_since": rendered_at}
