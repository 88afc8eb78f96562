"""Home page (a dashboard fitted to the user's roles), health check and language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user, login_required

from awards.extensions import db
from awards.main.health import report
from awards.main.queries import dashboard_figures
from awards.redirects import next_or_home

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", figures=dashboard_figures(db.session, user=current_user))


@bp.route("/healthz")
def healthz():
    body, healthy = report(current_app)
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["language"] = code
    return redirect(next_or_home(request.form.get("next")))
