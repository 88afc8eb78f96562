"""Accounts: create, authenticate, disable. Keyword-only, flush but never commit."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.audit.services import record
from awards.auth.passwords import hash_password, password_problem, verify_password
from awards.auth.sessions import end_all_sessions
from awards.db import utcnow
from awards.errors import DomainError
from awards.models import Province, User
from awards.models.user import new_session_token
from awards.persian import normalize_text

#: A stored hash no password ever matches (Werkzeug refuses a hash without "$"): the account signs in only
#: after a set-password link.
UNUSABLE_PASSWORD = "!"  # noqa: S105
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
# A hash of a random password, checked when the username is unknown so both paths take similar time.
_DUMMY_HASH: str | None = None


def create_user(
    session: Session,
    *,
    username: str,
    password: str | None,
    full_name: str,
    actor: User | None = None,
    title: str = "",
    organisation: str = "",
    is_organizer: bool = False,
    province: Province | None = None,
    check_password: bool = True,
) -> User:
    """Create an account after checking the username and the password policy (``password=None``: unusable)."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(_("نام کاربری فقط از حروف کوچک لاتین، رقم، نقطه، خط تیره و زیرخط تشکیل شود."),
                          field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError(_("این نام کاربری پیش‌تر ثبت شده است."), field="username")
    if password is not None and check_password and (problem := password_problem(password, username=username)):
        raise DomainError(problem, field="password")
    user = User(
        username=username,
        full_name=normalize_text(full_name),
        title=normalize_text(title),
        organisation=normalize_text(organisation),
        password_hash=hash_password(password) if password is not None else UNUSABLE_PASSWORD,
        is_organizer=is_organizer,
        province=province,
        active=True,
    )
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.create", object_type="user", object_id=user.id,
           changes={"username": [None, username], "is_organizer": [None, is_organizer],
                    "province_id": [None, province.id if province else None]})
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """Return the active user whose password matches, or None (disabled accounts never sign in); record the
    sign-in. Side effects: :func:`record_login`."""
    user = check_credentials(session, username=username, password=password)
    return record_login(session, user=user) if user is not None else None


def check_credentials(session: Session, *, username: str, password: str) -> User | None:
    """Return the active user whose password matches, or None. Reads only: the deliberately slow hash can run
    before the write transaction (on SQLite, outside the write lock) and :func:`record_login` after it."""
    global _DUMMY_HASH
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(new_session_token())
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or "") or not user.active:
        return None
    return user


def record_login(session: Session, *, user: User) -> User | None:
    """Stamp and audit the sign-in of ``user`` (whose password was checked); None if the account was disabled
    since. Side effects: sets ``last_login_at``, appends a ``user.login`` audit event."""
    if not user.active:
        return None
    user.last_login_at = utcnow()
    record(session, actor=user, action="user.login", object_type="user", object_id=user.id)
    return user


def set_active(session: Session, *, user: User, active: bool, actor: User) -> None:
    """Enable or disable an account; disabling ends every open session of it."""
    if user.active == active:
        return
    user.active = active
    if not active:
        end_all_sessions(session, user=user, actor=actor, action=None)  # session and remember cookies die
    user.session_token = new_session_token()
    record(session, actor=actor, action="user.enable" if active else "user.disable",
           object_type="user", object_id=user.id, changes={"active": [not active, active]})


def change_password(session: Session, *, user: User, new_password: str, actor: User) -> None:
    """Set a new password that meets the policy, and end every session of the user (the caller signs the user
    in again if they changed their own password)."""
    if problem := password_problem(new_password, username=user.username):
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user=user, actor=actor, action=None)  # every sign-in, this one too
    user.session_token = new_session_token()
    record(session, actor=actor, action="user.password", object_type="user", object_id=user.id)
