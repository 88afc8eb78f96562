"""Rubric set-up, assignment, the member's inbox, score sheets, conflicts and citations.

Every route checks a named predicate of ``awards.permissions`` (403), loads its object or 404s, and runs one
service through ``awards.web.run_service`` (commit once, or roll back and show the refusal). A member of another
committee gets a 403 on this committee's sheets.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from awards import permissions
from awards.cycles.queries import current_cycle
from awards.enums import CommitteeCode, ConflictSource, NominationState
from awards.errors import DomainError
from awards.evaluation import citations, figures, queries, rubric, services
from awards.evaluation import indicators as rules
from awards.evaluation.forms import (
    DOSSIER_FIELD_CHOICES,
    ActionForm,
    AddAssignmentForm,
    BalanceForm,
    CitationForm,
    ConflictForm,
    OverrideForm,
    ReasonForm,
    RemoveAssignmentForm,
    RubricForm,
    VerifyFigureForm,
    check_band_rows,
    indicator_form,
    rubric_form,
    rubric_input,
    rule_form,
    rule_input,
    sheet_form,
    show_number,
)
from awards.extensions import db
from awards.filters import per_request
from awards.labels import LABELS
from awards.models import (
    Assignment,
    Category,
    Committee,
    Conflict,
    Criterion,
    Cycle,
    Indicator,
    Nomination,
    ScoreSheet,
    User,
)
from awards.params import as_id
from awards.persian import parse_number
from awards.queues import QueueFilters, provinces
from awards.web import run_service

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
bp.add_app_template_filter(per_request(show_number), "score")  # its digits follow the request


def _actor() -> User:
    return current_user._get_current_object()


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _category(category_id: int) -> Category:
    return db.session.get(Category, category_id) or abort(404)


def _committee(code: str) -> Committee:
    try:
        code = CommitteeCode(code)
    except ValueError:
        abort(404)
    return db.session.scalar(select(Committee).where(Committee.code == code)) or abort(404)


# ---------------------------------------------------------------------------------------------------- inbox


def _inbox_args() -> dict[str, object]:
    """The inbox's filters, order and per-committee pages from the query string; unknown values are dropped."""
    found: dict[str, object] = {name: request.args.get(name, type=int) for name in ("province", "category")}
    found["q"] = (request.args.get("q") or "").strip()[:100]
    if request.args.get("sheet") in queries.INBOX_SHEET_FILTERS:
        found["sheet"] = request.args["sheet"]
    if request.args.get("sort") in queries.INBOX_SORTS[1:]:
        found["sort"] = request.args["sort"]
    for code in CommitteeCode:
        found[f"page_{code.value}"] = request.args.get(f"page_{code.value}", type=int)
    return {name: value for name, value in found.items() if value not in (None, "")}


@bp.route("/")
@login_required
def inbox():
    _require(permissions.can_use_evaluation(current_user))
    cycle = current_cycle(db.session)
    args = _inbox_args()
    boxes = []
    if cycle is not None:
        boxes = queries.inbox(
            db.session, user=_actor(), cycle=cycle, page_size=current_app.config["PAGE_SIZE"],
            pages={code.value: args.get(f"page_{code.value}", 1) for code in CommitteeCode},
            filters=QueueFilters(province_id=args.get("province"), category_id=args.get("category"),
                                 search=args.get("q", "")),
            sheet_filter=args.get("sheet"), sort=args.get("sort", queries.INBOX_SORTS[0]))
    return render_template("evaluation/inbox.html", cycle=cycle, boxes=boxes, args=args,
                           filtered=any(not name.startswith("page_") for name in args),
                           provinces=provinces(db.session) if boxes else [],
                           sheet_filters=queries.INBOX_SHEET_FILTERS, sorts=queries.INBOX_SORTS)


# ---------------------------------------------------------------------------------------------------- sheets


def _sheet_target(nomination_id: int, committee_code: str) -> tuple[Nomination, Committee]:
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    committee = _committee(committee_code)
    _require(permissions.can_score(current_user, nomination, committee))
    if nomination.state not in permissions.EVALUATED_STATES:
        abort(404)
    return nomination, committee


