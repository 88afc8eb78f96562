"""Results per category, ties, finalisation and exports."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from awards import clock, permissions
from awards.cycles.queries import current_cycle
from awards.evaluation.scoring import round2_or_none
from awards.extensions import db
from awards.models import Category, Committee, Job
from awards.results import export_jobs, exports, queries, services, signoff
from awards.results.forms import TieForm
from awards.results.tasks import export_results
from awards.web import run_service

bp = Blueprint("results", __name__, url_prefix="/results")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_category(category_id: int) -> Category:
    category = queries.load_category(db.session, category_id) or abort(404)
    if not permissions.can_view_results(current_user, category.cycle):
        abort(403)
    return category


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int))


def _render(category: Category, submitted: dict[str, TieForm] | None = None):
    """Render one page of the category; ``submitted`` maps a tie's form prefix to a refused form to show again.

    The ties shown (with their forms) are those with a nominee on this page.
    """
    data = queries.load_results(db.session, category=category)
    page = queries.ranking_page(data.result, _page_number())
    on_page = {n.tie for n in page.items if n.tie is not None}
    names = {nid: row.name for nid, row in data.nominees.items()}
    tie_forms = {}
    for index, tie in enumerate(data.result.ties):
        if index not in on_page:
            continue
        prefix = TieForm.prefix_for(tie.nomination_ids)
        tie_forms[prefix] = TieForm.for_tie(tie.nomination_ids, names, submitted=(submitted or {}).get(prefix))
    exportable = permissions.can_export_results(current_user, category)
    return render_template("results/category.html", category=category, data=data, result=data.result,
                           tie_forms=tie_forms, page=page, ties_on_page=on_page,
                           signoffs=signoff.statuses(db.session, data=data), committees_by_code=_committees(),
                           phase=category.cycle.phase_at(clock.now()), num=round2_or_none,
                           export_as_job=exportable and _export_size(category)[1],
                           export_jobs=export_jobs.recent_jobs(db.session, user=current_user, category=category)
                           if exportable else [])


@bp.route("/")
@login_required
def index():
    cycle = current_cycle(db.session)
    allowed = permissions.can_list_results(current_user, cycle) if cycle else permissions.is_organizer(current_user)
    if not allowed:
        abort(403)
    return render_template("results/index.html", cycle=cycle, now=clock.now(),
                           categories=queries.categories_of(db.session, cycle) if cycle else [])


@bp.route("/<int:category_id>")
@login_required
def category(category_id: int):
    return _render(_visible_category(category_id))


@bp.route("/<int:category_id>/ties/<int:key>", methods=["POST"])
@login_required
def resolve_tie(category_id: int, key: int):
    category = _visible_category(category_id)
    if not permissions.can_propose_results(current_user, category):
        abort(403)
    prefix = TieForm.prefix_for([key])
    form = TieForm(prefix=prefix)
    if form.validate_on_submit() and (response := run_service(
            lambda: services.resolve_tie(db.session, category=category, actor=current_user,
                                         ordered_nomination_ids=form.ordered_ids(),
                                         justification=form.justification.data),
            form=form, field="positions", done=_("ترتیب نامزدهای هم‌امتیاز ثبت شد."),
            to=url_for("results.category", category_id=category.id, page=_page_number(), _anchor="ties"))) is not None:
        return response
    return _render(_visible_category(category_id), submitted={prefix: form})


def _button(category_id: int, predicate, action, success: str):
    """Run a bare-button action (propose, confirm): 403 without the predicate, flash a refusal, redirect."""
    category = _visible_category(category_id)
    if not predicate(current_user, category):
        abort(403)
    return run_service(lambda: action(db.session, category=category, actor=current_user), done=success,
                       to=url_for("results.category", category_id=category_id))


@bp.route("/<int:category_id>/propose", methods=["POST"])
@login_required
def propose(category_id: int):
    return _button(category_id, permissions.can_propose_results, services.propose,
                   _("نتیجهٔ این رشته پیشنهاد شد و برای تأیید دبیرخانه فرستاده شد."))


@bp.route("/<int:category_id>/confirm", methods=["POST"])
@login_required
def confirm(category_id: int):
    return _button(category_id, permissions.can_confirm_results, services.confirm,
                   _("نتیجهٔ این رشته نهایی شد؛ جایزه‌ها با شمارهٔ سریال صادر شدند."))


def _committees() -> dict[str, Committee]:
    return {str(c.code): c for c in db.session.scalars(select(Committee))}


@bp.route("/<int:category_id>/signoff/<code>", methods=["POST"])
@bp.route("/<int:category_id>/signoff/<code>/withdraw", methods=["POST"], endpoint="withdraw_signoff",
          defaults={"withdraw": True})
@login_required
def sign_off(category_id: int, code: str, withdraw: bool = False):
    """The committee's chair signs off (or withdraws the sign-off of) its scoring of the category."""
    category = _visible_category(category_id)
    committee = _committees().get(code) or abort(404)
    if not permissions.can_sign_off(current_user, category, committee):
        abort(403)
    action, done = ((signoff.withdraw, _("امضای امتیازهای کمیته پس گرفته شد.")) if withdraw
                    else (signoff.sign_off, _("امتیازهای کمیته امضا شد.")))
    return run_service(lambda: action(db.session, category=category, committee=committee, actor=current_user),
                       done=done, to=url_for("results.category", category_id=category_id, _anchor="signoffs"))


