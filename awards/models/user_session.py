"""Server-side sign-in sessions (the embedded store; Redis holds the same records when configured)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base, UTCDateTime


class UserSession(Base):
    """One sign-in of one user on one device. Only SHA-256 digests of the browser's secrets are stored."""

    __tablename__ = "user_sessions"
    __table_args__ = (
        CheckConstraint("renewed_at >= created_at", name="renewed_after_created"),
        CheckConstraint("last_seen_at >= created_at", name="seen_after_created"),
    )

    # A public handle (random, not a secret): the sessions page names a record by it.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # SHA-256 of the session cookie's id; NULL while only the remember cookie can revive the record.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of the remember cookie's secret, when the user ticked "remember me".
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the current session id was issued (password or remember cookie): the absolute lifetime runs from it.
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    # Flask's session data for this sign-in (CSRF token, language, flashes), in Flask's tagged JSON.
    data: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