def _render_sheet(view, form, conflict_form=None, around=None, verify_forms=None):
    refusal = services.scoring_refusal(db.session, nomination=view.nomination, committee=view.committee,
                                       actor=_actor(), criteria=view.criteria)
    conflict_form = conflict_form or ConflictForm(formdata=None, committee=view.committee.code.value)
    around = around or queries.neighbours(db.session, user=_actor(), committee=view.committee,
                                          nomination=view.nomination)
    return render_template("evaluation/sheet.html", view=view, form=form, refusal=refusal, conflict_form=conflict_form,
                           reopen_form=ReasonForm(formdata=None), around=around,
                           verify_forms=verify_forms or {line.indicator.id: VerifyFigureForm(formdata=None)
                                                         for line in view.computed})


def _sheet_url(nomination_id: int | None, committee: Committee) -> str:
    """The sheet of this nomination for the committee, or the inbox when there is none (the end of the inbox)."""
    if nomination_id is None:
        return url_for("evaluation.inbox")
    return url_for("evaluation.sheet", nomination_id=nomination_id, committee_code=committee.code.value)


@bp.route("/<int:nomination_id>/<committee_code>", methods=["GET", "POST"])
@login_required
def sheet(nomination_id: int, committee_code: str):
    nomination, committee = _sheet_target(nomination_id, committee_code)
    if (refusal := services.sheet_access(db.session, nomination=nomination, committee=committee,
                                         actor=_actor())) is not None:
        flash(refusal, "danger")
        return redirect(url_for("evaluation.inbox"))
    view = queries.sheet_view(db.session, nomination_id=nomination.id, committee=committee, user=_actor(),
                              is_chair=permissions.is_chair(current_user, committee.code, nomination.cycle_id))
    if not view.criteria:
        abort(404)
    if request.method == "GET":
        return _render_sheet(view, sheet_form(view.judged, scores=view.scores,
                                              comment=view.sheet.comment if view.sheet else ""))
    form = sheet_form(view.judged, formdata=request.form)
    action = request.form.get("action")
    submit = action in ("submit", "submit_next")
    around = queries.neighbours(db.session, user=_actor(), committee=committee,
                                nomination=nomination) if action == "submit_next" else None
    if form.validate_on_submit():
        values = {c.id: form[f"c{c.id}"].data for c in view.judged}
        here = _sheet_url(nomination.id, committee)
        # Score errors (FormErrors, by criterion id) go beside their inputs; any other refusal is flashed.
        # «ارسال و بعدی» submits through the same service, then opens the next sheet of the inbox.
        response = run_service(
            lambda: services.save_sheet(db.session, nomination=nomination, committee=committee, actor=_actor(),
                                        values=values, comment=form.comment.data or "", submit=submit),
            form=form, fields={c.id: f"c{c.id}" for c in view.judged}, back=here,
            done=_("برگه ارسال و قفل شد.") if submit else _("پیش‌نویس ذخیره شد."),
            to=_sheet_url(around.next_id, committee) if around is not None else here)
        if response is not None:
            return response
    return _render_sheet(view, form, around=around)


@bp.route("/<int:nomination_id>/<committee_code>/figures/<int:indicator_id>", methods=["POST"])
@login_required
def verify_figure(nomination_id: int, committee_code: str, indicator_id: int):
    """The committee verifies (or corrects, with a reason) a declared figure on the sheet page."""
    nomination, committee = _sheet_target(nomination_id, committee_code)
    _require(permissions.can_verify_figure(current_user, nomination, committee))
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.cycle_id != nomination.cycle_id:
        abort(404)
    form = VerifyFigureForm()
    here = _sheet_url(nomination.id, committee)
    if form.validate_on_submit() and (response := run_service(
            lambda: figures.verify_figure(db.session, actor=_actor(), nomination=nomination, committee=committee,
                                          indicator=indicator, value=form.value.data, year=form.year.data,
                                          reason=form.reason.data or ""),
            form=form, done=_("رقم «%(name)s» تأیید شد.", name=indicator.name_fa), to=here + "#figures",
            back=here)) is not None:
        return response
    view = queries.sheet_view(db.session, nomination_id=nomination.id, committee=committee, user=_actor(),
                              is_chair=permissions.is_chair(current_user, committee.code, nomination.cycle_id))
    forms = {line.indicator.id: VerifyFigureForm(formdata=None) for line in view.computed}
    forms[indicator.id] = form
    return _render_sheet(view, sheet_form(view.judged, scores=view.scores,
                                          comment=view.sheet.comment if view.sheet else ""), verify_forms=forms)


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def reopen_sheet(sheet_id: int):
    score_sheet = db.session.get(ScoreSheet, sheet_id) or abort(404)
    _require(permissions.can_reopen_sheet(current_user, score_sheet))
    back = {"nomination_id": score_sheet.nomination_id, "committee_code": score_sheet.committee.code.value}
    form = ReasonForm()
    if not form.validate():
        flash(_("دلیل بازگشایی را بنویسید."), "danger")
        return redirect(url_for("evaluation.sheet", **back))
    return run_service(
        lambda: services.reopen_sheet(db.session, sheet=score_sheet, actor=_actor(), reason=form.reason.data),
        done=lambda _sheet: _("برگهٔ %(name)s بازگشایی شد.", name=score_sheet.member.full_name),
        to=url_for("evaluation.sheet", **back))


