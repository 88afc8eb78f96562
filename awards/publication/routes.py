"""The media committee's page: the press list, its intro, approval, opening the public page, and exports."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import clock, permissions
from awards.cycles.queries import current_cycle
from awards.enums import PublicationAction, PublicationState
from awards.extensions import db
from awards.models import Cycle
from awards.persian import format_jalali_date
from awards.publication import exports, press_release, queries, services
from awards.publication.forms import ApproveForm, IntroForm, OpenForm
from awards.results.exports import TIER_FA
from awards.web import run_service

bp = Blueprint("publication", __name__, url_prefix="/publication")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cycle(predicate=permissions.can_view_press_list) -> Cycle:
    cycle = current_cycle(db.session) or abort(404)
    if not predicate(current_user, cycle):
        abort(403)
    return cycle


def _render(cycle: Cycle, *, intro_form: IntroForm | None = None, open_form: OpenForm | None = None):
    publication = queries.publication_of(db.session, cycle=cycle)
    category_ids = queries.listed_category_ids(db.session, cycle=cycle, publication=publication)
    if intro_form is None:
        intro_form = IntroForm(data={"intro": publication.intro if publication else ""})
    return render_template(
        "publication/index.html", cycle=cycle, publication=publication,
        rows=queries.winners(db.session, category_ids=category_ids),
        final_count=len(queries.final_category_ids(db.session, cycle=cycle)),
        ceremony=queries.ceremony_day(cycle), ceremony_reached=queries.ceremony_reached(cycle, clock.now()),
        public=queries.is_public(cycle, publication, clock.now()),
        intro_form=intro_form, approve_form=ApproveForm(), open_form=open_form or OpenForm())


@bp.route("/")
@login_required
def index():
    return _render(_cycle())


@bp.route("/intro", methods=["POST"])
@login_required
def save_intro():
    cycle = _cycle(permissions.can_approve_publication)
    form = IntroForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.transition(db.session, cycle=cycle, action=PublicationAction.SAVE_INTRO,
                                        actor=current_user, intro=form.intro.data),
            form=form, field="intro", done=_("متن آغاز خبرنامه ذخیره شد."), to=url_for(".index"))) is not None:
        return response
    return _render(cycle, intro_form=form)


@bp.route("/approve", methods=["POST"])
@login_required
def approve():
    cycle = _cycle(permissions.can_approve_publication)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    return run_service(
        lambda: services.transition(db.session, cycle=cycle, action=PublicationAction.APPROVE, actor=current_user),
        done=_("فهرست برگزیدگان برای انتشار تأیید شد."), to=url_for(".index"))


@bp.route("/open", methods=["POST"])
@login_required
def open_page():
    cycle = _cycle(permissions.can_open_winners_page)
    form = OpenForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.transition(db.session, cycle=cycle, action=PublicationAction.OPEN, actor=current_user),
            form=form, field="open", done=_("صفحهٔ عمومی برگزیدگان باز شد."), to=url_for(".index"))) is not None:
        return response
    return _render(cycle, open_form=form)


@bp.route("/press.<any(xlsx, csv):fmt>")
@login_required
def export(fmt: str):
    cycle = _cycle()
    publication = queries.publication_of(db.session, cycle=cycle)
    rows = queries.winners(db.session, category_ids=queries.listed_category_ids(
        db.session, cycle=cycle, publication=publication))
    if fmt == "xlsx":
        body, mimetype = exports.press_workbook(cycle, publication, rows), XLSX
    else:
        body, mimetype = exports.press_csv(rows), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=press-list-{cycle.year}.{fmt}",
        "Cache-Control": "no-store",
    })


@bp.route("/press-release.pdf")
@login_required
def press_release_pdf():
    """The press release (always Persian): the approved intro and the approved categories' live winners."""
    cycle = _cycle()
    publication = queries.publication_of(db.session, cycle=cycle)
    if publication is None or publication.state is PublicationState.PREPARING:
        flash(_("خبرنامه پس از تأیید فهرست برگزیدگان به دست رئیس کمیتهٔ رسانه آماده می‌شود."), "warning")
        return redirect(url_for(".index"))
    rows = queries.winners(db.session, category_ids=publication.category_ids)
    html = render_template("publication/press_release.html", cycle=cycle, intro=publication.intro,
                           groups=queries.by_category(rows), tiers=TIER_FA,
                           ceremony_text=format_jalali_date(queries.ceremony_day(cycle), long=True))
    body = press_release.render_pdf(html, static_dir=Path(current_app.static_folder))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=press-release-{cycle.year}.pdf",
        "Cache-Control": "no-store",
    })
