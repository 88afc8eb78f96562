"""The award budget's page («بودجه»): the lines and their figures, the organizer's edits, the finance chair's
decision, and the statuette maker's list."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import permissions
from awards.budget import exports, queries, services
from awards.budget.forms import ApproveForm, EditLineForm, LineForm, RemoveLineForm, ReturnForm, SubmitForm
from awards.budget.services import LineEdit
from awards.cycles.queries import current_cycle
from awards.enums import BudgetAction, BudgetLineKind, Tier
from awards.extensions import db
from awards.models import BudgetLine, Cycle
from awards.web import run_service

bp = Blueprint("budget", __name__, url_prefix="/budget")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cycle(predicate=permissions.can_view_budget) -> Cycle:
    cycle = current_cycle(db.session) or abort(404)
    if not predicate(current_user, cycle):
        abort(403)
    return cycle


def _line(cycle: Cycle, line_id: int) -> BudgetLine:
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.budget.cycle_id != cycle.id:
        abort(404)
    return line


def _render(cycle: Cycle, *, line_form: LineForm | None = None, edited: EditLineForm | None = None,
            edited_id: int | None = None, return_form: ReturnForm | None = None):
    sheet = queries.budget_sheet(db.session, cycle=cycle)
    edit_forms = {row.line.id: EditLineForm(prefix=f"l{row.line.id}", obj=row.line) for row in sheet.lines}
    if edited is not None:
        edit_forms[edited_id] = edited
    return render_template(
        "budget/index.html", cycle=cycle, sheet=sheet, tiers=list(Tier), line_form=line_form or LineForm(),
        edit_forms=edit_forms, remove_form=RemoveLineForm(), submit_form=SubmitForm(), approve_form=ApproveForm(),
        return_form=return_form or ReturnForm(), statuette_tier=queries.STATUETTE_TIER)


@bp.route("/")
@login_required
def index():
    return _render(_cycle())


def _edit(cycle: Cycle, edit: LineEdit):
    return lambda: services.transition(db.session, cycle=cycle, action=BudgetAction.EDIT, actor=current_user,
                                       edit=edit)


@bp.route("/lines", methods=["POST"])
@login_required
def add_line():
    cycle = _cycle(permissions.can_edit_budget)
    form = LineForm()
    if form.validate_on_submit():
        edit = LineEdit(kind=BudgetLineKind(form.kind.data), tier=Tier(form.tier.data) if form.tier.data in
                        {t.value for t in Tier} else None, label=form.label.data, unit_cost=form.unit_cost.data)
        if (response := run_service(_edit(cycle, edit), form=form, field="label", done=_("ردیف بودجه افزوده شد."),
                                    to=url_for(".index"))) is not None:
            return response
    return _render(cycle, line_form=form)


@bp.route("/lines/<int:line_id>", methods=["POST"])
@login_required
def edit_line(line_id: int):
    cycle = _cycle(permissions.can_edit_budget)
    line = _line(cycle, line_id)
    form = EditLineForm(prefix=f"l{line.id}")
    if form.validate_on_submit() and (response := run_service(
            _edit(cycle, LineEdit(line=line, label=form.label.data, unit_cost=form.unit_cost.data)),
            form=form, field="label", done=_("ردیف بودجه ذخیره شد."), to=url_for(".index"))) is not None:
        return response
    return _render(cycle, edited=form, edited_id=line.id)


@bp.route("/lines/<int:line_id>/remove", methods=["POST"])
@login_required
def remove_line(line_id: int):
    cycle = _cycle(permissions.can_edit_budget)
    line = _line(cycle, line_id)
    if not RemoveLineForm().validate_on_submit():
        abort(400)
    return run_service(_edit(cycle, LineEdit(line=line, remove=True)), done=_("ردیف بودجه برداشته شد."),
                       to=url_for(".index"))


@bp.route("/submit", methods=["POST"])
@login_required
def submit():
    cycle = _cycle(permissions.can_edit_budget)
    if not SubmitForm().validate_on_submit():
        abort(400)
    return run_service(
        lambda: services.transition(db.session, cycle=cycle, action=BudgetAction.SUBMIT, actor=current_user),
        done=_("بودجه برای تصمیم رئیس کمیتهٔ مالی فرستاده شد."), to=url_for(".index"))


@bp.route("/approve", methods=["POST"])
@login_required
def approve():
    cycle = _cycle(permissions.can_decide_budget)
    if not ApproveForm().validate_on_submit():
        abort(400)
    return run_service(
        lambda: services.transition(db.session, cycle=cycle, action=BudgetAction.APPROVE, actor=current_user),
        done=_("بودجه تأیید شد."), to=url_for(".index"))


@bp.route("/return", methods=["POST"])
@login_required
def return_budget():
    cycle = _cycle(permissions.can_decide_budget)
    form = ReturnForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.transition(db.session, cycle=cycle, action=BudgetAction.RETURN, actor=current_user,
                                        reason=form.reason.data),
            form=form, field="reason", done=_("بودجه با دلیل آن به دبیرخانه بازگردانده شد."),
            to=url_for(".index"))) is not None:
        return response
    return _render(cycle, return_form=form)


@bp.route("/statuettes.xlsx")
@login_required
def statuettes():
    """The statuette maker's list: the live awards of the statuette tier, with whom each names and its serial."""
    cycle = _cycle()
    body = exports.statuettes_workbook(cycle, queries.statuettes(db.session, cycle=cycle))
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=statuettes-{cycle.year}.xlsx",
        "Cache-Control": "no-store",
    })
