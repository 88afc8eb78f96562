"""Accounts. Roles: organizer flag, province officer through ``province_id``, members through memberships."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.models.province import Province

if TYPE_CHECKING:
    from awards.models.committee import Membership
    from awards.models.provincial import ProvincialSeat


def new_session_token() -> str:
    """Return a fresh random token that binds browser sessions to this account state."""
    return secrets.token_urlsafe(16)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("language IS NULL OR language IN ('fa', 'en')", name="language_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(11))
    # Set when an organizer typed a temporary password: the user must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_organizer: Mapped[bool] = mapped_column(Boolean, default=False)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    # Rotated on disable and password change: every session carrying the old token ends.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the user chose (the switch while signed in, or their notification settings): their pages and
    # their notifications, bell and mail, speak it. None until they choose: pages follow the browser's choice,
    # notifications are Persian.
    language: Mapped[str | None] = mapped_column(String(2))

    province: Mapped[Province | None] = relationship(lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", lazy="selectin")
    # Seats on provincial working groups: loaded only when a provincial-round predicate reads them.
    provincial_seats: Mapped[list[ProvincialSeat]] = relationship(viewonly=True, lazy="select")

    # Flask-Login protocol, written out so the model does not import Flask-Login.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_province_officer(self) -> bool:
        return self.province_id is not None

    def __repr__(self) -> str:
        return f"<User {self.username}>"
