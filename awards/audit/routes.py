"""Browsing the audit log (organizers and the oversight committee), and verifying its hash chain.

The log has no edit routes. Verifying walks the whole chain (seconds at 200,000 events), so it runs on demand,
from a POST, and stores its outcome on the chain head; the page (a GET, which never writes) shows that stored
outcome and how many events came after it.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from awards import permissions
from awards.audit import queries, services
from awards.audit.forms import AuditFilterForm
from awards.db import write_intent
from awards.extensions import db, limiter
from awards.persian import to_persian_digits
from awards.web import run_service

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@login_required
def index():
    if not permissions.can_view_audit(current_user):
        abort(403)
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = [SelectChoice("", _("همهٔ رویدادها"))] + [
        SelectChoice(action, str(queries.action_label(action))) for action in queries.distinct_actions(db.session)
    ]
    form.validate()
    page = queries.audit_page(db.session, criteria=form.criteria(), page=request.args.get("page", 1, type=int))
    args = {key: value for key, value in request.args.items() if key != "page" and value.strip()}
    return render_template("audit/index.html", form=form, page=page, args=args,
                           describe_changes=queries.change_describer(db.session, page.items),
                           action_label=queries.action_label,
                           object_labels=queries.OBJECT_LABELS, chain=queries.chain_status(db.session),
                           problems=services.PROBLEMS)


def _digits(value: object) -> str:
    text = str(value)
    return to_persian_digits(text) if get_locale().language == "fa" else text


@bp.route("/verify", methods=["POST"])
@login_required
@limiter.limit("6 per minute")
def verify():
    if not permissions.can_view_audit(current_user):
        abort(403)
    # The walk reads in a session of its own, so on SQLite this request holds no write lock while it runs.
    with write_intent(False):
        reader = db.session_factory()
        try:
            report = services.verify_chain(reader)
        finally:
            reader.close()
    return run_service(
        lambda: services.store_verification(db.session, report=report, actor=current_user),
        done=lambda _none: (_("زنجیرهٔ دفتر ممیزی سالم است: %(count)s رویداد وارسی شد.", count=_digits(report.checked)),
                            "success") if report.ok
        else (_("زنجیرهٔ دفتر ممیزی در رویداد %(id)s شکسته است.", id=_digits(report.bad_event_id)), "danger"),
        to=url_for(".index"))
