"""Provincial affairs screening queue and the oversight compliance queue."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from awards import permissions
from awards.cycles.queries import current_cycle
from awards.enums import NominationAction
from awards.extensions import db
from awards.models import Cycle, Nomination
from awards.nominations import services
from awards.screening import queries
from awards.screening.forms import AcceptForm, ComplianceForm, ReturnForm
from awards.web import run_service

bp = Blueprint("screening", __name__, url_prefix="/screening")


def _filters() -> dict[str, object]:
    """The queue's filters from the query string (kept across a decision's POST and redirect)."""
    found: dict[str, object] = {name: request.args.get(name, type=int) for name in ("province", "category")}
    if request.args.get("status") in queries.COMPLIANCE_STATUSES:
        found["status"] = request.args["status"]
    return {name: value for name, value in found.items() if value is not None}


def _queue_page(*, cycle: Cycle | None = None, failed: dict[int, FlaskForm] | None = None):
    """The screening queue of the current cycle; ``failed`` holds a refused form to show beside its row."""
    cycle, filters = cycle or current_cycle(db.session), _filters()
    rows = queries.screening_queue(db.session, cycle=cycle, province_id=filters.get("province"),
                                   category_id=filters.get("category")) if cycle else []
    return render_template("screening/queue.html", cycle=cycle, rows=rows, filters=filters, failed=failed or {},
                           provinces=queries.provinces(db.session))


def _compliance_page(*, cycle: Cycle | None = None, failed: dict[int, FlaskForm] | None = None):
    """The compliance queue of the current cycle; ``failed`` as for :func:`_queue_page`."""
    cycle, filters = cycle or current_cycle(db.session), _filters()
    rows = queries.compliance_queue(db.session, cycle=cycle, province_id=filters.get("province"),
                                    category_id=filters.get("category"), status=filters.get("status")
                                    ) if cycle else []
    return render_template("screening/compliance.html", cycle=cycle, rows=rows, filters=filters,
                           failed=failed or {}, provinces=queries.provinces(db.session),
                           statuses=queries.COMPLIANCE_STATUSES)


def _decidable(nomination_id: int, allowed) -> Nomination:
    """Check the role (403, before revealing anything), load the nomination (404) and check its cycle (403)."""
    if not allowed(current_user):
        abort(403)
    nomination = queries.nomination_for_decision(db.session, nomination_id) or abort(404)
    if not allowed(current_user, nomination.cycle):
        abort(403)
    return nomination


@bp.route("/")
@login_required
def queue():
    cycle = current_cycle(db.session)
    if not permissions.can_screen(current_user, cycle):
        abort(403)
    return _queue_page(cycle=cycle)


@bp.route("/<int:nomination_id>/accept", methods=["POST"])
@login_required
def accept(nomination_id: int):
    nomination = _decidable(nomination_id, permissions.can_screen)
    form = AcceptForm()
    # A refusal about a typed field goes beside it in the queue (input kept); anything else is flashed.
    back = url_for("screening.queue", **_filters())
    response = run_service(
        lambda: services.transition(db.session, nomination=nomination, action=NominationAction.ACCEPT,
                                    actor=current_user),
        form=form, back=back, done=lambda _none: _("«%(name)s» پذیرفته شد و به ارزیابی رفت.",
                                                   name=nomination.nominee_name),
        to=back)
    return response if response is not None else _queue_page(failed={nomination_id: form})


@bp.route("/<int:nomination_id>/return", methods=["POST"])
@login_required
def return_(nomination_id: int):
    nomination = _decidable(nomination_id, permissions.can_screen)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _queue_page(failed={nomination_id: form})
    back = url_for("screening.queue", **_filters())
    response = run_service(
        lambda: services.transition(db.session, nomination=nomination, action=NominationAction.RETURN,
                                    actor=current_user, reason=form.reason.data),
        form=form, back=back, done=lambda _none: _("«%(name)s» با دلیل به استان بازگشت.",
                                                   name=nomination.nominee_name),
        to=back)
    return response if response is not None else _queue_page(failed={nomination_id: form})


@bp.route("/compliance")
@login_required
def compliance_queue():
    cycle = current_cycle(db.session)
    if not permissions.can_check_compliance(current_user, cycle):
        abort(403)
    return _compliance_page(cycle=cycle)


@bp.route("/<int:nomination_id>/compliance", methods=["POST"])
@login_required
def compliance(nomination_id: int):
    nomination = _decidable(nomination_id, permissions.can_check_compliance)
    form = ComplianceForm()
    if not form.validate_on_submit():
        return _compliance_page(failed={nomination_id: form})
    passed = form.outcome.data == "passed"
    back = url_for("screening.compliance_queue", **_filters())
    response = run_service(
        lambda: services.decide_compliance(db.session, nomination=nomination, actor=current_user, passed=passed,
                                           reason=form.reason.data or ""),
        form=form, back=back,
        done=lambda _none: (_("انطباق «%(name)s» تأیید شد.", name=nomination.nominee_name), "success") if passed
        else (_("«%(name)s» رد انطباق شد و از رقابت کنار رفت.", name=nomination.nominee_name), "warning"),
        to=back)
    return response if response is not None else _compliance_page(failed={nomination_id: form})
