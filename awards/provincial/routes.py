"""The provincial round's pages: the organizer's switch and every group; each province's working group.

Isolation: a province's page answers 404 to anyone who may not see it (another province's officer, a member of
another province's group), as the dossier pages do, so nothing tells whether it has a group at all.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import permissions
from awards.certificates import printing
from awards.certificates.forms import MoveSignatoryForm, RemoveSignatoryForm, RevokeForm, SignatoryForm
from awards.certificates.routes import verify_base_url
from awards.cycles.forms import at_same_time_of_day
from awards.cycles.queries import current_cycle
from awards.enums import NominationState
from awards.errors import DomainError
from awards.evaluation.forms import ReasonForm, rubric_row_input, sheet_form
from awards.extensions import db
from awards.models import (
    Category,
    Cycle,
    Nomination,
    Province,
    ProvincialAward,
    ProvincialGroup,
    ProvincialSeat,
    ProvincialSheet,
    ProvincialSignatory,
)
from awards.persian import TEHRAN, ltr
from awards.provincial import awards, certificates, forwarding, queries, services, sheets, signatories
from awards.provincial.forms import (
    ButtonForm,
    CloseSelectionForm,
    CriterionForm,
    ForwardForm,
    RoundForm,
    RubricEditForm,
    SeatForm,
)
from awards.provincial.ranking import provincial_ranking
from awards.web import run_service

bp = Blueprint("provincial", __name__, url_prefix="/provincial")


def _cycle() -> Cycle:
    return current_cycle(db.session) or abort(404)


def _province_group(cycle: Cycle, province_id: int) -> tuple[Province, ProvincialGroup]:
    """The province and its group in ``cycle`` (an unsaved one when none is seated yet), or 404 when the user may
    not see it."""
    province = db.session.get(Province, province_id) or abort(404)
    group = queries.group_of(db.session, cycle=cycle, province_id=province.id)
    shown = group or ProvincialGroup(cycle_id=cycle.id, province_id=province.id, province=province)
    if not permissions.can_view_provincial_group(current_user, shown):
        abort(404)
    return province, group or shown


@bp.route("/")
@login_required
def index():
    cycle = _cycle()
    if permissions.can_manage_provincial_round(current_user):
        return _render_index(cycle, _round_form(cycle))
    if permissions.is_province_officer(current_user):
        return redirect(url_for(".group", province_id=current_user.province_id))
    seated = queries.seated_province_ids(current_user, cycle=cycle)
    if not seated:
        abort(404)
    return redirect(url_for(".group", province_id=seated[0]))


def _round_form(cycle: Cycle) -> RoundForm:
    """The form filled with the cycle's round (its dates as Tehran days)."""
    current = cycle.provincial_round
    if current is None:
        return RoundForm()
    return RoundForm(data={"enabled": current.enabled,
                           "scoring_close_at": current.scoring_close_at.astimezone(TEHRAN).date(),
                           "selection_close_at": current.selection_close_at.astimezone(TEHRAN).date()})


def _render_index(cycle: Cycle, form: RoundForm):
    return render_template("provincial/index.html", cycle=cycle, form=form,
                           rows=queries.groups_of(db.session, cycle=cycle))


@bp.route("/round", methods=["POST"])
@login_required
def set_round():
    cycle = _cycle()
    if not permissions.can_manage_provincial_round(current_user):
        abort(403)
    form = RoundForm()
    # Scoring closes at the end of its day (23:59 Tehran), as the national deadlines do.
    if form.validate_on_submit() and (response := run_service(
            lambda: services.set_round(
                db.session, cycle=cycle, actor=current_user, enabled=form.enabled.data,
                scoring_close_at=at_same_time_of_day(form.scoring_close_at.data, cycle.screening_close_at),
                selection_close_at=at_same_time_of_day(form.selection_close_at.data, cycle.screening_close_at)),
            form=form, done=_("دور استانی ذخیره شد."), to=url_for(".index"))) is not None:
        return response
    return _render_index(cycle, form)


@bp.route("/<int:province_id>")
@login_required
def group(province_id: int):
    cycle = _cycle()
    province, shown = _province_group(cycle, province_id)
    return _render_group(cycle, province, shown, SeatForm())


