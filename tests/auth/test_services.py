"""Accounts and the password policy."""

from __future__ import annotations

import pytest

from awards.auth.passwords import password_problem
from awards.auth.services import authenticate, change_password, create_user
from awards.errors import DomainError
from awards.models import AuditEvent


@pytest.mark.parametrize("password", ["short-1", "", "123456789"])
def test_password_problem_short_password(password):
    assert password_problem(password) == "گذرواژه باید دست‌کم 10 نویسه باشد."


@pytest.mark.parametrize("password", ["1234567890", "password123", "qwertyuiop", "۱۲۳۴۵۶۷۸۹۰", "aaaaaaaaaaaa"])
def test_password_problem_common_password(password):
    assert password_problem(password) == "این گذرواژه بسیار رایج یا ساده است؛ گذرواژهٔ دیگری برگزینید."


def test_password_problem_contains_username():
    assert password_problem("nasrin-secret-77", username="nasrin") == "گذرواژه نباید نام کاربری را در بر داشته باشد."


def test_password_problem_good_password_is_none():
    assert password_problem("کوه-دماوند-5671", username="ali") is None


def test_create_user_hashes_with_strong_kdf_outside_tests(session, app):
    from awards.auth import passwords

    passwords.configure(method="scrypt")
    try:
        user = create_user(session, username="nasrin", password="Lar-halva-1404!", full_name="نسرین")
    finally:
        passwords.configure(method=app.config["PASSWORD_HASH_METHOD"])
    assert user.password_hash.startswith("scrypt:")
    assert "Lar-halva-1404!" not in user.password_hash


def test_create_user_rejects_weak_password(session):
    with pytest.raises(DomainError) as err:
        create_user(session, username="nasrin", password="1234567890", full_name="نسرین")
    assert err.value.field == "password"


def test_create_user_rejects_duplicate_username(session):
    create_user(session, username="nasrin", password="Lar-halva-1404!", full_name="نسرین")
    with pytest.raises(DomainError) as err:
        create_user(session, username="Nasrin", password="Lar-halva-1404!", full_name="نسرین")
    assert err.value.message == "این نام کاربری پیش‌تر ثبت شده است."


def test_create_user_normalises_arabic_letters_in_name(session):
    user = create_user(session, username="ali", password="Lar-halva-1404!", full_name="علي كريمي")
    assert user.full_name == "علی کریمی"


def test_authenticate_records_login_in_audit(session):
    user = create_user(session, username="ali", password="Lar-halva-1404!", full_name="علی")
    assert authenticate(session, username="ali", password="Lar-halva-1404!") == user
    actions = [e.action for e in session.query(AuditEvent).filter_by(actor_id=user.id)]
    assert actions == ["user.login"]


def test_authenticate_unknown_user_is_none(session):
    assert authenticate(session, username="nobody", password="whatever-123") is None


def test_change_password_rotates_session_token(session):
    user = create_user(session, username="ali", password="Lar-halva-1404!", full_name="علی")
    before = user.session_token
    change_password(session, user=user, new_password="Shiraz-bagh-eram-9", actor=user)
    assert user.session_token != before
    assert authenticate(session, username="ali", password="Shiraz-bagh-eram-9") == user
