"""Organizer: cycle timeline, deadline extensions and ceremony postponement."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")
