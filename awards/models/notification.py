"""In-app notifications (the bell), their e-mail copies, and each user's opt-outs per kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base, UTCDateTime, utcnow


class Notification(Base):
    """One message to one user. ``mail_to`` is the address captured when it was made (None: bell only);
    ``emailed_at`` is set once its mail went out. ``dedupe_key`` makes a reminder unique per user."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("length(kind) > 0", name="kind_not_empty"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("link IS NULL OR substr(link, 1, 1) = '/'", name="link_is_local"),
        CheckConstraint("mail_attempts >= 0", name="mail_attempts_not_negative"),
        CheckConstraint("emailed_at IS NULL OR mail_to IS NOT NULL", name="emailed_has_address"),
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_mail_pending", "emailed_at", "mail_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_to: Mapped[str | None] = mapped_column(String(254))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mail_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"


class NotificationOptOut(Base):
    """A kind of notification the user asked not to get (no bell entry, no mail); security kinds ignore it."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (CheckConstraint("length(kind) > 0", name="kind_not_empty"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
