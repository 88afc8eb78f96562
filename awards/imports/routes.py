"""Bulk import of nominees from .xlsx or CSV, all or nothing."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")
