"""The public confirmation page of a meeting's minutes, the address of their QR code: no login.

It confirms that the minutes exist and shows only :data:`PUBLIC_FIELDS`: the number, the committee or the
working group (its province), the cycle, the meeting's date, whether they are sealed, when, and the digest of their
content (so a printed copy can be checked against it). Never the place, the attendees, the agenda or the decisions.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from awards.extensions import db, limiter
from awards.meetings import queries

bp = Blueprint("minutes", __name__, url_prefix="/minutes")

#: Everything the page shows of the minutes.
PUBLIC_FIELDS = ("number", "committee", "provincial_group", "cycle", "held_on", "state", "sealed_at", "content_digest")


def _limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/<token>")
@limiter.limit(_limit)
def show(token: str):
    meeting = queries.meeting_by_token(db.session, token)
    if meeting is None:
        return render_template("meetings/public.html", minutes=None), 404
    minutes = {field: getattr(meeting, field) for field in PUBLIC_FIELDS}
    return render_template("meetings/public.html", minutes=minutes)
