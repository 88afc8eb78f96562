"""Results per category, ties, finalisation and exports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/results")
