"""Small factories and helpers for the evaluation tests."""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select

from awards.auth.services import create_user
from awards.enums import CommitteeCode, NominationState
from awards.models import Committee, Criterion, Membership, Nomination, User
from tests.conftest import csrf_token

#: Nominations the demo has in evaluation, by a short name.
STEEL = "شرکت فولاد سپاهان نوین"
ELECTRONICS = "شرکت صنایع الکترونیک پارس شیراز"
CARPET = "خوشه فرش دستباف کاشان"
VETERAN = "مهندس حسن رضایی"
_serial = itertools.count(1)

# The read helpers end their transaction: on SQLite an open test transaction holds the write lock
# (BEGIN IMMEDIATE) and would block the requests the test makes next.


def _done(session, value):
    if not (session.new or session.dirty or session.deleted or session.in_nested_transaction()):
        session.commit()
    return value


def nomination_named(session, name: str) -> Nomination:
    return _done(session, session.scalar(select(Nomination).where(Nomination.nominee_name == name)))


def committee(session, code: str | CommitteeCode) -> Committee:
    return _done(session, session.scalar(select(Committee).where(Committee.code == CommitteeCode(code))))


def user(session, username: str) -> User:
    return _done(session, session.scalar(select(User).where(User.username == username)))


def criteria(session, nomination: Nomination, code: str = "winners") -> list[Criterion]:
    committee_id = committee(session, code).id
    return _done(session, list(session.scalars(
        select(Criterion).where(Criterion.category_id == nomination.category_id,
                                Criterion.committee_id == committee_id)
        .order_by(Criterion.position, Criterion.id))))


def sheet_url(nomination: Nomination, code: str = "winners") -> str:
    return f"/evaluation/{nomination.id}/{code}"


def post(client, url: str, data: dict | None = None, *, follow: bool = False):
    """POST with the session's CSRF token (taken from the dashboard, which every signed-in user sees)."""
    payload = {"csrf_token": csrf_token(client, "/"), **(data or {})}
    return client.post(url, data=payload, follow_redirects=follow)


def sheet_data(session, nomination: Nomination, values, *, code: str = "winners", action: str = "save",
               comment: str = "") -> dict:
    """Form data for a sheet: ``values`` is one text for every criterion, or a list of texts."""
    rows = criteria(session, nomination, code)
    texts = values if isinstance(values, list) else [values] * len(rows)
    data = {f"c{c.id}": text for c, text in zip(rows, texts, strict=True)}
    data.update(action=action, comment=comment)
    return data


def decimal_values(session, nomination: Nomination, value: str, code: str = "winners") -> dict[int, Decimal]:
    return {c.id: Decimal(value) for c in criteria(session, nomination, code)}


def make_member(session, demo, code: str, *, organisation: str = "", province=None, chair: bool = False) -> User:
    """Add a user to a committee of the demo cycle."""
    number = next(_serial)
    member = create_user(session, username=f"extra-{code}-{number}", password="demo-pass-1404",
                         full_name=f"عضو افزوده {number}", organisation=organisation, province=province,
                         actor=demo.users["admin"])
    session.add(Membership(cycle_id=demo.cycle.id, committee_id=committee(session, code).id, user_id=member.id,
                           is_chair=chair))
    session.flush()
    session.refresh(member)
    return member


def make_nominations(session, demo, category_code: str, count: int, *, province=None,
                     name: str = "نامزد آزمایشی") -> list[Nomination]:
    """Insert nominations straight into evaluation (a factory; the state machine has its own tests)."""
    category = demo.categories[category_code]
    province = province or demo.users["fars"].province
    made = []
    for _ in range(count):
        number = next(_serial)
        nomination = Nomination(cycle_id=demo.cycle.id, category_id=category.id, province_id=province.id,
                                state=NominationState.IN_EVALUATION, nominee_name=f"{name} {number}",
                                search_name=f"{name} {number}")
        session.add(nomination)
        made.append(nomination)
    session.flush()
    return made