def _render_group(cycle: Cycle, province: Province, group: ProvincialGroup, seat_form: SeatForm,
                  forward_form: ForwardForm | None = None, forward_target: int | None = None,
                  revoke_form: RevokeForm | None = None, revoke_target: int | None = None):
    rankings = []
    if group.id is not None and permissions.can_view_provincial_ranking(current_user, group, cycle):
        rankings = [r for r in (provincial_ranking(db.session, group=group, category=c)
                                for c in cycle.categories) if r.nominations and r.result.committees]
    mine = queries.my_sheets(db.session, user=current_user, cycle=cycle, province_id=province.id)
    given = []
    if permissions.can_manage_provincial_signatories(current_user, province.id):
        given = certificates.awards_of(db.session, cycle=cycle, province_id=province.id)
    return render_template("provincial/group.html", cycle=cycle, province=province, group=group, given=given,
                           seat_form=seat_form, button=ButtonForm(), rankings=rankings, mine=mine,
                           forward_form=forward_form or ForwardForm(), forward_target=forward_target,
                           revoke_form=revoke_form or RevokeForm(), revoke_target=revoke_target,
                           states=NominationState,
                           manages=permissions.can_manage_provincial_group(current_user, group))


@bp.route("/<int:province_id>/seats", methods=["POST"])
@login_required
def add_seat(province_id: int):
    cycle = _cycle()
    province, shown = _province_group(cycle, province_id)
    if not permissions.can_manage_provincial_group(current_user, shown):
        abort(404)
    form = SeatForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.add_seat(db.session, cycle=cycle, province=province, actor=current_user,
                                      username=form.username.data, organisation=form.organisation.data,
                                      is_chair=form.is_chair.data),
            form=form, done=_("عضو به کارگروه افزوده شد."), to=url_for(".group", province_id=province.id))
    ) is not None:
        return response
    return _render_group(cycle, province, shown, form)


def _managed_seat(seat_id: int) -> ProvincialSeat:
    seat = db.session.get(ProvincialSeat, seat_id) or abort(404)
    if not permissions.can_manage_provincial_group(current_user, seat.group):
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return seat


@bp.route("/seats/<int:seat_id>/remove", methods=["POST"])
@login_required
def remove_seat(seat_id: int):
    seat = _managed_seat(seat_id)
    to = url_for(".group", province_id=seat.group.province_id)
    return run_service(lambda: services.remove_seat(db.session, seat=seat, actor=current_user),
                       done=_("عضو از کارگروه برداشته شد."), to=to)


@bp.route("/seats/<int:seat_id>/chair", methods=["POST"])
@login_required
def make_chair(seat_id: int):
    seat = _managed_seat(seat_id)
    to = url_for(".group", province_id=seat.group.province_id)
    return run_service(lambda: services.set_chair(db.session, seat=seat, actor=current_user),
                       done=_("رئیس کارگروه تعیین شد."), to=to)


# --- the provincial rubric (organizers) ---------------------------------------------------------------------

@bp.route("/rubric/<int:category_id>", methods=["GET", "POST"])
@login_required
def rubric(category_id: int):
    if not permissions.can_manage_provincial_round(current_user):
        abort(404)
    category = db.session.get(Category, category_id) or abort(404)
    form = CriterionForm()
    if request.method == "POST" and form.validate_on_submit() and (response := run_service(
            lambda: sheets.add_criterion(db.session, category=category, actor=current_user, title=form.title.data,
                                         max_points=form.max_points.data, weight=form.weight.data),
            form=form, done=_("معیار افزوده شد."), to=url_for(".rubric", category_id=category.id))) is not None:
        return response
    return _render_rubric(category, form)


# --- a member's sheet, the chair's forwarding -----------------------------------------------------------------

def _province_nomination(nomination_id: int, predicate) -> Nomination:
    """The dossier, or 404 to anyone the predicate refuses (another province's group above all)."""
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    if not predicate(current_user, nomination):
        abort(404)
    return nomination


@bp.route("/nominations/<int:nomination_id>/sheet", methods=["GET", "POST"])
@login_required
def sheet(nomination_id: int):
    nomination = _province_nomination(nomination_id, permissions.can_score_provincially)
    criteria = sheets.criteria_of(db.session, category_id=nomination.category_id)
    own = sheets.sheet_of(db.session, nomination=nomination, member=current_user)
    here = url_for(".sheet", nomination_id=nomination.id)
    if request.method == "GET":
        form = sheet_form(criteria, scores={s.criterion_id: s.value for s in own.scores} if own else {},
                          comment=own.comment if own else "")
    else:
        form = sheet_form(criteria, formdata=request.form)
        submit = request.form.get("action") == "submit"
        if form.validate_on_submit() and (response := run_service(
                lambda: sheets.save_sheet(db.session, nomination=nomination, actor=current_user,
                                          values={c.id: form[f"c{c.id}"].data for c in criteria},
                                          comment=form.comment.data or "", submit=submit),
                form=form, fields={c.id: f"c{c.id}" for c in criteria}, back=here,
                done=_("برگه ارسال و قفل شد.") if submit else _("پیش‌نویس ذخیره شد."), to=here)) is not None:
            return response
    refusal = sheets.scoring_refusal(db.session, nomination=nomination, actor=current_user)
    return render_template("provincial/sheet.html", nomination=nomination, criteria=criteria, sheet=own, form=form,
                           refusal=refusal.message if refusal else None)


