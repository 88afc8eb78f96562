"""Printing certificates (one or in bulk, as a background job), revocation and signatories."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from awards import permissions
from awards.budget import queries as budget_queries
from awards.certificates import printing, services
from awards.certificates.forms import (
    BulkPrintForm,
    MoveSignatoryForm,
    RemoveSignatoryForm,
    RetryForm,
    RevokeForm,
    SignatoryForm,
)
from awards.certificates.render import qr_data_uri
from awards.certificates.tasks import print_certificates
from awards.cycles.queries import current_cycle
from awards.enums import Tier
from awards.errors import DomainError
from awards.extensions import db
from awards.models import Award, Category, Job, Signatory
from awards.params import as_id
from awards.persian import ltr
from awards.web import WHOLE_FORM, run_service

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


def verify_base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or request.url_root


def _load_award(award_id: int) -> Award:
    award = db.session.get(Award, award_id)
    if award is None or not permissions.can_view_awards(current_user):
        abort(404)
    return award


def _print_form() -> BulkPrintForm:
    cycle = current_cycle(db.session) or abort(404)
    form = BulkPrintForm()
    form.scope.choices = [SelectChoice("all", _("همهٔ رشته‌های دوره"))] + [
        SelectChoice(str(c.id), c.title) for c in cycle.categories if c.is_final]
    return form


def _index(form: BulkPrintForm):
    cycle = current_cycle(db.session) or abort(404)
    awards = services.awards_of(db.session, cycle=cycle)
    covered = budget_queries.covered_tiers(db.session, cycle=cycle)
    uncovered = [tier for tier in Tier if tier not in covered and any(a.tier is tier and not a.is_revoked
                                                                      for a in awards)]
    jobs = db.session.scalars(select(Job).where(Job.kind == services.JOB_KIND).order_by(Job.id.desc()).limit(5))
    return render_template("certificates/index.html", cycle=cycle, awards=awards, form=form, jobs=list(jobs),
                           uncovered=uncovered)


@bp.route("/")
@login_required
def index():
    if not permissions.can_view_awards(current_user):
        abort(403)
    return _index(_print_form())


@bp.route("/print", methods=["POST"])
@login_required
def print_bulk():
    if not permissions.can_print_certificates(current_user):
        abort(403)
    cycle = current_cycle(db.session) or abort(404)
    form = _print_form()
    category = None
    if form.scope.data and form.scope.data != "all":
        category = db.session.get(Category, scope_id) if (scope_id := as_id(form.scope.data)) else None
        if category is None or category.cycle_id != cycle.id:
            abort(404)
    # A refusal (e.g. a tier the approved budget does not cover) is shown above the print form, choices kept.
    if (response := run_service(
            lambda: services.start_print_job(db.session, actor=current_user, cycle=cycle, category=category,
                                             fmt=form.fmt.data or "", verify_base_url=verify_base_url(),
                                             upload_dir=current_app.config["UPLOAD_FOLDER"]),
            form=form, field=WHOLE_FORM, then=_enqueue, to=lambda job: url_for(".job", job_id=job.id))) is not None:
        return response
    return _index(form)


def _enqueue(job: Job) -> None:
    """Hand the job to the queue; if the queue is unreachable the job waits, queued, and the consumer's
    watch sends it again once the queue is back (``awards.tasks``)."""
    try:
        print_certificates(job.id)
    except Exception:
        if current_app.config.get("HUEY_IMMEDIATE"):
            raise
        current_app.logger.warning("job queue unreachable: job %s waits until the consumer resends it", job.id,
                                   exc_info=True)


def _load_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != services.JOB_KIND or not permissions.can_print_certificates(current_user):
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    return render_template("certificates/job.html", job=_load_job(job_id), retry_form=RetryForm())


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@login_required
def job_retry(job_id: int):
    job = _load_job(job_id)
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    return run_service(lambda: services.retry_print_job(db.session, actor=current_user, job=job),
                       then=lambda _none: _enqueue(job), done=_("کار دوباره در صف ساخت قرار گرفت."),
                       to=url_for(".job", job_id=job.id))


@bp.route("/jobs/<int:job_id>.json")
@login_required
def job_status(job_id: int):
    job = _load_job(job_id)
    return jsonify(state=job.state, done=job.done, total=job.total, percent=job.percent, error=job.error,
                   download=url_for(".job_download", job_id=job.id) if job.state == "done" else None)


@bp.route("/jobs/<int:job_id>/download")
@login_required
def job_download(job_id: int):
    job = _load_job(job_id)
    if job.state != "done" or not job.result_path or not Path(job.result_path).is_file():
        abort(404)
    mimetype = "application/pdf" if job.result_name.endswith(".pdf") else "application/zip"
    return send_file(job.result_path, as_attachment=True, download_name=job.result_name, mimetype=mimetype)


@bp.route("/awards/<int:award_id>")
@login_required
def award(award_id: int):
    award = _load_award(award_id)
    citation = services.approved_citations(db.session, nomination_ids=[award.nomination_id]).get(award.nomination_id)
    verify_url = verify_base_url().rstrip("/") + url_for("verify.show", token=award.token)
    return render_template("certificates/award.html", award=award, citation=citation, verify_url=verify_url,
                           qr=qr_data_uri(verify_url), form=RevokeForm())


@bp.route("/awards/<int:award_id>.pdf")
@login_required
def award_pdf(award_id: int):
    award = _load_award(award_id)
    if not permissions.can_print_certificates(current_user):
        abort(403)
    # Kept explicit, not run_service: a read that streams a PDF; nothing to commit or roll back.
    try:
        items = services.certificates_for(db.session, awards=[award], verify_base_url=verify_base_url(),
                                          upload_dir=current_app.config["UPLOAD_FOLDER"])
        if not items:
            raise DomainError(_("جایزهٔ %(serial)s لغو شده است و لوح آن چاپ نمی‌شود.", serial=ltr(award.serial)))
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for(".award", award_id=award.id))
    response = send_file(io.BytesIO(printing.render_one(items[0])), mimetype="application/pdf",
                         as_attachment=True, download_name=f"{award.serial}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/awards/<int:award_id>/revoke", methods=["POST"])
@login_required
def revoke(award_id: int):
    award = _load_award(award_id)
    if not permissions.can_revoke_award(current_user, award.cycle_id):
        abort(403)
    form = RevokeForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.revoke(db.session, award=award, actor=current_user, reason=form.reason.data),
            form=form, field="reason", done=_("جایزه لغو شد؛ صفحهٔ اعتبارسنجی آن اکنون «لغوشده» نشان می‌دهد."),
            to=url_for(".award", award_id=award.id))) is not None:
        return response
    verify_url = verify_base_url().rstrip("/") + url_for("verify.show", token=award.token)
    return render_template("certificates/award.html", award=award, citation=None, verify_url=verify_url,
                           qr=qr_data_uri(verify_url), form=form), 200


def _signature_upload(form: SignatoryForm, signatory: Signatory) -> None:
    upload = form.signature.data
    if upload and upload.filename:
        services.save_signature(db.session, signatory=signatory, actor=current_user, data=upload.read(),
                                upload_dir=current_app.config["UPLOAD_FOLDER"])


@bp.route("/signatories", methods=["GET", "POST"])
@login_required
def signatories():
    if not permissions.can_print_certificates(current_user):
        abort(403)
    cycle = current_cycle(db.session) or abort(404)
    forms = {s.id: SignatoryForm(prefix=f"s{s.id}", obj=s) for s in cycle.signatories}
    new_form = SignatoryForm(prefix="new")
    posted = request.form.get("signatory_id", type=int)
    response = None
    if request.method == "POST" and posted in forms and forms[posted].validate_on_submit():
        signatory, form = db.session.get(Signatory, posted), forms[posted]

        def update() -> None:
            services.update_signatory(db.session, signatory=signatory, actor=current_user, name=form.name.data,
                                      title=form.title.data)
            _signature_upload(form, signatory)

        response = run_service(update, form=form, field="name", done=_("امضاکننده ذخیره شد."),
                               to=url_for(".signatories"))
    elif request.method == "POST" and request.form.get("signatory_id") == "new" and new_form.validate_on_submit():

        def add() -> Signatory:
            signatory = services.add_signatory(db.session, cycle=cycle, actor=current_user, name=new_form.name.data,
                                               title=new_form.title.data)
            _signature_upload(new_form, signatory)
            return signatory

        response = run_service(add, form=new_form, field="name",
                               done=lambda signatory: _("امضاکنندهٔ «%(name)s» افزوده شد.", name=signatory.name),
                               to=url_for(".signatories"))
    if response is not None:
        return response
    return render_template("certificates/signatories.html", cycle=cycle, forms=forms, new_form=new_form,
                           move_form=MoveSignatoryForm())


def _load_signatory(signatory_id: int) -> Signatory:
    if not permissions.can_print_certificates(current_user):
        abort(403)
    return db.session.get(Signatory, signatory_id) or abort(404)


@bp.route("/signatories/<int:signatory_id>/remove", methods=["GET", "POST"])
@login_required
def remove_signatory(signatory_id: int):
    signatory = _load_signatory(signatory_id)
    name = signatory.name
    form = RemoveSignatoryForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.remove_signatory(db.session, signatory=signatory, actor=current_user,
                                              upload_dir=current_app.config["UPLOAD_FOLDER"],
                                              confirm=form.confirm.data),
            form=form, field="confirm", done=_("امضاکنندهٔ «%(name)s» برداشته شد.", name=name),
            to=url_for(".signatories"))) is not None:
        return response
    back = url_for(".signatories")
    trail = [(_("مدیریت"), url_for("admin.index")),
             (signatory.cycle.title, url_for("admin.cycle", cycle_id=signatory.cycle_id)),
             (_("امضاکنندگان لوح‌ها"), back)]
    return render_template("certificates/signatory_remove.html", signatory=signatory, form=form, back=back,
                           trail=trail)


@bp.route("/signatories/<int:signatory_id>/move", methods=["POST"])
@login_required
def move_signatory(signatory_id: int):
    signatory = _load_signatory(signatory_id)
    form = MoveSignatoryForm()
    if not form.validate_on_submit():
        abort(400)
    return run_service(
        lambda: services.move_signatory(db.session, signatory=signatory, actor=current_user,
                                        direction=form.direction.data),
        done=_("ترتیب امضاکنندگان ذخیره شد."), to=url_for(".signatories"))
