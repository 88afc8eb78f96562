"""Keep a working user's session alive: the page pings while they type, and on their "stay signed in".

The ping itself changes nothing: like every signed-in request it lets the session store note the user as seen
(``awards.auth.sessions``, at most once a minute), which is what the idle timeout is judged from.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from awards import permissions

bp = Blueprint("keepalive", __name__)


@bp.route("/session/keepalive")
def ping():
    # Permission: any signed-in user (``permissions.is_signed_in``); a visitor whose session ended learns so.
    if not permissions.is_signed_in(current_user):
        return jsonify(signed_in=False), 401
    return jsonify(signed_in=True)
