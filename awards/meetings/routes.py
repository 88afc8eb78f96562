"""Minutes of committees and of provincial working groups: the lists, recording and editing (the chair),
decisions, signing (the attendees), the PDF.

A working group's minutes answer 404 to anyone who may not see the group (another province's officer or group
member), as the provincial pages do; a committee's answer 403 as before."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, i18n, permissions
from awards.cycles.queries import current_cycle
from awards.enums import CommitteeCode, DecisionKind, MeetingAction, MeetingState
from awards.extensions import db
from awards.labels import LABELS
from awards.meetings import queries, render, services
from awards.meetings.forms import ButtonForm, DecisionForm, MeetingForm, ReopenForm, SignForm
from awards.models import Category, Committee, Cycle, Meeting, ProvincialGroup
from awards.persian import TEHRAN
from awards.provincial.routes import group_or_404
from awards.results.queries import categories_of
from awards.web import run_service

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _committee(code: str, cycle: Cycle, predicate) -> Committee:
    committee = queries.committee_by_code(db.session, code) or abort(404)
    if not predicate(current_user, cycle, committee.code):
        abort(403)
    return committee


def _meeting(meeting_id: int, predicate=None) -> Meeting:
    """The meeting or 404; 403 unless the user may see it (and, with ``predicate``, do what it asks)."""
    meeting = queries.load_meeting(db.session, meeting_id) or abort(404)
    refused = 404 if services.is_group(meeting) else 403
    if not permissions.can_view_meeting(current_user, meeting):
        abort(refused)
    if predicate is not None and not predicate(meeting):
        abort(refused)
    return meeting


def _chair(meeting: Meeting) -> bool:
    return permissions.can_record_meeting(current_user, meeting)


def _list_url(meeting: Meeting) -> str:
    """The list the meeting belongs to: its working group's meetings, or the committees' minutes."""
    if services.is_group(meeting):
        return url_for(".group_index", province_id=meeting.provincial_group.province_id)
    return url_for(".index")


def _body_title(meeting: Meeting) -> str:
    """The body that met, on the pages: «کمیتهٔ برگزیدگان», «کارگروه استانی فارس»."""
    if services.is_group(meeting):
        return _("کارگروه استانی %(province)s", province=meeting.provincial_group.province.name_fa)
    return _("کمیتهٔ %(name)s", name=LABELS[meeting.committee.code])


def public_url(meeting: Meeting) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + url_for("minutes.show", token=meeting.token)


@bp.route("/")
@login_required
def index():
    cycle = current_cycle(db.session) or abort(404)
    committees = [c for c in queries.committees(db.session)
                  if permissions.can_view_minutes(current_user, cycle, c.code)]
    if not committees:
        abort(403)
    return render_template("meetings/index.html", cycle=cycle, committees=committees,
                           rows=queries.meetings_of(db.session, cycle=cycle, committee_ids=[c.id for c in committees]))


def _rials(value: str) -> int:
    """A whole amount in rials from a query string: ASCII digits below :data:`services.MAX_AMOUNT`.

    Not ``type=int``: that one is bounded to the 32-bit id range (``awards/params.py``), and a budget total is
    rarely below 2^31 rials."""
    if not (value.isascii() and value.isdecimal()) or int(value) >= services.MAX_AMOUNT:
        raise ValueError(f"not an amount in rials: {value[:24]!r}")
    return int(value)


def _budget_amount(committee: Committee | None) -> int | None:
    """The budget total a finance meeting is to approve, from the budget page's link (``?amount=``), or None."""
    amount = request.args.get("amount", type=_rials)
    if committee is None or committee.code is not CommitteeCode.FINANCE or amount is None:
        return None
    return amount


def _attendee_choices(form: MeetingForm, cycle: Cycle, committee: Committee | None = None,
                      group: ProvincialGroup | None = None) -> int:
    seats = services.seats(db.session, cycle=cycle, committee=committee, group=group)
    form.attendees.choices = [(m.user_id, m.user.full_name + (" — " + _("رئیس") if m.is_chair else ""))
                              for m in seats]
    return len(seats)


