"""Province workspace: nomination list, dossier form, evidence, submit and withdraw.

Another province's nomination or document is a 404 on every route (reading and writing alike), so ids
cannot be probed; a user who may see a nomination but not act on it gets a 403.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, permissions
from awards.cycles.queries import current_cycle
from awards.enums import NominationAction
from awards.evaluation import figures
from awards.evaluation.conflicts import active_conflict
from awards.extensions import db
from awards.models import Category, Nomination
from awards.nominations import documents, queries, services
from awards.nominations.forms import FilterForm, UploadForm, WithdrawForm, dossier_form
from awards.web import run_service

bp = Blueprint("nominations", __name__, url_prefix="/nominations")


def _actor():
    return current_user._get_current_object()


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]).resolve()


def _visible_nomination(nomination_id: int) -> Nomination:
    """Load a nomination the user may see, or 404: another province's dossier is never revealed."""
    nomination = queries.load_nomination(db.session, nomination_id)
    if nomination is None or not permissions.can_view_nomination(current_user, nomination):
        abort(404)
    return nomination


def _owned_nomination(nomination_id: int) -> Nomination:
    """Load a nomination of the user's own province, or 404 (not visible) / 403 (visible, not theirs)."""
    nomination = _visible_nomination(nomination_id)
    if not permissions.owns_nomination(current_user, nomination):
        abort(403)
    return nomination


def _page(nomination: Nomination, anchor: str = "") -> str:
    return url_for(".view", nomination_id=nomination.id) + anchor


@bp.route("/")
@login_required
def index():
    if not permissions.can_list_nominations(current_user):
        abort(403)
    form = FilterForm(formdata=request.args)
    form.offer(*queries.filter_options(db.session, user=current_user))
    page = queries.list_nominations(db.session, user=current_user, filters=form.filters(),
                                    page=request.args.get("page", 1, type=int),
                                    page_size=current_app.config["PAGE_SIZE"])
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("nominations/index.html", form=form, page=page, args=args,
                           all_provinces=permissions.can_view_all_provinces(current_user))


def _choose_category(cycle):
    usage = queries.quota_usage(db.session, province_id=current_user.province_id, cycle_id=cycle.id) if cycle else {}
    phase = cycle.phase_at(clock.now()) if cycle else None
    return render_template("nominations/choose_category.html", cycle=cycle, usage=usage, phase=phase,
                           categories=queries.offered_categories(cycle))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not permissions.can_create_nomination(current_user):
        abort(403)
    cycle = current_cycle(db.session)
    if "category" not in request.args:
        return _choose_category(cycle)
    category = db.session.get(Category, request.args.get("category", 0, type=int))
    if category is None or cycle is None or category not in queries.offered_categories(cycle):
        abort(404)
    form = dossier_form(category.nominee_kind, indicators=figures.cycle_indicators(db.session, cycle_id=cycle.id))

    def create():
        nomination = services.create_draft(db.session, actor=_actor(), category=category, values=form.values())
        if form.indicators:
            figures.declare_figures(db.session, actor=_actor(), nomination=nomination, figures=form.figures())
        return nomination

    if form.validate_on_submit() and (response := run_service(
            create,
            form=form,
            done=lambda nomination: _("پیش‌نویس «%(name)s» ذخیره شد. مدارک را پیوست کنید و پرونده را بفرستید.",
                                      name=nomination.nominee_name),
            to=_page)) is not None:
        return response
    return render_template("nominations/form.html", form=form, category=category, nomination=None,
                           required=services.REQUIRED_FOR_SUBMIT[category.nominee_kind])


def _render_view(nomination: Nomination, *, upload_form=None, withdraw_form=None):
    """The nomination page; forms with errors are passed back in so they show beside their fields."""
    missing = services.missing_fields(nomination) if permissions.can_submit_nomination(current_user, nomination) \
        else {}
    return render_template(
        "nominations/view.html", nomination=nomination, missing=missing,
        phase=nomination.cycle.phase_at(clock.now()),
        history=queries.screening_history(db.session, nomination),
        compliance=queries.compliance_decision(db.session, nomination),
        duplicates=queries.duplicate_nominees(db.session, nominations=[nomination]).get(nomination.id, []),
        upload_form=upload_form or UploadForm(formdata=None),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        indicators=figures.cycle_indicators(db.session, cycle_id=nomination.cycle_id),
        figures=figures.figures_of(db.session, nomination_id=nomination.id),
    )


