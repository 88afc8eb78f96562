"""Accounts as organizers manage them: create with a role, one-time set-password links, disable, own password.

Keyword-only functions that flush and never commit, raise ``DomainError`` with a Persian message and a
``field``, and audit every change. A set-password link's token is returned once to the caller and only its
SHA-256 is stored; no audit entry or log line ever holds the token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock
from awards.audit.services import record
from awards.auth.passwords import verify_password
from awards.auth.services import change_password, create_user, set_active
from awards.errors import DomainError
from awards.evaluation.conflicts import flag_conflicts_for_member
from awards.models import Committee, Cycle, Membership, PasswordLink, Province, User
from awards.persian import normalize_text, validate_mobile

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX = 254
FULL_NAME_MAX = 120
#: Longest token accepted from a URL (ours are 43 characters); anything longer is unknown without hashing it.
TOKEN_MAX = 128


class Role(StrEnum):
    """The role an organizer gives an account (membership seats may be added to any role)."""

    ORGANIZER = "organizer"
    PROVINCE_OFFICER = "province_officer"
    COMMITTEE_MEMBER = "committee_member"


class LinkState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REPLACED = "replaced"
    DISABLED = "disabled"


@dataclass(frozen=True)
class AccountSpec:
    """What an organizer asks for: one row of the form or of an import file, already cleaned."""

    username: str
    full_name: str
    role: Role
    email: str | None = None
    mobile: str | None = None
    province: Province | None = None
    committee: Committee | None = None
    is_chair: bool = False


@dataclass(frozen=True)
class IssuedLink:
    user: User
    token: str
    link: PasswordLink


def clean_email(text: str | None) -> str | None:
    """Return the address lower-cased, or None when empty; raise ValueError with a Persian reason."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX or not EMAIL_RE.match(text):
        raise ValueError(_("نشانی ایمیل معتبر نیست؛ نمونه: name@example.ir"))
    return text.lower()


def clean_mobile(text: str | None) -> str | None:
    """Return the number as 09xxxxxxxxx, or None when empty; raise ValueError with a Persian reason."""
    text = (text or "").strip()
    return validate_mobile(text) if text else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_spec(spec: AccountSpec, *, cycle: Cycle | None) -> None:
    """Refuse a role without what it needs (an officer's province, a member's committee, a cycle for a seat)."""
    if spec.role is Role.PROVINCE_OFFICER and spec.province is None:
        raise DomainError(_("برای کارشناس استان، استان را انتخاب کنید."), field="province")
    if spec.role is not Role.PROVINCE_OFFICER and spec.province is not None:
        raise DomainError(_("استان فقط برای نقش «کارشناس استان» است؛ آن را خالی بگذارید."), field="province")
    if spec.role is Role.COMMITTEE_MEMBER and spec.committee is None:
        raise DomainError(_("برای عضو کمیته، کمیته را انتخاب کنید."), field="committee")
    if spec.is_chair and spec.committee is None:
        raise DomainError(_("ریاست بدون کمیته معنا ندارد؛ کمیته را انتخاب کنید."), field="is_chair")
    if spec.committee is not None and cycle is None:
        raise DomainError(_("عضویت کمیته در یک دوره است؛ دوره را انتخاب کنید."), field="cycle")


def chaired_committees(session: Session, *, cycle: Cycle) -> set[int]:
    """Committee ids that already have a chair in ``cycle``."""
    return set(session.scalars(select(Membership.committee_id).where(
        Membership.cycle_id == cycle.id, Membership.is_chair.is_(True))))


@dataclass(frozen=True)
class CreatedAccount:
    user: User
    link: IssuedLink | None  # the one-time link, when no temporary password was given


