"""Province workspace: nomination list, dossier form, evidence, submit and withdraw."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("nominations", __name__, url_prefix="/nominations")