def _exportable(category_id: int) -> Category:
    category = _visible_category(category_id)
    if not permissions.can_export_results(current_user, category):
        abort(403)
    return category


def _export_size(category: Category) -> tuple[int, bool]:
    """The export's rows (one COUNT statement) and whether that many are built by a background job."""
    rows = queries.export_size(db.session, category=category)
    return rows, export_jobs.runs_as_job(rows, current_app.config["EXPORT_JOB_ROWS"])


def _export_table(fmt: str) -> str | None:
    if fmt == "xlsx":
        return None
    return "sheets" if request.values.get("table") == "sheets" else "ranking"


@bp.route("/<int:category_id>/export.<any(xlsx, csv):fmt>")
@login_required
def export(category_id: int, fmt: str):
    """The file at once; a large export offers the background job instead (a GET never starts one)."""
    category = _exportable(category_id)
    table = _export_table(fmt)
    rows, as_job = _export_size(category)
    if as_job:
        return render_template("results/export_start.html", category=category, fmt=fmt, table=table, rows=rows)
    data = queries.load_results(db.session, category=category)
    if fmt == "xlsx":
        body, mimetype = exports.category_workbook(data), XLSX
    else:
        built = exports.sheets_table(data) if table == "sheets" else exports.ranking_table(data)
        body, mimetype = exports.to_csv(built), "text/csv; charset=utf-8"
    name = export_jobs.output_name(category=category, fmt=fmt, table=table)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={name}",
        "Cache-Control": "no-store",
    })


@bp.route("/<int:category_id>/export.<any(xlsx, csv):fmt>", methods=["POST"])
@login_required
def start_export(category_id: int, fmt: str):
    """Queue a large export and follow it; a small one is sent to the direct download."""
    category = _exportable(category_id)
    table = _export_table(fmt)
    rows, as_job = _export_size(category)
    if not as_job:
        return redirect(url_for(".export", category_id=category.id, fmt=fmt,
                                table="sheets" if table == "sheets" else None), 303)
    return run_service(
        lambda: export_jobs.start_export_job(db.session, actor=current_user, category=category, fmt=fmt,
                                             table=table, rows=rows),
        back=url_for(".category", category_id=category.id), then=_enqueue,
        to=lambda job: url_for(".export_job", job_id=job.id))


def _enqueue(job: Job) -> None:
    """Hand the job to the queue (again, when the same export was already under way: a second delivery does
    nothing); if the queue is unreachable the job waits, queued, and the consumer's watch sends it again."""
    try:
        export_results(job.id)
    except Exception:
        if current_app.config.get("HUEY_IMMEDIATE"):
            raise
        current_app.logger.warning("job queue unreachable: job %s waits until the consumer resends it", job.id,
                                   exc_info=True)


def _load_export_job(job_id: int) -> tuple[Job, Category]:
    """The export job and its category, for the person who asked while they may still export it; else 404."""
    job = db.session.get(Job, job_id)
    category = export_jobs.job_category(db.session, job) if job is not None else None
    if job is None or category is None or not export_jobs.can_follow(current_user, job, category):
        abort(404)
    return job, category


@bp.route("/exports/<int:job_id>")
@login_required
def export_job(job_id: int):
    job, category = _load_export_job(job_id)
    return render_template("results/export_job.html", job=job, category=category,
                           file_name=export_jobs.output_name(category=category, fmt=job.params.get("format"),
                                                             table=job.params.get("table")))


@bp.route("/exports/<int:job_id>.json")
@login_required
def export_job_status(job_id: int):
    job, _category = _load_export_job(job_id)
    return jsonify(state=job.state, done=job.done, total=job.total, percent=job.percent, error=job.error,
                   download=url_for(".export_job_download", job_id=job.id) if job.state == "done" else None)


@bp.route("/exports/<int:job_id>/download")
@login_required
def export_job_download(job_id: int):
    job, _category = _load_export_job(job_id)
    if job.state != "done" or not job.result_path or not Path(job.result_path).is_file():
        abort(404)
    mimetype = XLSX if job.result_name.endswith(".xlsx") else "text/csv; charset=utf-8"
    response = send_file(job.result_path, as_attachment=True, download_name=job.result_name, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    return response