# ---------------------------------------------------------------------------------------------------- conflicts


@bp.route("/<int:nomination_id>/conflict", methods=["POST"])
@login_required
def declare_conflict(nomination_id: int):
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    _require(permissions.can_declare_conflict(current_user, nomination))
    if nomination.state not in permissions.EVALUATED_STATES:
        abort(404)
    form = ConflictForm()
    if form.validate() and (response := run_service(
            lambda: services.declare_conflict(db.session, nomination=nomination, actor=_actor(),
                                              reason=form.reason.data),
            form=form, field="reason",
            done=_("تعارض منافع ثبت شد؛ این پرونده از کارتابل شما برداشته شد."),
            to=url_for("evaluation.inbox"))) is not None:
        return response
    committee = _committee(form.committee.data or "")
    _require(permissions.can_score(current_user, nomination, committee))
    view = queries.sheet_view(db.session, nomination_id=nomination.id, committee=committee, user=_actor(),
                              is_chair=permissions.is_chair(current_user, committee.code, nomination.cycle_id))
    return _render_sheet(view, sheet_form(view.criteria, scores=view.scores), conflict_form=form)


def _conflict_args() -> dict[str, object]:
    """The conflicts page's filters and page from the query string (kept across a POST and its redirect);
    unknown values are dropped."""
    found: dict[str, object] = {name: request.args.get(name, type=int)
                                for name in ("province", "category", "member", "page")}
    found["q"] = (request.args.get("q") or "").strip()[:100]
    if request.args.get("committee") in {c.value for c in CommitteeCode}:
        found["committee"] = request.args["committee"]
    if request.args.get("source") in {s.value for s in ConflictSource}:
        found["source"] = request.args["source"]
    if request.args.get("state") in queries.CONFLICT_STATES:
        found["state"] = request.args["state"]
    return {name: value for name, value in found.items() if value not in (None, "")}


def _conflict_filters(args: dict[str, object]) -> queries.ConflictFilters:
    committee = (db.session.scalar(select(Committee.id).where(Committee.code == CommitteeCode(args["committee"])))
                 if "committee" in args else None)
    return queries.ConflictFilters(
        province_id=args.get("province"), category_id=args.get("category"), search=args.get("q", ""),
        committee_id=committee, member_id=args.get("member"),
        source=ConflictSource(args["source"]) if "source" in args else None, state=args.get("state"))


@bp.route("/conflicts", methods=["GET", "POST"])
@login_required
def conflicts():
    _require(permissions.can_manage_conflicts(current_user))
    cycle = current_cycle(db.session) or abort(404)
    args = _conflict_args()
    form = OverrideForm()
    if request.method == "POST" and form.validate():
        conflict = db.session.get(Conflict, _int(form.conflict_id.data)) or abort(404)
        response = run_service(
            lambda: services.override_conflict(db.session, conflict=conflict, actor=_actor(), reason=form.reason.data),
            form=form, field="reason", done=_("پرچم تعارض با ثبت دلیل نادیده گرفته شد."),
            to=url_for("evaluation.conflicts", **args))
        if response is not None:
            return response
    page = queries.conflict_rows(db.session, cycle=cycle, filters=_conflict_filters(args), page=args.get("page", 1),
                                 page_size=current_app.config["PAGE_SIZE"])
    return render_template("evaluation/conflicts.html", cycle=cycle, page=page, rows=page.items, form=form,
                           args=args, summary=queries.conflict_summary(db.session, cycle=cycle),
                           provinces=provinces(db.session), members=queries.cycle_members(db.session, cycle=cycle),
                           committee_codes=list(CommitteeCode))


