"""Organizer: «مدیریت»: create or copy a cycle, archive it, its categories and its committee seats.

Every route checks ``permissions.can_administer`` (403) before anything else, loads its object or 404s and runs
one service through ``awards.web.run_service`` (commit once, flash, redirect; a refusal is shown beside its field
or flashed).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, permissions
from awards.admin import queries, services
from awards.admin.forms import (
    CategoryForm,
    ConfirmForm,
    CopyCycleForm,
    CycleForm,
    EmptyForm,
    MemberForm,
    OrganisationForm,
)
from awards.cycles.queries import current_cycle
from awards.enums import CommitteeCode
from awards.extensions import db
from awards.models import Category, Committee, Cycle, Membership, User
from awards.web import run_service

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _organizers_only():
    """Every page of the area (GET and POST) is for organizers; the others get 403 before any work."""
    if not permissions.can_administer(current_user):
        abort(403)


def _get(model, object_id: int):
    return db.session.get(model, object_id) or abort(404)


def _committee(code: str) -> Committee:
    try:
        committee_code = CommitteeCode(code)
    except ValueError:
        abort(404)
    return db.session.query(Committee).filter_by(code=committee_code).one_or_none() or abort(404)


# --- cycles ----------------------------------------------------------------------------------------------------


@bp.route("/")
def index():
    return render_template("admin/index.html", rows=queries.cycles_overview(db.session), now=clock.now())


@bp.route("/cycles/new", methods=["GET", "POST"])
def new_cycle():
    form = CycleForm()
    if form.validate_on_submit():
        if (response := run_service(
                lambda: services.create_cycle(db.session, actor=current_user, year=form.year.data,
                                              title=form.title.data, timeline=form.timeline(),
                                              conflict_same_province=form.conflict_same_province.data),
                form=form, done=lambda cycle: _("دورهٔ «%(title)s» ساخته شد.", title=cycle.title),
                to=lambda cycle: url_for("admin.cycle", cycle_id=cycle.id))) is not None:
            return response
    elif form.is_submitted():
        # Show every problem at once: the rules on the fields that did parse, beside each of them.
        for name, message in services.cycle_errors(db.session, year=form.year.data, title=form.title.data,
                                                   timeline=form.timeline()).items():
            if not form[name].errors and form[name].data not in (None, ""):
                form[name].errors = [*form[name].errors, message]
    return render_template("admin/cycle_form.html", form=form)


@bp.route("/cycles/copy", methods=["GET", "POST"])
def copy_cycle():
    cycles = [row.cycle for row in queries.cycles_overview(db.session)]
    if not cycles:
        flash(_("هنوز دوره‌ای برای رونوشت نیست؛ نخست یک دوره بسازید."), "info")
        return redirect(url_for("admin.new_cycle"))
    source_id = request.args.get("source", type=int)
    source = next((c for c in cycles if c.id == source_id), cycles[0])
    form = CopyCycleForm(source=source.id, year=source.year + 1)
    form.offer(cycles)
    if form.validate_on_submit():
        source = _get(Cycle, form.source.data)
        if (response := run_service(
                lambda: services.copy_cycle(db.session, actor=current_user, source=source, year=form.year.data,
                                            title=form.title.data, upload_dir=current_app.config["UPLOAD_FOLDER"]),
                form=form,
                done=lambda cycle: _("دورهٔ «%(title)s» از روی «%(source)s» ساخته شد.", title=cycle.title,
                                     source=source.title),
                to=lambda cycle: url_for("admin.cycle", cycle_id=cycle.id))) is not None:
            return response
    return render_template("admin/copy.html", form=form, cycles=cycles)


@bp.route("/cycles/<int:cycle_id>")
def cycle(cycle_id: int):
    cycle = _get(Cycle, cycle_id)
    current = current_cycle(db.session)
    return render_template("admin/cycle.html", cycle=cycle, now=clock.now(), committees=queries.committees(db.session),
                           is_current=current is not None and current.id == cycle.id,
                           seats=queries.seats(db.session, cycle=cycle),
                           counts=queries.nomination_counts(db.session, cycle=cycle),
                           archive_refusal=services.archive_refusal(db.session, cycle=cycle), form=EmptyForm())


@bp.route("/cycles/<int:cycle_id>/archive", methods=["GET", "POST"])
def archive(cycle_id: int):
    cycle = _get(Cycle, cycle_id)
    form = ConfirmForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.archive_cycle(db.session, actor=current_user, cycle=cycle, confirm=form.confirm.data),
            form=form, done=lambda _none: _("دورهٔ «%(title)s» بایگانی شد و فقط خواندنی است.", title=cycle.title),
            to=url_for("admin.cycle", cycle_id=cycle.id))) is not None:
        return response
    return render_template("admin/confirm.html", form=form, cycle=cycle, action="archive",
                           refusal=services.archive_refusal(db.session, cycle=cycle),
                           back=url_for("admin.cycle", cycle_id=cycle.id))


# --- categories ------------------------------------------------------------------------------------------------


@bp.route("/cycles/<int:cycle_id>/categories/new", methods=["GET", "POST"])
def new_category(cycle_id: int):
    cycle = _get(Cycle, cycle_id)
    form = CategoryForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.create_category(db.session, actor=current_user, cycle=cycle, values=form.values()),
            form=form,
            done=lambda category: _("رشتهٔ «%(title)s» ساخته شد. معیارهای ارزیابی آن را در صفحهٔ «معیارهای ارزیابی» "
                                    "تنظیم کنید.", title=category.title),
            to=url_for("admin.cycle", cycle_id=cycle.id))) is not None:
        return response
    return render_template("admin/category_form.html", form=form, cycle=cycle, category=None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = _get(Category, category_id)
    form = CategoryForm(obj=category, data={"nominee_kind": category.nominee_kind.value})
    if form.validate_on_submit() and (response := run_service(
            lambda: services.update_category(db.session, actor=current_user, category=category,
                                             values=form.values()),
            form=form, done=lambda changes: _("رشته به‌روز شد.") if changes else _("تغییری نبود."),
            to=lambda _changes: url_for("admin.cycle", cycle_id=category.cycle_id))) is not None:
        return response
    return render_template("admin/category_form.html", form=form, cycle=category.cycle, category=category)


@bp.route("/categories/<int:category_id>/retire", methods=["GET", "POST"])
def retire_category(category_id: int):
    category = _get(Category, category_id)
    form = ConfirmForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.retire_category(db.session, actor=current_user, category=category,
                                             confirm=form.confirm.data),
            form=form, done=lambda _none: _("رشتهٔ «%(title)s» بازنشسته شد.", title=category.title),
            to=url_for("admin.cycle", cycle_id=category.cycle_id))) is not None:
        return response
    return render_template("admin/confirm.html", form=form, cycle=category.cycle, category=category,
                           action="retire", refusal=None, back=url_for("admin.cycle", cycle_id=category.cycle_id))


@bp.route("/categories/<int:category_id>/restore", methods=["POST"])
def restore_category(category_id: int):
    category = _get(Category, category_id)
    back = url_for("admin.cycle", cycle_id=category.cycle_id)
    if not EmptyForm().validate_on_submit():
        return redirect(back)
    return run_service(lambda: services.restore_category(db.session, actor=current_user, category=category),
                       done=lambda _none: _("رشتهٔ «%(title)s» دوباره پذیرای پرونده است.", title=category.title),
                       to=back)


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
def delete_category(category_id: int):
    category = _get(Category, category_id)
    cycle_id = category.cycle_id
    form = ConfirmForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.delete_category(db.session, actor=current_user, category=category,
                                             confirm=form.confirm.data),
            form=form, done=_("رشته حذف شد."), to=url_for("admin.cycle", cycle_id=cycle_id))) is not None:
        return response
    return render_template("admin/confirm.html", form=form, cycle=category.cycle, category=category,
                           action="delete", refusal=services.delete_refusal(db.session, category=category),
                           back=url_for("admin.cycle", cycle_id=cycle_id))


# --- committee seats -------------------------------------------------------------------------------------------


def _render_committee(cycle: Cycle, committee: Committee, form: MemberForm):
    form.offer(queries.candidates(db.session, cycle=cycle, committee=committee))
    members = queries.seats(db.session, cycle=cycle).get(committee.id, [])
    return render_template("admin/committee.html", cycle=cycle, committee=committee, form=form, members=members,
                           button=EmptyForm(),
                           org_forms={m.id: OrganisationForm(prefix=f"m{m.id}", organisation=m.user.organisation)
                                      for m in members})


@bp.route("/cycles/<int:cycle_id>/committees/<code>", methods=["GET", "POST"])
def committee(cycle_id: int, code: str):
    cycle, committee = _get(Cycle, cycle_id), _committee(code)
    form = MemberForm()
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data) if form.user_id.data else None
        if (response := run_service(
                lambda: services.add_member(db.session, actor=current_user, cycle=cycle, committee=committee,
                                            user=user, is_chair=form.is_chair.data),
                form=form, done=lambda membership: _("«%(name)s» به کمیته افزوده شد.", name=membership.user.full_name),
                to=url_for("admin.committee", cycle_id=cycle.id, code=committee.code.value))) is not None:
            return response
    return _render_committee(cycle, committee, form)


def _membership(membership_id: int) -> Membership:
    return _get(Membership, membership_id)


def _committee_url(membership: Membership) -> str:
    return url_for("admin.committee", cycle_id=membership.cycle_id, code=membership.committee.code.value)


@bp.route("/memberships/<int:membership_id>/remove", methods=["GET", "POST"])
def remove_member(membership_id: int):
    membership = _membership(membership_id)
    cycle_id, code, name = membership.cycle_id, membership.committee.code.value, membership.user.full_name
    form = ConfirmForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.remove_member(db.session, actor=current_user, membership=membership,
                                           confirm=form.confirm.data),
            form=form, done=_("«%(name)s» از کمیته برداشته شد.", name=name),
            to=url_for("admin.committee", cycle_id=cycle_id, code=code))) is not None:
        return response
    return render_template("admin/confirm.html", form=form, cycle=membership.cycle, membership=membership,
                           action="remove", refusal=services.removal_refusal(db.session, membership=membership),
                           back=url_for("admin.committee", cycle_id=cycle_id, code=code))


@bp.route("/memberships/<int:membership_id>/chair", methods=["POST"])
def set_chair(membership_id: int):
    membership = _membership(membership_id)
    if not EmptyForm().validate_on_submit():
        return redirect(_committee_url(membership))
    return run_service(lambda: services.set_chair(db.session, actor=current_user, membership=membership),
                       done=lambda _none: _("«%(name)s» رئیس کمیته شد.", name=membership.user.full_name),
                       to=_committee_url(membership))


@bp.route("/memberships/<int:membership_id>/organisation", methods=["POST"])
def set_organisation(membership_id: int):
    membership = _membership(membership_id)
    form = OrganisationForm(prefix=f"m{membership.id}")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash("؛ ".join(str(e) for e in errors), "danger")
        return redirect(_committee_url(membership))
    return run_service(
        lambda: services.set_organisation(db.session, actor=current_user, cycle=membership.cycle,
                                          user=membership.user, organisation=form.organisation.data),
        done=lambda changed: (_("سازمان «%(name)s» ثبت شد.", name=membership.user.full_name), "success")
        if changed else (_("تغییری نبود."), "info"),
        to=_committee_url(membership))
