"""Helpers for the province workspace tests: demo nominations by name, CSRF-carrying posts, files."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from awards.db import write_intent
from awards.demo import MASKATI, demo_pdf, legal_id
from awards.models import Nomination

ELECTRONICS = "شرکت صنایع الکترونیک پارس شیراز"
PHARMA = "شرکت داروسازی زاگرس‌فارمد"
SOLAR = "طرح نیروگاه خورشیدی شهریار"
RETURNED_TILES = "شرکت کاشی طوس"

__all__ = ["ELECTRONICS", "MASKATI", "PHARMA", "RETURNED_TILES", "SOLAR", "demo_pdf", "legal_id"]


@pytest.fixture(autouse=True)
def _test_session_reads_without_write_lock():
    """Let the test's own session read with a plain BEGIN (SQLite), so it never holds the write lock
    that the requests under test need; a test that arranges data commits it before making requests."""
    with write_intent(False):
        yield


def by_name(session, name: str) -> Nomination:
    """Return the demo nomination called ``name`` as the database holds it now (ending any old snapshot)."""
    session.commit()
    session.expire_all()
    return session.scalars(select(Nomination).where(Nomination.nominee_name == name)).one()


def token_from(client, path: str = "/nominations/") -> str:
    """Return a CSRF token of the signed-in session (any page with a form carries one)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST with the session's CSRF token added."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", token_from(client))
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def pdf() -> bytes:
    return demo_pdf("Tandis test evidence")
