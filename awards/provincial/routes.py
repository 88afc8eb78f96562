"""The provincial round's pages: the organizer's switch and every group; each province's working group.

Isolation: a province's page answers 404 to anyone who may not see it (another province's officer, a member of
another province's group), as the dossier pages do, so nothing tells whether it has a group at all.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import permissions
from awards.cycles.forms import at_same_time_of_day
from awards.cycles.queries import current_cycle
from awards.extensions import db
from awards.models import Cycle, Province, ProvincialGroup, ProvincialSeat
from awards.persian import TEHRAN
from awards.provincial import queries, services
from awards.provincial.forms import ButtonForm, RoundForm, SeatForm
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


def _render_group(cycle: Cycle, province: Province, group: ProvincialGroup, seat_form: SeatForm):
    return render_template("provincial/group.html", cycle=cycle, province=province, group=group,
                           seat_form=seat_form, button=ButtonForm(),
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
