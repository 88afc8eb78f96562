"""Provincial affairs screening queue and the oversight compliance queue."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("screening", __name__, url_prefix="/screening")