def create_account(session: Session, *, actor: User, spec: AccountSpec, cycle: Cycle | None,
                   temporary_password: str | None, link_hours: int) -> CreatedAccount:
    """Create an account with its role and, if asked, a committee seat in ``cycle``.

    With a temporary password the user must choose their own at first sign-in; without one the account has
    no usable password and gets a one-time link valid ``link_hours``. Side effects: ``user.create`` (by
    create_user), for a seat ``membership.add``, for a link ``user.password_link`` audit events. A second
    chair for one committee and cycle is refused.
    """
    check_spec(spec, cycle=cycle)
    if spec.is_chair and cycle is not None and spec.committee.id in chaired_committees(session, cycle=cycle):
        raise DomainError(_("این کمیته در این دوره رئیس دارد."), field="is_chair")
    full_name = normalize_text(spec.full_name or "")
    if not full_name:
        raise DomainError(_("نام و نام خانوادگی را وارد کنید."), field="full_name")
    if len(full_name) > FULL_NAME_MAX:
        raise DomainError(_("نام حداکثر %(n)s نویسه است.", n=FULL_NAME_MAX), field="full_name")
    user = create_user(session, username=spec.username, password=temporary_password or None,
                       full_name=full_name, actor=actor, is_organizer=spec.role is Role.ORGANIZER,
                       province=spec.province)
    user.email = spec.email
    user.mobile = spec.mobile
    user.must_change_password = bool(temporary_password)
    if spec.committee is not None:
        membership = Membership(cycle_id=cycle.id, committee_id=spec.committee.id, user_id=user.id,
                                is_chair=spec.is_chair)
        session.add(membership)
        session.flush()
        record(session, actor=actor, action="membership.add", object_type="membership",
               object_id=membership.id, cycle_id=cycle.id,
               changes={"user_id": [None, user.id], "committee": [None, spec.committee.code],
                        "is_chair": [None, spec.is_chair]})
        flag_conflicts_for_member(session, cycle=cycle, user=user)
    session.flush()
    link = None if temporary_password else issue_password_link(session, user=user, actor=actor, hours=link_hours)
    return CreatedAccount(user=user, link=link)


def issue_password_link(session: Session, *, user: User, actor: User, hours: int) -> IssuedLink:
    """Create a one-time link valid for ``hours``; every older unused link of the user stops working.

    Side effects: older live links get ``revoked_at``; one ``user.password_link`` audit event (without the
    token). Returns the token, which exists nowhere else.
    """
    if not user.active:
        raise DomainError(_("این حساب غیرفعال است؛ نخست آن را فعال کنید."), field="user")
    now = clock.now()
    for older in session.scalars(select(PasswordLink).where(
            PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None), PasswordLink.revoked_at.is_(None))):
        older.revoked_at = now
    token = secrets.token_urlsafe(32)
    link = PasswordLink(user_id=user.id, token_hash=hash_token(token), created_by_id=actor.id, created_at=now,
                        expires_at=now + timedelta(hours=hours))
    session.add(link)
    session.flush()
    record(session, actor=actor, action="user.password_link", object_type="user", object_id=user.id,
           changes={"link_id": [None, link.id], "expires_at": [None, link.expires_at]})
    return IssuedLink(user=user, token=token, link=link)


def find_link(session: Session, *, token: str) -> tuple[PasswordLink | None, LinkState]:
    """Look a token up by its hash and say whether it still works (and why not)."""
    if not token or len(token) > TOKEN_MAX:
        return None, LinkState.UNKNOWN
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == hash_token(token)))
    if link is None:
        return None, LinkState.UNKNOWN
    if link.used_at is not None:
        return link, LinkState.USED
    if link.revoked_at is not None:
        return link, LinkState.REPLACED
    if clock.now() >= link.expires_at:
        return link, LinkState.EXPIRED
    if not link.user.active:
        return link, LinkState.DISABLED
    return link, LinkState.VALID


def redeem_password_link(session: Session, *, token: str, new_password: str) -> User:
    """Set the password through a live link, which then stops working.

    Side effects: the link's ``used_at``; the user's password, session token and ``must_change_password``
    (cleared); ``user.password`` and ``user.password_link_use`` audit events.
    """
    link, state = find_link(session, token=token)
    if state is not LinkState.VALID:
        raise DomainError(_("این پیوند دیگر معتبر نیست."), field="token")
    user = link.user
    change_password(session, user=user, new_password=new_password, actor=user)
    user.must_change_password = False
    link.used_at = clock.now()
    record(session, actor=user, action="user.password_link_use", object_type="user", object_id=user.id,
           changes={"link_id": [None, link.id]})
    session.flush()
    return user


def change_own_password(session: Session, *, user: User, current_password: str, new_password: str) -> None:
    """Replace the user's password after checking the current one; clears a forced change.

    Side effects: the password and session token (other sessions end), ``user.password`` audit event.
    """
    if not verify_password(user.password_hash, current_password or ""):
        raise DomainError(_("گذرواژهٔ کنونی درست نیست."), field="current_password")
    if new_password == current_password:
        raise DomainError(_("گذرواژهٔ تازه باید با گذرواژهٔ کنونی فرق کند."), field="new_password")
    try:
        change_password(session, user=user, new_password=new_password, actor=user)
    except DomainError as exc:
        raise DomainError(exc.message, field="new_password") from exc
    user.must_change_password = False
    session.flush()


def set_account_active(session: Session, *, user: User, active: bool, actor: User) -> None:
    """Disable or enable an account through ``auth.services.set_active``; nobody disables themselves."""
    if not active and user.id == actor.id:
        raise DomainError(_("نمی‌توانید حساب خودتان را غیرفعال کنید."), field="user")
    set_active(session, user=user, active=active, actor=actor)
    session.flush()
