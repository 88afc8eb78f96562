"""Two-factor sign-in: who must use it, enrolment, checking a code, disabling. Keyword-only, flush, never commit.

A code is checked against the user's last used step with a conditional UPDATE, so two requests racing with
the same code cannot both pass; a recovery code is spent the same way.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from awards import permissions
from awards.audit.services import record
from awards.auth import totp
from awards.auth.passwords import verify_password
from awards.errors import DomainError
from awards.models import RecoveryCode, TotpCredential, User

WRONG_CODE = _l("این کد درست نیست یا پیش‌تر به کار رفته است؛ کد تازهٔ برنامه یا یکی از کدهای بازیابی را وارد کنید.")


def must_use(user: User, *, required: bool) -> bool:
    """Whether ``user`` must sign in with a second factor: organizers and committee chairs, when required."""
    if not required:
        return False
    return permissions.is_organizer(user) or permissions.chairs_any_committee(user)


def credential(session: Session, *, user: User) -> TotpCredential | None:
    return session.get(TotpCredential, user.id)


def remaining_recovery_codes(session: Session, *, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _issue_recovery_codes(session: Session, *, user: User, at: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    session.add_all(RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(code), created_at=at)
                    for code in codes)
    session.flush()
    return codes


def confirm_enrolment(session: Session, *, user: User, secret: str, code: str, at: datetime) -> list[str]:
    """Keep ``secret`` once ``code`` proves the app has it; return the ten recovery codes (shown once)."""
    if credential(session, user=user) is not None:
        raise DomainError(_("ورود دومرحله‌ای برای این حساب پیش‌تر فعال شده است."), field="code")
    step = totp.matching_step(secret, code, at=at)
    if step is None:
        raise DomainError(_("این کد با کلید نمی‌خواند؛ کدی را که برنامه هم‌اکنون نشان می‌دهد وارد کنید."),
                          field="code")
    session.add(TotpCredential(user_id=user.id, secret=secret, confirmed_at=at, last_step=step))
    session.flush()
    codes = _issue_recovery_codes(session, user=user, at=at)
    record(session, actor=user, action="user.two_factor_enrol", object_type="user", object_id=user.id)
    return codes


def _use_totp(session: Session, *, cred: TotpCredential, code: str, at: datetime) -> bool:
    step = totp.matching_step(cred.secret, code, at=at, after=cred.last_step)
    if step is None:
        return False
    # Only one request may move the step forward: a replayed code finds last_step already there.
    moved = session.execute(update(TotpCredential).where(
        TotpCredential.user_id == cred.user_id, TotpCredential.last_step < step).values(last_step=step))
    session.expire(cred)
    return moved.rowcount == 1


def _use_recovery_code(session: Session, *, user: User, code: str, at: datetime) -> bool:
    if not totp.looks_like_recovery_code(code):
        return False
    spent = session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == totp.hash_recovery_code(code),
        RecoveryCode.used_at.is_(None)).values(used_at=at))
    return spent.rowcount == 1


def check_code(session: Session, *, user: User, code: str, at: datetime) -> str:
    """Spend ``code`` (the app's, or a recovery code); return "totp" or "recovery", or raise beside ``code``."""
    cred = credential(session, user=user)
    if cred is None:
        raise DomainError(_("ورود دومرحله‌ای برای این حساب فعال نیست."), field="code")
    if _use_totp(session, cred=cred, code=code, at=at):
        return "totp"
    if _use_recovery_code(session, user=user, code=code, at=at):
        record(session, actor=user, action="user.recovery_code_use", object_type="user", object_id=user.id,
               changes={"remaining": [None, remaining_recovery_codes(session, user=user)]})
        return "recovery"
    raise DomainError(str(WRONG_CODE), field="code")


def complete_sign_in(session: Session, *, user: User, code: str, at: datetime) -> str:
    """The second step of signing in: spend the code and record it."""
    kind = check_code(session, user=user, code=code, at=at)
    record(session, actor=user, action="user.two_factor_login", object_type="user", object_id=user.id,
           changes={"method": [None, kind]})
    return kind


def record_failure(session: Session, *, user: User, purpose: str) -> None:
    """Audit a refused code (the caller rolled back the attempt and commits this alone)."""
    record(session, actor=user, action="user.two_factor_fail", object_type="user", object_id=user.id,
           changes={"purpose": [None, purpose]})


def _check_password_and_code(session: Session, *, user: User, password: str, code: str, at: datetime) -> None:
    if not verify_password(user.password_hash, password or ""):
        raise DomainError(_("گذرواژه درست نیست."), field="password")
    check_code(session, user=user, code=code, at=at)


def disable(session: Session, *, user: User, password: str, code: str, at: datetime) -> None:
    """Turn two-factor sign-in off (password and a current code); the recovery codes go with it."""
    _check_password_and_code(session, user=user, password=password, code=code, at=at)
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    session.expire_all()
    record(session, actor=user, action="user.two_factor_disable", object_type="user", object_id=user.id)


def regenerate_recovery_codes(session: Session, *, user: User, password: str, code: str,
                              at: datetime) -> list[str]:
    """Replace every recovery code with ten new ones (password and a current code)."""
    _check_password_and_code(session, user=user, password=password, code=code, at=at)
    codes = _issue_recovery_codes(session, user=user, at=at)
    record(session, actor=user, action="user.recovery_codes_regenerate", object_type="user", object_id=user.id)
    return codes
