"""Public verification of a printed certificate, by QR address or by serial and name. No login."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from awards.certificates import services
from awards.certificates.forms import LookupForm
from awards.extensions import db, limiter

bp = Blueprint("verify", __name__, url_prefix="/verify")


def _limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/<token>")
@limiter.limit(_limit)
def show(token: str):
    award = services.award_by_token(db.session, token=token)
    if award is None and (provincial := services.provincial_award_by_token(db.session, token=token)) is not None:
        # A province's award (the provincial round): the same page, naming the province that issued it.
        return render_template("certificates/verify.html", award=provincial, provincial=True,
                               recipient=services.recipient_line(provincial.nomination),
                               ceremony=services.ceremony_date(provincial.cycle))
    if award is None:
        # The same page for every unknown address: it says nothing about which tokens exist.
        return render_template("certificates/verify_unknown.html", form=LookupForm()), 404
    return render_template("certificates/verify.html", award=award,
                           recipient=services.recipient_line(award.nomination),
                           ceremony=services.ceremony_date(award.cycle))


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def lookup():
    form = LookupForm()
    if form.validate_on_submit():
        award = (services.award_by_serial_and_name(db.session, serial=form.serial.data, name=form.name.data)
                 or services.provincial_award_by_serial_and_name(db.session, serial=form.serial.data,
                                                                 name=form.name.data))
        if award is not None:
            return redirect(url_for(".show", token=award.token))
        return render_template("certificates/verify_unknown.html", form=form), 404
    return render_template("certificates/verify_lookup.html", form=form)