@bp.route("/nominations/<int:nomination_id>/forward", methods=["POST"])
@login_required
def forward(nomination_id: int):
    nomination = _province_nomination(nomination_id, permissions.can_forward_nomination)
    form = ForwardForm()
    if not form.validate_on_submit():
        abort(400)
    response = run_service(
        lambda: forwarding.forward(db.session, nomination=nomination, actor=current_user,
                                   justification=form.justification.data),
        form=form, done=_("پرونده به دور ملی معرفی شد."),
        to=url_for(".group", province_id=nomination.province_id))
    if response is not None:
        return response
    cycle = _cycle()
    province, shown = _province_group(cycle, nomination.province_id)
    return _render_group(cycle, province, shown, SeatForm(), forward_form=form, forward_target=nomination.id)


@bp.route("/nominations/<int:nomination_id>/not-forward", methods=["POST"])
@login_required
def not_forward(nomination_id: int):
    nomination = _province_nomination(nomination_id, permissions.can_forward_nomination)
    if not ButtonForm().validate_on_submit():
        abort(400)
    to = url_for(".group", province_id=nomination.province_id)
    return run_service(lambda: forwarding.not_forward(db.session, nomination=nomination, actor=current_user),
                       done=_("پرونده در استان ماند."), to=to)


@bp.route("/nominations/<int:nomination_id>/award", methods=["POST"])
@login_required
def award(nomination_id: int):
    nomination = _province_nomination(nomination_id, permissions.can_award_provincially)
    if not ButtonForm().validate_on_submit():
        abort(400)
    to = url_for(".group", province_id=nomination.province_id)
    return run_service(lambda: awards.issue(db.session, nomination=nomination, actor=current_user),
                       done=lambda made: _("جایزهٔ استانی با شمارهٔ %(serial)s صادر شد.", serial=ltr(made.serial)), to=to)


# --- editing a provincial rubric not yet frozen (organizers) ---------------------------------------------------

def _rubric_edit_form(category: Category) -> RubricEditForm:
    """The rubric's lines as rows, their order shown from 1."""
    rows = [{"id": str(c.id), "title": c.title, "guidance": c.guidance, "max_points": c.max_points,
             "weight": c.weight, "position": index + 1, "remove": False}
            for index, c in enumerate(sheets.criteria_of(db.session, category_id=category.id))]
    return RubricEditForm(formdata=None, data={"criteria": rows})


def _render_rubric(category: Category, form: CriterionForm, edit_form: RubricEditForm | None = None):
    frozen = sheets.rubric_frozen(db.session, category=category)
    return render_template("provincial/rubric.html", category=category, form=form, frozen=frozen,
                           edit_form=edit_form or _rubric_edit_form(category),
                           criteria=sheets.criteria_of(db.session, category_id=category.id))


@bp.route("/rubric/<int:category_id>/edit", methods=["POST"])
@login_required
def rubric_edit(category_id: int):
    if not permissions.can_manage_provincial_round(current_user):
        abort(404)
    category = db.session.get(Category, category_id) or abort(404)
    form = RubricEditForm()
    here = url_for(".rubric", category_id=category.id)
    if form.validate_on_submit() and (response := run_service(
            lambda: sheets.update_rubric(db.session, category=category, actor=current_user,
                                         rows=[rubric_row_input(row) for row in form.criteria.entries]),
            form=form, back=here, to=here,
            done=lambda changes: _("معیارهای استانی ذخیره شد.") if changes else _("تغییری نبود."))) is not None:
        return response
    return _render_rubric(category, CriterionForm(formdata=None), form)


# --- the chair: members' sheets and their reopening; closing a category's selection at once -------------------

def group_or_404(province_id: int, predicate) -> tuple[Cycle, Province, ProvincialGroup]:
    """The province's working group in the current cycle, or 404 to anyone ``predicate(user, group)`` refuses
    (another province's officer or group member above all) and where no group is seated. The group minutes'
    pages (``awards.meetings.routes``) share it."""
    cycle = _cycle()
    province = db.session.get(Province, province_id) or abort(404)
    group = queries.group_of(db.session, cycle=cycle, province_id=province.id)
    if group is None or not predicate(current_user, group):
        abort(404)
    return cycle, province, group