@bp.route("/<int:nomination_id>")
@login_required
def view(nomination_id: int):
    return _render_view(_visible_nomination(nomination_id))


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(nomination_id: int):
    nomination = _owned_nomination(nomination_id)
    if not permissions.can_edit_nomination(current_user, nomination):
        flash(_("فقط پیش‌نویس قابل ویرایش است."), "warning")
        return redirect(_page(nomination))
    form = dossier_form(nomination.category.nominee_kind, edit=True, obj=nomination,
                        indicators=figures.cycle_indicators(db.session, cycle_id=nomination.cycle_id),
                        figures=figures.figures_of(db.session, nomination_id=nomination.id))
    form.category_id.choices = [(c.id, c.title) for c in queries.categories_like(db.session, nomination.category)]

    def update():
        changes = services.update_draft(db.session, actor=_actor(), nomination=nomination, values=form.values(),
                                        category=db.session.get(Category, form.category_id.data))
        if form.indicators:
            figures.declare_figures(db.session, actor=_actor(), nomination=nomination, figures=form.figures())
        return changes

    if form.validate_on_submit() and (response := run_service(
            update,
            form=form, done=_("تغییرات پیش‌نویس ذخیره شد."), to=_page(nomination))) is not None:
        return response
    return render_template("nominations/form.html", form=form, category=nomination.category, nomination=nomination,
                           required=services.REQUIRED_FOR_SUBMIT[nomination.category.nominee_kind])


def _transition(nomination: Nomination, action: NominationAction, done: str, reason: str | None = None):
    """Run one transition; a refusal (incomplete, closed phase, quota full, wrong state) becomes a flash."""
    return run_service(lambda: services.transition(db.session, nomination=nomination, action=action, actor=_actor(),
                                                   reason=reason),
                       done=done, to=_page(nomination))


@bp.route("/<int:nomination_id>/submit", methods=["POST"])
@login_required
def submit(nomination_id: int):
    nomination = _owned_nomination(nomination_id)
    return _transition(nomination, NominationAction.SUBMIT,
                       _("پرونده ارسال شد و در نوبت غربالگری کمیتهٔ امور استان‌ها است."))


@bp.route("/<int:nomination_id>/withdraw", methods=["POST"])
@login_required
def withdraw(nomination_id: int):
    nomination = _owned_nomination(nomination_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_view(nomination, withdraw_form=form)
    return _transition(nomination, NominationAction.WITHDRAW, _("انصراف از این نامزد ثبت شد."),
                       reason=form.reason.data)


@bp.route("/<int:nomination_id>/documents", methods=["POST"])
@login_required
def upload(nomination_id: int):
    nomination = _owned_nomination(nomination_id)
    form = UploadForm()
    if form.validate_on_submit():
        max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
        # A refusal about the file goes beside it; any other (wrong state) is flashed: the form is not even offered.
        if (response := run_service(
                lambda: documents.add_document(
                    db.session, actor=_actor(), nomination=nomination, filename=form.file.data.filename or "",
                    data=form.file.data.read(max_bytes + 1), upload_dir=_upload_dir(), max_bytes=max_bytes),
                form=form, back=_page(nomination, "#evidence"),
                done=lambda document: _("مدرک «%(name)s» پیوست شد.", name=document.original_name),
                to=_page(nomination, "#evidence"))) is not None:
            return response
    return _render_view(nomination, upload_form=form)


@bp.route("/<int:nomination_id>/documents/<int:document_id>")
@login_required
def download(nomination_id: int, document_id: int):
    nomination = queries.load_nomination(db.session, nomination_id)
    if nomination is None or not permissions.can_view_evidence(current_user, nomination):
        abort(404)
    document = queries.load_document(db.session, nomination=nomination, document_id=document_id)
    path = documents.document_path(document=document, upload_dir=_upload_dir()) if document else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=document.original_name,
                         mimetype=document.content_type, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:nomination_id>/documents/<int:document_id>/preview")
@login_required
def preview(nomination_id: int, document_id: int):
    """Show an image, or a PDF's first page as an image, inline: sandboxed, never sniffed, cached by no one else.

    Who may download the document may preview it, except a member with an active conflict with the nomination.
    """
    nomination = queries.load_nomination(db.session, nomination_id)
    if nomination is None or not permissions.can_view_evidence(current_user, nomination) or active_conflict(
            db.session, nomination_id=nomination.id, user_id=current_user.id) is not None:
        abort(404)
    document = queries.load_document(db.session, nomination=nomination, document_id=document_id)
    path = documents.document_path(document=document, upload_dir=_upload_dir()) if document else None
    shown = documents.preview(path) if path is not None and path.is_file() else None
    if shown is None:
        abort(404)
    response = current_app.response_class(shown[0], mimetype=shown[1])
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/<int:nomination_id>/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete_document(nomination_id: int, document_id: int):
    nomination = _owned_nomination(nomination_id)
    document = queries.load_document(db.session, nomination=nomination, document_id=document_id)
    if document is None:
        abort(404)
    name = document.original_name
    return run_service(
        lambda: documents.remove_document(db.session, actor=_actor(), document=document, upload_dir=_upload_dir()),
        done=_("مدرک «%(name)s» حذف شد.", name=name), to=_page(nomination, "#evidence"))