@bp.route("/new/<committee_code>", methods=["GET", "POST"])
@login_required
def new(committee_code: str):
    cycle = current_cycle(db.session) or abort(404)
    committee = _committee(committee_code, cycle, permissions.can_record_minutes)
    form = MeetingForm()
    seated = _attendee_choices(form, cycle, committee)
    category = request.args.get("category", type=int)
    amount = _budget_amount(committee)
    if request.method == "GET":
        form.held_on.data = clock.now().astimezone(TEHRAN).date()
        form.attendees.data = [user_id for user_id, _label in form.attendees.choices]
        if category is not None and (chosen := db.session.get(Category, category)) is not None:
            form.agenda.data = _("بررسی و تصویب رتبه‌بندی رشتهٔ «%(title)s» برای پیشنهاد به دبیرخانه",
                                 title=chosen.title)
        if amount is not None:
            form.agenda.data = _("بررسی و تصویب بودجهٔ جایزه‌ها به مبلغ %(amount)s ریال",
                                 amount=i18n.number(amount))
    if form.validate_on_submit() and (response := run_service(
            lambda: services.record_meeting(
                db.session, cycle=cycle, committee=committee, actor=current_user, held_on=form.held_on.data,
                place=form.place.data, agenda=form.agenda.data, attendee_ids=form.attendees.data or []),
            form=form, field="attendees", done=_("صورتجلسه ثبت شد؛ اکنون مصوبه‌ها را بیفزایید."),
            to=lambda meeting: url_for(".show", meeting_id=meeting.id, category=category,
                                       amount=amount))) is not None:
        return response
    return render_template("meetings/form.html", form=form, cycle=cycle, meeting=None, seated=seated,
                           body_title=_("کمیتهٔ %(name)s", name=LABELS[committee.code]), back=url_for(".index"),
                           list_url=url_for(".index"), group=False,
                           needed=services.quorum_needed(seated))


# --- a province's working group: its meetings and recording one (the group's chair) ------------------------------

@bp.route("/province/<int:province_id>")
@login_required
def group_index(province_id: int):
    cycle, province, group = group_or_404(province_id, permissions.can_view_provincial_group)
    return render_template("meetings/group_index.html", cycle=cycle, province=province, group=group,
                           rows=queries.meetings_of_group(db.session, group=group))


@bp.route("/province/<int:province_id>/new", methods=["GET", "POST"])
@login_required
def group_new(province_id: int):
    cycle, province, group = group_or_404(province_id, permissions.chairs_provincial_group)
    form = MeetingForm()
    seated = _attendee_choices(form, cycle, group=group)
    if request.method == "GET":
        form.held_on.data = clock.now().astimezone(TEHRAN).date()
        form.attendees.data = [user_id for user_id, _label in form.attendees.choices]
    if form.validate_on_submit() and (response := run_service(
            lambda: services.record_meeting(
                db.session, cycle=cycle, group=group, actor=current_user, held_on=form.held_on.data,
                place=form.place.data, agenda=form.agenda.data, attendee_ids=form.attendees.data or []),
            form=form, field="attendees", done=_("صورتجلسه ثبت شد؛ اکنون مصوبه‌ها را بیفزایید."),
            to=lambda meeting: url_for(".show", meeting_id=meeting.id))) is not None:
        return response
    return render_template("meetings/form.html", form=form, cycle=cycle, meeting=None, seated=seated,
                           body_title=_("کارگروه استانی %(province)s", province=province.name_fa),
                           back=url_for(".group_index", province_id=province.id),
                           list_url=url_for(".group_index", province_id=province.id), group=True,
                           needed=services.quorum_needed(seated))


@bp.route("/<int:meeting_id>")
@login_required
def show(meeting_id: int):
    return _render(_meeting(meeting_id))


def _render(meeting: Meeting, *, decision_form: DecisionForm | None = None, reopen_form: ReopenForm | None = None):
    chair = _chair(meeting)
    if decision_form is None:
        decision_form = DecisionForm(formdata=None)
        chosen = request.args.get("category", type=int)
        if chosen is not None and services.is_group(meeting):
            decision_form.kind.data = DecisionKind.PROVINCIAL_RANKING.value
            decision_form.category_id.data = str(chosen)
        elif chosen is not None and meeting.committee.code.value == "winners":
            decision_form.kind.data, decision_form.category_id.data = DecisionKind.CATEGORY_RANKING.value, str(chosen)
        if (amount := _budget_amount(meeting.committee)) is not None:
            decision_form.kind.data, decision_form.amount.data = DecisionKind.BUDGET.value, i18n.number(amount)
            decision_form.text.data = _("بودجهٔ جایزه‌ها به شرح ردیف‌های فرستاده‌شدهٔ دبیرخانه تصویب شد.")
    _decision_choices(decision_form, meeting)
    signer = next((a for a in meeting.attendees if a.user_id == current_user.id), None)
    return render_template(
        "meetings/show.html", meeting=meeting, chair=chair, signer=signer, body_title=_body_title(meeting),
        group=services.is_group(meeting), list_url=_list_url(meeting),
        editable=meeting.state is MeetingState.RECORDING,
        decisions=[(d, render.decision_view(n, d)) for n, d in enumerate(meeting.decisions, start=1)],
        decision_form=decision_form, sign_form=SignForm(formdata=None, digest=services.content_digest(meeting)),
        reopen_form=reopen_form or ReopenForm(formdata=None), button_form=ButtonForm(),
        signed=services.signed_count(meeting), public_url=public_url(meeting))


