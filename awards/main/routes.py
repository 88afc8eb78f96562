"""Home page (a dashboard fitted to the user's roles), health check and language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from awards import i18n, permissions
from awards.cycles.queries import current_cycle
from awards.db import begin_writing
from awards.enums import CommitteeCode
from awards.extensions import db
from awards.labels import LABELS, TIMELINE_FIELD_LABELS
from awards.main import dashboard
from awards.main.health import report
from awards.main.reminders import remind_members
from awards.models import Category, Committee
from awards.notifications import services as notifications
from awards.params import as_id
from awards.redirects import next_or_home
from awards.web import run_service

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    board = dashboard.dashboard(db.session, user=current_user._get_current_object())
    return render_template("main/index.html", board=board, timeline_labels=TIMELINE_FIELD_LABELS,
                           charts=dashboard.chart_data(board, LABELS, persian=i18n.persian_ui()))


@bp.route("/remind/<committee_code>", methods=["POST"])
@login_required
def remind(committee_code: str):
    """The chair reminds the members who still owe sheets (audited; each gets a notification)."""
    try:
        code = CommitteeCode(committee_code)
    except ValueError:
        abort(404)
    cycle = current_cycle(db.session)
    if cycle is None or not permissions.can_remind_members(current_user, code, cycle.id):
        abort(403)
    committee = db.session.scalar(select(Committee).where(Committee.code == code)) or abort(404)
    category = None
    if request.form.get("category"):
        category = db.session.get(Category, as_id(request.form["category"]) or 0)
        if category is None or category.cycle_id != cycle.id:
            abort(404)
    return run_service(
        lambda: remind_members(db.session, committee=committee, category=category,
                               actor=current_user._get_current_object(), cycle=cycle),
        done=lambda reminded: _("یادآوری برای %(count)s عضو فرستاده شد.", count=len(reminded)),
        to=url_for("main.index"), refusal_category="warning")


@bp.route("/healthz")
def healthz():
    body, healthy = report(current_app)
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the language: the browser remembers it, and a signed-in user's account too (their notifications,
    bell and mail, then speak it as well)."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["language"] = code
    if permissions.can_save_language(current_user):
        with begin_writing(db.session):
            notifications.set_language(db.session, user=current_user._get_current_object(), language=code)
            db.session.commit()
    return redirect(next_or_home(request.form.get("next")))
