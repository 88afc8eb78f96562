"""The public winners page of a cycle: no login, 404 until the media chair opens it on or after the ceremony date."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from awards import clock
from awards.extensions import db
from awards.publication import queries

bp = Blueprint("winners", __name__, url_prefix="/winners")


@bp.route("/<int:year>")
def show(year: int):
    cycle = queries.cycle_by_year(db.session, year) or abort(404)
    publication = queries.publication_of(db.session, cycle=cycle)
    if not queries.is_public(cycle, publication, clock.now()):
        abort(404)
    provinces = queries.winner_provinces(db.session, category_ids=publication.category_ids)
    chosen = request.args.get("province", "")
    if chosen and chosen not in {p.iso_code for p in provinces}:
        chosen = ""
    page = queries.winners_page(db.session, category_ids=publication.category_ids, province_iso=chosen or None,
                                number=request.args.get("page", 1, type=int))
    return render_template("publication/winners.html", cycle=cycle, page=page, groups=queries.by_category(page.items),
                           provinces=provinces,
                           chosen=chosen, args={"year": year, **({"province": chosen} if chosen else {})},
                           ceremony=queries.ceremony_day(cycle))
