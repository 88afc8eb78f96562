"""Browsing the audit log (organizers and the oversight committee). Read-only: the log has no edit routes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from awards import permissions
from awards.audit import queries
from awards.audit.forms import AuditFilterForm
from awards.extensions import db

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
                           describe_changes=queries.describe_changes, action_label=queries.action_label,
                           object_labels=queries.OBJECT_LABELS,
                           can_link_nomination="nominations.view" in current_app.view_functions)
