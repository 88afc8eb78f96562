"""Organizer: cycle timeline, deadline extensions and ceremony postponement."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, permissions
from awards.audit.queries import action_label, describe_changes
from awards.cycles import queries, services
from awards.cycles.forms import PostponeForm, TimelineForm, at_same_time_of_day
from awards.extensions import db
from awards.models import Cycle
from awards.web import run_service

bp = Blueprint("cycles", __name__, url_prefix="/cycles")


def _organizer_cycle(cycle_id: int) -> Cycle:
    if not permissions.can_manage_cycles(current_user):
        abort(403)
    return db.session.get(Cycle, cycle_id) or abort(404)


@bp.route("/")
@login_required
def index():
    if not permissions.can_manage_cycles(current_user):
        abort(403)
    return render_template("cycles/index.html", cycles=queries.all_cycles(db.session), now=clock.now(),
                           history=queries.timeline_history(db.session),
                           describe_changes=describe_changes, action_label=action_label)


@bp.route("/<int:cycle_id>/timeline", methods=["GET", "POST"])
@login_required
def timeline(cycle_id: int):
    cycle = _organizer_cycle(cycle_id)
    form = TimelineForm(obj=cycle)
    if form.validate_on_submit() and (response := run_service(
            lambda: services.update_timeline(db.session, cycle=cycle, actor=current_user, values=form.values(cycle),
                                             reason=form.reason.data),
            form=form, done=lambda changes: (_("زمان‌بندی دوره به‌روز شد."), "success") if changes
            else (_("تغییری در تاریخ‌ها نبود."), "info"),
            to=url_for("cycles.index"))) is not None:
        return response
    return render_template("cycles/timeline.html", cycle=cycle, form=form)


@bp.route("/<int:cycle_id>/ceremony", methods=["GET", "POST"])
@login_required
def postpone(cycle_id: int):
    cycle = _organizer_cycle(cycle_id)
    form = PostponeForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.postpone_ceremony(db.session, cycle=cycle, actor=current_user, reason=form.reason.data,
                                               new_date=at_same_time_of_day(form.new_date.data, cycle.ceremony_at)),
            form=form, done=_("آیین اهدا به تعویق افتاد و دلیل آن ثبت شد."), to=url_for("cycles.index"))) is not None:
        return response
    return render_template("cycles/postpone.html", cycle=cycle, form=form)