def _chaired_group(province_id: int) -> tuple[Cycle, Province, ProvincialGroup]:
    """The province's group in the current cycle when the user chairs it; 404 otherwise (another province)."""
    return group_or_404(province_id, permissions.chairs_provincial_group)


@bp.route("/<int:province_id>/sheets")
@login_required
def member_sheets(province_id: int):
    cycle, province, group = _chaired_group(province_id)
    rows = queries.member_sheets(db.session, group=group)
    refusals = {sheet.id: sheets.reopen_refusal(db.session, sheet=sheet, actor=current_user)
                for row in rows for sheet in row.sheets.values()}
    return render_template("provincial/member_sheets.html", cycle=cycle, province=province, group=group, rows=rows,
                           refusals=refusals, reopen_form=ReasonForm(formdata=None))


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@login_required
def reopen_sheet(sheet_id: int):
    sheet = db.session.get(ProvincialSheet, sheet_id) or abort(404)
    _chaired_group(sheet.nomination.province_id)
    if sheet.nomination.cycle_id != _cycle().id:
        abort(404)
    back = url_for(".member_sheets", province_id=sheet.nomination.province_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(form.reason.errors[0] if form.reason.errors else _("دلیل بازگشایی را بنویسید."), "danger")
        return redirect(back)
    return run_service(
        lambda: sheets.reopen_sheet(db.session, sheet=sheet, actor=current_user, reason=form.reason.data),
        done=lambda _sheet: _("برگهٔ %(name)s بازگشایی شد.", name=sheet.member.full_name), to=back)


@bp.route("/<int:province_id>/close/<int:category_id>", methods=["GET", "POST"])
@login_required
def close_selection(province_id: int, category_id: int):
    cycle, province, group = _chaired_group(province_id)
    category = db.session.get(Category, category_id) or abort(404)
    if category.cycle_id != cycle.id:
        abort(404)
    pending = forwarding.awaiting(db.session, group=group, category=category)
    form = CloseSelectionForm() if request.method == "POST" else CloseSelectionForm(
        formdata=None, data={"expected": ",".join(str(n.id) for n in pending)})
    if request.method == "POST" and form.validate_on_submit():
        expected = {int(part) for part in (form.expected.data or "").split(",") if part.strip().isdigit()}
        response = run_service(
            lambda: forwarding.close_selection(db.session, group=group, category=category, actor=current_user,
                                               expected=expected),
            form=form, field="confirm", to=url_for(".group", province_id=province.id),
            done=lambda made: _("انتخاب این رشته بسته شد: %(count)s پرونده در استان ماند.", count=len(made)))
        if response is not None:
            return response
        pending = forwarding.awaiting(db.session, group=group, category=category)
        form.expected.data = ",".join(str(n.id) for n in pending)  # the list as it stands now, to confirm again
    ranking = provincial_ranking(db.session, group=group, category=category)
    return render_template("provincial/close_selection.html", cycle=cycle, province=province, category=category,
                           pending=pending, ranking=ranking, form=form)
# --- the province's certificate signatories, and the provincial certificate --------------------------------

def _signatories_province(province_id: int) -> Province:
    """The province, or 404 to anyone who may not manage its signatories (another province's officer above all)."""
    province = db.session.get(Province, province_id) or abort(404)
    if not permissions.can_manage_provincial_signatories(current_user, province.id):
        abort(404)
    return province


def _signature_upload(form: SignatoryForm, signatory: ProvincialSignatory) -> None:
    upload = form.signature.data
    if upload and upload.filename:
        signatories.save_signature(db.session, signatory=signatory, actor=current_user, data=upload.read(),
                                   upload_dir=current_app.config["UPLOAD_FOLDER"])


@bp.route("/<int:province_id>/signatories", methods=["GET", "POST"])
@login_required
def signatories_page(province_id: int):
    province = _signatories_province(province_id)
    cycle = _cycle()
    rows = signatories.signatories_of(db.session, cycle_id=cycle.id, province_id=province.id)
    forms = {s.id: SignatoryForm(prefix=f"s{s.id}", obj=s) for s in rows}
    new_form = SignatoryForm(prefix="new")
    posted = request.form.get("signatory_id", type=int)
    here = url_for(".signatories_page", province_id=province.id)
    response = None
    if request.method == "POST" and posted in forms and forms[posted].validate_on_submit():
        signatory, form = next(s for s in rows if s.id == posted), forms[posted]

        def update() -> None:
            signatories.update(db.session, signatory=signatory, actor=current_user, name=form.name.data,
                               title=form.title.data)
            _signature_upload(form, signatory)

        response = run_service(update, form=form, field="name", done=_("امضاکننده ذخیره شد."), to=here)
    elif request.method == "POST" and request.form.get("signatory_id") == "new" and new_form.validate_on_submit():

        def add() -> ProvincialSignatory:
            signatory = signatories.add(db.session, cycle=cycle, province=province, actor=current_user,
                                        name=new_form.name.data, title=new_form.title.data)
            _signature_upload(new_form, signatory)
            return signatory

        response = run_service(add, form=new_form, field="name",
                               done=lambda made: _("امضاکنندهٔ «%(name)s» افزوده شد.", name=made.name), to=here)
    if response is not None:
        return response
    return render_template("provincial/signatories.html", cycle=cycle, province=province, signatories=rows,
                           forms=forms, new_form=new_form, move_form=MoveSignatoryForm())


def _managed_signatory(signatory_id: int) -> ProvincialSignatory:
    signatory = db.session.get(ProvincialSignatory, signatory_id) or abort(404)
    if not permissions.can_manage_provincial_signatories(current_user, signatory.province_id):
        abort(404)
    return signatory


@bp.route("/signatories/<int:signatory_id>/remove", methods=["GET", "POST"])
@login_required
def remove_signatory(signatory_id: int):
    signatory = _managed_signatory(signatory_id)
    name, back = signatory.name, url_for(".signatories_page", province_id=signatory.province_id)
    form = RemoveSignatoryForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: signatories.remove(db.session, signatory=signatory, actor=current_user,
                                       upload_dir=current_app.config["UPLOAD_FOLDER"], confirm=form.confirm.data),
            form=form, field="confirm", done=_("امضاکنندهٔ «%(name)s» برداشته شد.", name=name), to=back)
    ) is not None:
        return response
    trail = [(_("کارگروه استانی %(province)s", province=signatory.province.name_fa),
              url_for(".group", province_id=signatory.province_id)), (_("امضاکنندگان لوح استانی"), back)]
    return render_template("certificates/signatory_remove.html", signatory=signatory, form=form, back=back,
                           trail=trail)


