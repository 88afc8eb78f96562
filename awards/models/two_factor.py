"""Two-factor sign-in: a user's TOTP secret and their one-time recovery codes (only SHA-256 digests kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base, UTCDateTime, utcnow


class TotpCredential(Base):
    """A confirmed authenticator app: one per user; disabling two-factor deletes it (and the recovery codes)."""

    __tablename__ = "totp_credentials"
    __table_args__ = (CheckConstraint("last_step >= 0", name="last_step_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # Base32 (RFC 4648, no padding), 160 bits: the HMAC key must be at hand, so it cannot be hashed.
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The latest 30-second step whose code was accepted: a code of that step or an earlier one is refused.
    last_step: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<TotpCredential user={self.user_id}>"


class RecoveryCode(Base):
    """One of the ten codes shown once at enrolment; each signs in once instead of the app's code."""

    __tablename__ = "totp_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}>"