def _int(value) -> int:
    return as_id(value) or abort(404)


# ---------------------------------------------------------------------------------------------------- rubric


@bp.route("/rubric/<int:category_id>", methods=["GET", "POST"])
@login_required
def rubric_page(category_id: int):
    _require(permissions.can_manage_rubric(current_user))
    category = _category(category_id)
    form = rubric_form(db.session, category=category) if request.method == "GET" else RubricForm()
    if request.method == "POST" and form.validate():
        here = url_for("evaluation.rubric_page", category_id=category.id)
        # Rubric errors (FormErrors) go beside their inputs or above the form; any other refusal is flashed.
        response = run_service(
            lambda: rubric.update_rubric(db.session, category=category, actor=_actor(), data=rubric_input(form)),
            form=form, back=here, to=here,
            done=lambda changes: _("تنظیمات ارزیابی ذخیره شد.") if changes else _("تغییری نبود."))
        if response is not None:
            return response
    return render_template("evaluation/rubric.html", category=category, form=form,
                           locked=rubric.rubric_locked(db.session, category=category),
                           committees={c.id: c for c in rubric.scoring_committees(db.session)},
                           criteria={c.id: c for c in category.criteria},
                           reset_form=ReasonForm(formdata=None))


@bp.route("/rubric/<int:category_id>/reset", methods=["POST"])
@login_required
def rubric_reset(category_id: int):
    _require(permissions.can_manage_rubric(current_user))
    category = _category(category_id)
    form = ReasonForm()
    if not form.validate():
        flash(_("دلیل بازنشانی را بنویسید."), "danger")
        return redirect(url_for("evaluation.rubric_page", category_id=category.id))
    return run_service(
        lambda: rubric.reset_rubric(db.session, category=category, actor=_actor(), reason=form.reason.data),
        done=lambda count: (_("معیارهای ارزیابی بازنشانی شد و %(count)s برگهٔ ارسال‌شده به پیش‌نویس برگشت.", count=count),
                            "warning"),
        to=url_for("evaluation.rubric_page", category_id=category.id))


# ---------------------------------------------------------------------------------------------------- indicators


def _indicator_page(cycle: Cycle, form, editing: Indicator | None = None):
    indicators = figures.cycle_indicators(db.session, cycle_id=cycle.id)
    return render_template("evaluation/indicators.html", cycle=cycle, form=form, editing=editing,
                           indicators=indicators,
                           use={i.id: figures.indicator_use(db.session, indicator=i) for i in indicators},
                           dossier_labels={c.value: c.label for c in DOSSIER_FIELD_CHOICES if c.value})


@bp.route("/indicators/<int:cycle_id>", methods=["GET", "POST"])
@login_required
def indicators(cycle_id: int):
    _require(permissions.can_manage_indicators(current_user))
    cycle = db.session.get(Cycle, cycle_id) or abort(404)
    form = indicator_form() if request.method == "GET" else indicator_form(formdata=request.form)
    if request.method == "POST" and form.validate() and (response := run_service(
            lambda: figures.define_indicator(db.session, actor=_actor(), cycle=cycle, spec=form.spec()),
            form=form, done=lambda indicator: _("شاخص «%(name)s» افزوده شد.", name=indicator.name_fa),
            to=url_for("evaluation.indicators", cycle_id=cycle.id))) is not None:
        return response
    return _indicator_page(cycle, form)