@bp.route("/signatories/<int:signatory_id>/move", methods=["POST"])
@login_required
def move_signatory(signatory_id: int):
    signatory = _managed_signatory(signatory_id)
    form = MoveSignatoryForm()
    if not form.validate_on_submit():
        abort(400)
    return run_service(
        lambda: signatories.move(db.session, signatory=signatory, actor=current_user, direction=form.direction.data),
        done=_("ترتیب امضاکنندگان ذخیره شد."), to=url_for(".signatories_page", province_id=signatory.province_id))


@bp.route("/awards/<int:award_id>.pdf")
@login_required
def award_pdf(award_id: int):
    """The provincial certificate, as an attachment; a refusal (no signatories, revoked) goes back to the
    province's page with its message."""
    award = db.session.get(ProvincialAward, award_id) or abort(404)
    if not permissions.can_print_provincial_certificate(current_user, award):
        abort(404)
    # Kept explicit, not run_service: a read that streams a PDF; nothing to commit or roll back.
    try:
        data = certificates.certificate_data(db.session, award=award, verify_base_url=verify_base_url(),
                                             upload_dir=current_app.config["UPLOAD_FOLDER"])
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".group", province_id=award.province_id))
    response = send_file(io.BytesIO(printing.render_one(data)), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{award.serial}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/awards/<int:award_id>/revoke", methods=["POST"])
@login_required
def revoke_award(award_id: int):
    award = db.session.get(ProvincialAward, award_id) or abort(404)
    if not permissions.can_revoke_provincial_award(current_user, award):
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: awards.revoke(db.session, award=award, actor=current_user, reason=form.reason.data),
            form=form, field="reason",
            done=_("جایزهٔ استانی %(serial)s لغو شد؛ صفحهٔ اعتبارسنجی آن اکنون «لغوشده» نشان می‌دهد.",
                   serial=ltr(award.serial)),
            to=url_for(".group", province_id=award.province_id))) is not None:
        return response
    cycle = _cycle()
    province, shown = _province_group(cycle, award.province_id)
    return _render_group(cycle, province, shown, SeatForm(), revoke_form=form, revoke_target=award.id)
