"""Bulk import of nominees from .xlsx or CSV, all or nothing."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import permissions
from awards.cycles.queries import current_cycle
from awards.evaluation.figures import cycle_indicators
from awards.extensions import db
from awards.imports import services
from awards.imports.columns import guide
from awards.imports.forms import ImportForm
from awards.nominations.queries import offered_categories
from awards.persian import to_persian_digits
from awards.web import WHOLE_FORM, run_service

bp = Blueprint("imports", __name__, url_prefix="/imports")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "tandis-nominees-template"


def _require_officer() -> None:
    if not permissions.is_province_officer(current_user):
        abort(403)


def _digits(value: object) -> str:
    text = str(value)
    return to_persian_digits(text) if get_locale().language == "fa" else text


def _indicator_columns() -> tuple:
    """The current cycle's indicator columns (none: the template is exactly the dossier's columns)."""
    cycle = current_cycle(db.session)
    return services.indicator_columns(cycle_indicators(db.session, cycle_id=cycle.id)) if cycle else ()


def _announce(result: services.ImportResult, category_title: str) -> None:
    flash(_("%(count)s پیش‌نویس در رشتهٔ «%(category)s» ساخته شد. هر پرونده هنوز پیش‌نویس است: برای هر یک "
            "مدرک پیوست کنید و آن را پیش از پایان مهلت ارسال کنید.",
            count=_digits(len(result.created)), category=category_title), "success")
    if result.ignored_columns:
        flash(_("این ستون‌ها نادیده گرفته شد: %(columns)s. استان پرونده‌ها همیشه استان حساب شماست.",
                columns="، ".join(result.ignored_columns)), "info")
    if result.skipped_example_rows:
        flash(_("ردیف نمونهٔ الگو (ردیف %(rows)s) وارد نشد.",
                rows="، ".join(_digits(n) for n in result.skipped_example_rows)), "info")


@bp.route("/", methods=["GET", "POST"])
@login_required
def upload():
    _require_officer()
    cycle = current_cycle(db.session)
    form = ImportForm(offered_categories(cycle))
    row_errors: list[services.RowError] = []
    if form.validate_on_submit():
        category, upload_file = form.chosen_category(), form.file.data
        if (response := run_service(
                lambda: services.import_nominations(
                    db.session, actor=current_user, category=category, filename=upload_file.filename or "",
                    data=upload_file.read(), max_bytes=current_app.config["MAX_UPLOAD_BYTES"]),
                form=form, field=WHOLE_FORM, on_refusal=lambda exc: row_errors.extend(getattr(exc, "errors", [])),
                then=lambda result: _announce(result, category.title), to=url_for("imports.upload"))) is not None:
            return response
    return render_template("imports/upload.html", form=form, cycle=cycle, row_errors=row_errors,
                           guide=guide(_indicator_columns()),
                           nominations_open=services.nominations_open(cycle), max_rows=services.MAX_ROWS,
                           max_errors_shown=services.MAX_ERRORS_SHOWN,
                           max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024))


@bp.route("/template.xlsx")
@login_required
def template_xlsx():
    _require_officer()
    extra = _indicator_columns()
    lines = [(g.header, g.field, g.meaning, _("بله") if g.required else _("خیر"), g.format, g.example)
             for g in guide(extra)]
    return send_file(io.BytesIO(services.build_template_xlsx(lines, extra)), mimetype=XLSX_TYPE, as_attachment=True,
                     download_name=f"{TEMPLATE_NAME}.xlsx")


@bp.route("/template.csv")
@login_required
def template_csv():
    _require_officer()
    return send_file(io.BytesIO(services.build_template_csv(_indicator_columns())), mimetype="text/csv; charset=utf-8",
                     as_attachment=True, download_name=f"{TEMPLATE_NAME}.csv")
