"""Helpers for the accounts tests: user import files built in the test, counts, and a plain cycle id."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from awards.accounts.imports import COLUMNS
from awards.models import AuditEvent, Membership, PasswordLink, User
from tests.conftest import csrf_token
from tests.imports.conftest import make_csv, make_xlsx

HEADERS = [column.header for column in COLUMNS]


def user_row(username: str, role: str = "province_officer", province: str = "IR-07", committee: str = "",
             chair: str = "", full_name: str = "مریم احمدی", email: str = "", mobile: str = "") -> list:
    """One data row in template column order."""
    return [username, full_name, email, mobile, role, province, committee, chair]


def user_file(rows: list[list], *, kind: str = "csv") -> tuple[str, bytes]:
    lines = [HEADERS, *rows]
    return (f"users.{kind}", make_csv(lines) if kind == "csv" else make_xlsx(lines))


def post_import(client, filename: str, data: bytes, cycle_id: int, *, with_csrf: bool = True):
    form = {"cycle": str(cycle_id), "file": (io.BytesIO(data), filename)}
    if with_csrf:
        form["csrf_token"] = csrf_token(client, "/admin/users/import")
    return client.post("/admin/users/import", data=form, content_type="multipart/form-data")


def counts(session) -> tuple[int, int, int, int]:
    """Users, memberships, links and audit events (the read transaction is closed again at once)."""
    try:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (User, Membership, PasswordLink, AuditEvent))
    finally:
        session.rollback()


@pytest.fixture
def cycle_id(demo) -> int:
    return demo.cycle.id


__all__ = ["HEADERS", "counts", "make_csv", "make_xlsx", "post_import", "user_file", "user_row"]
