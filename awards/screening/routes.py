"""Provincial affairs screening queue and the oversight compliance queue."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from awards import permissions, queues
from awards.cycles.queries import current_cycle
from awards.db import begin_writing
from awards.enums import NominationAction
from awards.errors import DomainError
from awards.extensions import db
from awards.models import Cycle, Nomination
from awards.nominations import services
from awards.screening import queries
from awards.screening.forms import AcceptForm, ComplianceForm, ReturnForm
from awards.web import run_service

bp = Blueprint("screening", __name__, url_prefix="/screening")


#: The most nominations one bulk decision takes: a page of the queue, with room for a larger configured page.
BULK_LIMIT = 100


def _filters() -> dict[str, object]:
    """The queue's filters, search, order and page from the query string (kept across a POST and its redirect)."""
    found: dict[str, object] = {name: request.args.get(name, type=int) for name in ("province", "category", "page")}
    if request.args.get("status") in queries.COMPLIANCE_STATUSES:
        found["status"] = request.args["status"]
    if request.args.get("sort") in queries.SORTS[1:]:
        found["sort"] = request.args["sort"]
    found["q"] = (request.args.get("q") or "").strip()[:100]
    return {name: value for name, value in found.items() if value not in (None, "")}


def _queue_filters(filters: dict[str, object]) -> queues.QueueFilters:
    return queues.QueueFilters(province_id=filters.get("province"), category_id=filters.get("category"),
                                search=filters.get("q", ""), sort=filters.get("sort", "oldest"),
                                status=filters.get("status"))


def _render_queue(template: str, page_of, *, cycle: Cycle | None, failed: dict[int, FlaskForm] | None, **extra):
    cycle, filters = cycle or current_cycle(db.session), _filters()
    page = page_of(db.session, cycle=cycle, filters=_queue_filters(filters), page=filters.get("page", 1),
                   page_size=current_app.config["PAGE_SIZE"]) if cycle else None
    return render_template(template, cycle=cycle, page=page, rows=page.items if page else [], filters=filters,
                           failed=failed or {}, provinces=queues.provinces(db.session), sorts=queries.SORTS,
                           **extra)


def _queue_page(*, cycle: Cycle | None = None, failed: dict[int, FlaskForm] | None = None):
    """A page of the screening queue of the current cycle; ``failed`` holds a refused form to show beside its row."""
    return _render_queue("screening/queue.html", queries.screening_queue, cycle=cycle, failed=failed)


def _compliance_page(*, cycle: Cycle | None = None, failed: dict[int, FlaskForm] | None = None):
    """A page of the compliance queue of the current cycle; ``failed`` as for :func:`_queue_page`."""
    return _render_queue("screening/compliance.html", queries.compliance_queue, cycle=cycle, failed=failed,
                         statuses=queries.COMPLIANCE_STATUSES)


def _bulk(allowed, decide, endpoint: str, done_message):
    """Decide each chosen nomination on its own: one savepoint per item, so a refused one changes nothing of its
    own and does not undo the others; every refusal is listed with its reason, then all the rest is committed."""
    if not allowed(current_user):
        abort(403)
    ids = list(dict.fromkeys(request.form.getlist("ids", type=int)))
    if not ids:
        flash(_("هیچ پرونده‌ای برگزیده نشده است."), "warning")
        return redirect(url_for(endpoint, **_filters()))
    if len(ids) > BULK_LIMIT:
        flash(_("در هر بار حداکثر %(count)s پرونده را می‌توان برگزید.", count=BULK_LIMIT),
              "danger")
        return redirect(url_for(endpoint, **_filters()))
    done: list[str] = []
    with begin_writing(db.session):  # one write transaction for the batch (SQLite: BEGIN IMMEDIATE)
        for nomination_id in ids:
            nomination = queries.nomination_for_decision(db.session, nomination_id)
            if nomination is None:
                flash(_("پرونده %(id)s یافت نشد.", id=nomination_id), "danger")
                continue
            name = nomination.nominee_name
            if not allowed(current_user, nomination.cycle):
                flash(_("«%(name)s»: اجازهٔ این کار را در این دوره ندارید.", name=name), "danger")
                continue
            try:
                with db.session.begin_nested():
                    decide(nomination)
            except DomainError as err:
                flash(_("«%(name)s»: %(reason)s", name=name, reason=err.message), "danger")
            else:
                done.append(name)
        db.session.commit()
    if done:
        flash(done_message(len(done)), "success")
    return redirect(url_for(endpoint, **_filters()))


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


@bp.route("/bulk-accept", methods=["POST"])
@login_required
def bulk_accept():
    def accept_one(nomination: Nomination) -> None:
        services.transition(db.session, nomination=nomination, action=NominationAction.ACCEPT, actor=current_user)

    return _bulk(permissions.can_screen, accept_one, "screening.queue",
                 lambda count: _("%(count)s پرونده پذیرفته شد و به ارزیابی رفت.", count=count))


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


@bp.route("/compliance/bulk-pass", methods=["POST"])
@login_required
def bulk_pass():
    def pass_one(nomination: Nomination) -> None:
        services.decide_compliance(db.session, nomination=nomination, actor=current_user, passed=True, reason="")

    return _bulk(permissions.can_check_compliance, pass_one, "screening.compliance_queue",
                 lambda count: _("انطباق %(count)s پرونده تأیید شد.", count=count))
