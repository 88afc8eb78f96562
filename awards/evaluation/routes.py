"""Rubric set-up, assignment, the member's inbox, score sheets, conflicts and citations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