def _decision_choices(form: DecisionForm, meeting: Meeting) -> None:
    form.kind.choices = [(k.value, str(LABELS[k])) for k in services.decision_kinds(meeting)]
    form.category_id.choices = [("", _("— بدون رشته —"))] + [
        (str(c.id), c.title) for c in categories_of(db.session, meeting.cycle)]


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = _meeting(meeting_id, _chair)
    form = MeetingForm(obj=None if request.method == "POST" else meeting)
    if request.method == "GET":
        form.attendees.data = [a.user_id for a in meeting.attendees]
    seated = _attendee_choices(form, meeting.cycle, meeting.committee, meeting.provincial_group)
    if form.validate_on_submit() and (response := run_service(
            lambda: services.update_meeting(
                db.session, meeting=meeting, actor=current_user, held_on=form.held_on.data, place=form.place.data,
                agenda=form.agenda.data, attendee_ids=form.attendees.data or []),
            form=form, field="attendees", done=_("صورتجلسه ویرایش شد."),
            to=url_for(".show", meeting_id=meeting.id))) is not None:
        return response
    return render_template("meetings/form.html", form=form, cycle=meeting.cycle, meeting=meeting, seated=seated,
                           body_title=_body_title(meeting), back=url_for(".show", meeting_id=meeting.id),
                           list_url=_list_url(meeting), group=services.is_group(meeting),
                           needed=services.quorum_needed(seated))


@bp.route("/<int:meeting_id>/decisions", methods=["POST"])
@login_required
def add_decision(meeting_id: int):
    meeting = _meeting(meeting_id, _chair)
    form = DecisionForm()
    _decision_choices(form, meeting)
    if form.validate_on_submit():
        category = db.session.get(Category, int(form.category_id.data)) if form.category_id.data else None
        response = run_service(
            lambda: services.add_decision(db.session, meeting=meeting, actor=current_user,
                                          kind=DecisionKind(form.kind.data), text=form.text.data,
                                          category=category, amount=form.amount.data),
            form=form, field="text", done=_("مصوبه افزوده شد."),
            to=url_for(".show", meeting_id=meeting.id, _anchor="decisions"))
        if response is not None:
            return response
    return _render(_meeting(meeting_id), decision_form=form)


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/remove", methods=["POST"])
@login_required
def remove_decision(meeting_id: int, decision_id: int):
    meeting = _meeting(meeting_id, _chair)
    decision = next((d for d in meeting.decisions if d.id == decision_id), None) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return run_service(lambda: services.remove_decision(db.session, decision=decision, actor=current_user),
                       done=_("مصوبه برداشته شد."), to=url_for(".show", meeting_id=meeting.id, _anchor="decisions"))


@bp.route("/<int:meeting_id>/sign", methods=["POST"])
@login_required
def sign(meeting_id: int):
    meeting = _meeting(meeting_id, lambda m: permissions.can_sign_minutes(current_user, m))
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)

    def done(signed: Meeting) -> str:
        if signed.state is MeetingState.SEALED:
            return _("صورتجلسه را تأیید کردید؛ همهٔ حاضران امضا کرده‌اند و صورتجلسه مهر و موم شد.")
        return _("صورتجلسه را تأیید کردید.")

    return run_service(lambda: services.transition(db.session, meeting=meeting, action=MeetingAction.SIGN,
                                                   actor=current_user, seen_digest=form.digest.data or None),
                       done=done, to=url_for(".show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/reopen", methods=["POST"])
@login_required
def reopen(meeting_id: int):
    meeting = _meeting(meeting_id, _chair)
    form = ReopenForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.transition(db.session, meeting=meeting, action=MeetingAction.REOPEN, actor=current_user,
                                        reason=form.reason.data),
            form=form, field="reason", done=_("صورتجلسه به نگارش بازگشت و امضاها پاک شد."),
            to=url_for(".show", meeting_id=meeting.id))) is not None:
        return response
    return _render(_meeting(meeting_id), reopen_form=form)


@bp.route("/<int:meeting_id>/minutes.pdf")
@login_required
def pdf(meeting_id: int):
    meeting = _meeting(meeting_id)
    body = render.render_pdf(render.minutes_html(meeting, public_url=public_url(meeting)),
                             static_dir=Path(current_app.static_folder))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=minutes-{meeting.number}.pdf",
        "Cache-Control": "no-store",
    })