@bp.route("/indicators/<int:cycle_id>/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def edit_indicator(cycle_id: int, indicator_id: int):
    _require(permissions.can_manage_indicators(current_user))
    indicator = db.session.get(Indicator, indicator_id) or abort(404)
    if indicator.cycle_id != cycle_id:
        abort(404)
    form = indicator_form(indicator) if request.method == "GET" else indicator_form(formdata=request.form)
    if request.method == "POST" and form.validate() and (response := run_service(
            lambda: figures.update_indicator(db.session, actor=_actor(), indicator=indicator, spec=form.spec()),
            form=form, done=lambda changes: _("شاخص ذخیره شد.") if changes else _("تغییری نبود."),
            to=url_for("evaluation.indicators", cycle_id=cycle_id))) is not None:
        return response
    return _indicator_page(indicator.cycle, form, editing=indicator)


@bp.route("/rubric/<int:category_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@login_required
def criterion_rule(category_id: int, criterion_id: int):
    _require(permissions.can_manage_rubric(current_user))
    category = _category(category_id)
    criterion = db.session.get(Criterion, criterion_id) or abort(404)
    if criterion.category_id != category.id:
        abort(404)
    indicators = figures.cycle_indicators(db.session, cycle_id=category.cycle_id)
    form = rule_form(criterion, indicators, formdata=request.form if request.method == "POST" else None)
    here = url_for("evaluation.criterion_rule", category_id=category.id, criterion_id=criterion.id)
    if request.method == "POST" and form.validate() & check_band_rows(form):
        data = rule_input(form, indicators)
        rows = data.pop("rows")
        response = run_service(
            lambda: figures.set_criterion_rule(db.session, actor=_actor(), criterion=criterion, **data),
            form=form, back=here, to=here,
            fields={**{key: f"{row}-lower" for key, row in rows.items()}, "bands": "rule", "indicator": "indicator_id"},
            done=lambda saved: _("معیار «%(title)s» از شاخص محاسبه می‌شود.", title=saved.title) if saved.is_computed
            else _("معیار «%(title)s» داوری‌شده است.", title=saved.title))
        if response is not None:
            return response
    return render_template("evaluation/criterion_rule.html", category=category, criterion=criterion, form=form,
                           locked=rubric.rubric_locked(db.session, category=category), indicators=indicators,
                           preview=_rule_preview(criterion))


def _rule_preview(criterion: Criterion) -> dict | None:
    """The saved rule's points for the figure in ``?figure=`` (read only; an unreadable figure says so)."""
    text = (request.args.get("figure") or "").strip()[:40]
    if not criterion.is_computed or not text:
        return {"text": text, "points": None, "error": None} if criterion.is_computed else None
    try:
        value = Decimal(str(parse_number(text.replace("/", "."), allow_decimal=True)))
    except ValueError:
        return {"text": text, "points": None, "error": _("رقم را با رقم‌های فارسی یا لاتین بنویسید؛ مانند ۱۲٫۵.")}
    return {"text": text, "figure": value, "points": rules.points(figures.rule_of(criterion), value), "error": None}


# ---------------------------------------------------------------------------------------------------- assignments


def _assignment_action(category: Category, action: str):
    """Run the one service the posted action names; return a flash message or raise DomainError."""
    if action == "balance":
        form = BalanceForm()
        if not form.validate():
            raise DomainError(_("تعداد داوران هر نامزد را به صورت عدد صحیح وارد کنید."))
        committee = db.session.get(Committee, _int(form.committee_id.data)) or abort(404)
        report = services.assign_balanced(db.session, category=category, committee=committee, k=form.k.data,
                                          actor=_actor())
        message = _("%(count)s واگذاری تازه ثبت شد.", count=report.created)
        if report.short:
            message += " " + _("%(count)s نامزد کمتر از %(k)s داور واجد شرایط داشت و همهٔ داوران ممکن را گرفت.",
                               count=len(report.short), k=report.k)
        return message
    if action == "add":
        form = AddAssignmentForm()
        member = db.session.get(User, _int(request.form.get("member_id"))) or abort(404)
        nomination = db.session.get(Nomination, _int(form.nomination_id.data)) or abort(404)
        committee = db.session.get(Committee, _int(form.committee_id.data)) or abort(404)
        if nomination.category_id != category.id:
            abort(404)
        services.add_assignment(db.session, nomination=nomination, committee=committee, member=member,
                                actor=_actor())
        return _("داور افزوده شد.")
    if action == "remove":
        assignment = db.session.get(Assignment, _int(RemoveAssignmentForm().assignment_id.data)) or abort(404)
        if db.session.get(Nomination, assignment.nomination_id).category_id != category.id:
            abort(404)
        services.remove_assignment(db.session, assignment=assignment, actor=_actor())
        return _("واگذاری برداشته شد.")
    abort(400)


def _assignment_args() -> dict[str, object]:
    """The assignment page's committee, filters and page from the query string (kept across a POST and its
    redirect); unknown values are dropped."""
    found: dict[str, object] = {name: request.args.get(name, type=int) for name in ("province", "member", "page")}
    found["q"] = (request.args.get("q") or "").strip()[:100]
    if request.args.get("committee") in {c.value for c in CommitteeCode}:
        found["committee"] = request.args["committee"]
    if request.args.get("state") in queries.ASSIGNMENT_STATES:
        found["state"] = request.args["state"]
    return {name: value for name, value in found.items() if value not in (None, "")}


@bp.route("/assignments/<int:category_id>", methods=["GET", "POST"])
@login_required
def assignments(category_id: int):
    _require(permissions.can_manage_assignments(current_user))
    category = _category(category_id)
    args = _assignment_args()
    if request.method == "POST":
        return run_service(lambda: _assignment_action(category, request.form.get("action", "")),
                           done=lambda message: message,
                           to=url_for("evaluation.assignments", category_id=category.id, **args))
    # The category filter opens that category's page (of the same cycle), with the other filters kept.
    other = request.args.get("category", type=int)
    if other is not None and other != category.id:
        target = db.session.get(Category, other)
        if target is not None and target.cycle_id == category.cycle_id:
            args.pop("page", None)
            return redirect(url_for("evaluation.assignments", category_id=target.id, **args))
    tabs, in_evaluation = queries.assignment_tabs(db.session, category=category)
    tab = next((t for t in tabs if t.committee.code.value == args.get("committee")), tabs[0] if tabs else None)
    board = None
    if tab is not None:
        args["committee"] = tab.committee.code.value  # the committee shown, kept in the filter form and the POSTs
        board = queries.assignment_board(
            db.session, category=category, tab=tab, in_evaluation=in_evaluation,
            filters=queries.AssignmentFilters(province_id=args.get("province"), search=args.get("q", ""),
                                              state=args.get("state"), member_id=args.get("member")),
            page=args.get("page", 1), page_size=current_app.config["PAGE_SIZE"])
    return render_template("evaluation/assignments.html", category=category, tabs=tabs, tab=tab, board=board,
                           args=args, provinces=provinces(db.session), states=queries.ASSIGNMENT_STATES,
                           action_form=ActionForm())


# ---------------------------------------------------------------------------------------------------- citations


@bp.route("/citations")
@login_required
def citation_list():
    _require(permissions.can_view_citations(current_user))
    cycle = current_cycle(db.session) or abort(404)
    args = {name: request.args.get(name, type=int) for name in ("province", "category", "page")}
    args["q"] = (request.args.get("q") or "").strip()[:100]
    args["state"] = request.args.get("state") if request.args.get("state") in {
        s.value for s in queries.CITATION_STATES} else None
    args = {name: value for name, value in args.items() if value not in (None, "")}
    page = queries.citation_rows(
        db.session, cycle=cycle, state=NominationState(args["state"]) if "state" in args else None,
        filters=QueueFilters(province_id=args.get("province"), category_id=args.get("category"),
                             search=args.get("q", "")),
        page=args.get("page", 1), page_size=current_app.config["PAGE_SIZE"])
    return render_template("evaluation/citations.html", cycle=cycle, page=page, rows=page.items, args=args,
                           provinces=provinces(db.session), states=queries.CITATION_STATES)


def _citation_target(nomination_id: int) -> Nomination:
    _require(permissions.can_view_citations(current_user))
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    if nomination.state not in queries.CITATION_STATES:
        abort(404)
    return nomination


@bp.route("/citations/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def citation(nomination_id: int):
    nomination = _citation_target(nomination_id)
    current = citations.citation_for(db.session, nomination=nomination)
    form = CitationForm(data={"text": current.text if current else ""})
    if request.method == "POST":
        _require(permissions.can_write_citation(current_user, nomination))
        if form.validate() and (response := run_service(
                lambda: citations.save_citation(db.session, nomination=nomination, actor=_actor(),
                                                text=form.text.data),
                form=form, field="text", done=_("متن لوح ذخیره شد."),
                to=url_for("evaluation.citation", nomination_id=nomination.id))) is not None:
            return response
    return render_template("evaluation/citation.html", nomination=nomination, citation=current, form=form,
                           approve_form=ActionForm(formdata=None), labels=LABELS)


@bp.route("/citations/<int:nomination_id>/approve", methods=["POST"])
@login_required
def approve_citation(nomination_id: int):
    nomination = _citation_target(nomination_id)
    _require(permissions.can_approve_citation(current_user, nomination))
    current = citations.citation_for(db.session, nomination=nomination) or abort(404)
    return run_service(lambda: citations.approve_citation(db.session, citation=current, actor=_actor()),
                       done=_("متن لوح تأیید شد."), to=url_for("evaluation.citation", nomination_id=nomination.id))

