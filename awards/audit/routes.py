"""Browsing the audit log (organizers and the oversight committee)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
