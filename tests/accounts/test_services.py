"""Account services without a request: roles, chairs, links and their states, own password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.accounts import services
from awards.accounts.services import AccountSpec, LinkState, Role
from awards.enums import CommitteeCode
from awards.errors import DomainError
from awards.models import Committee, PasswordLink, Province, User


@pytest.fixture
def admin(session, demo) -> User:
    return session.scalar(select(User).where(User.username == "admin"))


def _committee(session, code: CommitteeCode) -> Committee:
    return session.scalar(select(Committee).where(Committee.code == code))


def test_create_account_second_chair_is_refused(session, demo, admin):
    spec = AccountSpec(username="chair.two", full_name="رئیس دوم", role=Role.COMMITTEE_MEMBER,
                       committee=_committee(session, CommitteeCode.MEDIA), is_chair=True)
    with pytest.raises(DomainError) as refused:
        services.create_account(session, actor=admin, spec=spec, cycle=demo.cycle, temporary_password=None,
                                    link_hours=1)
    assert refused.value.field == "is_chair"
    assert session.scalar(select(User.id).where(User.username == "chair.two")) is None


@pytest.mark.parametrize(("spec_fields", "field"), [
    ({"role": Role.PROVINCE_OFFICER}, "province"),
    ({"role": Role.ORGANIZER, "province": "IR-07"}, "province"),
    ({"role": Role.COMMITTEE_MEMBER}, "committee"),
    ({"role": Role.ORGANIZER, "is_chair": True}, "is_chair"),
])
def test_create_account_role_without_what_it_needs_is_refused(session, demo, admin, spec_fields, field):
    if spec_fields.get("province"):
        spec_fields["province"] = session.scalar(select(Province).where(Province.iso_code == "IR-07"))
    spec = AccountSpec(username="role.check", full_name="آزمون", **spec_fields)
    with pytest.raises(DomainError) as refused:
        services.create_account(session, actor=admin, spec=spec, cycle=demo.cycle, temporary_password=None,
                                    link_hours=1)
    assert refused.value.field == field


def test_create_account_seat_needs_a_cycle(session, demo, admin):
    spec = AccountSpec(username="no.cycle", full_name="آزمون", role=Role.COMMITTEE_MEMBER,
                       committee=_committee(session, CommitteeCode.FINANCE))
    with pytest.raises(DomainError) as refused:
        services.create_account(session, actor=admin, spec=spec, cycle=None, temporary_password=None, link_hours=1)
    assert refused.value.field == "cycle"


def test_link_states_follow_use_expiry_and_replacement(session, demo, admin):
    start = clock.now()
    clock.freeze(start)
    user = session.scalar(select(User).where(User.username == "yazd"))
    first = services.issue_password_link(session, user=user, actor=admin, hours=2)
    assert services.find_link(session, token=first.token)[1] is LinkState.VALID
    second = services.issue_password_link(session, user=user, actor=admin, hours=2)
    assert services.find_link(session, token=first.token)[1] is LinkState.REPLACED
    clock.freeze(start + timedelta(hours=2))
    assert services.find_link(session, token=second.token)[1] is LinkState.EXPIRED
    clock.freeze(start + timedelta(hours=1))
    services.redeem_password_link(session, token=second.token, new_password="Nakhl-Kavir-1405")
    assert services.find_link(session, token=second.token)[1] is LinkState.USED
    with pytest.raises(DomainError):
        services.redeem_password_link(session, token=second.token, new_password="Another-Pass-1405")
    assert services.find_link(session, token="")[1] is LinkState.UNKNOWN
    assert session.scalar(select(func.count()).select_from(PasswordLink).where(
        PasswordLink.token_hash.in_([first.token, second.token]))) == 0


def test_change_own_password_clears_forced_change(session, demo):
    user = session.scalar(select(User).where(User.username == "yazd"))
    user.must_change_password = True
    services.change_own_password(session, user=user, current_password="demo-pass-1404",
                                 new_password="Anar-Saveh-1405")
    assert user.must_change_password is False


def test_clean_email_and_mobile():
    assert services.clean_email("  A.B@Example.IR ") == "a.b@example.ir"
    assert services.clean_email("") is None
    assert services.clean_mobile("+98 912 123 4567") == "09121234567"
    for bad in ("a@b", "no at sign", "x@y@z.ir"):
        with pytest.raises(ValueError):
            services.clean_email(bad)
    with pytest.raises(ValueError):
        services.clean_mobile("0812345678")
