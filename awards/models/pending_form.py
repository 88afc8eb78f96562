"""A form posted after its session had expired, kept so the user gets their typing back after signing in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base, UTCDateTime


class PendingForm(Base):
    """What one expired POST carried (file fields excepted). Never applied by the server: after sign-in the
    page puts the values back into its form and the user decides whether to send them."""

    __tablename__ = "pending_forms"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random; the anonymous cookie holds it
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    page_path: Mapped[str] = mapped_column(String(500))  # the page the form was on (where to restore it)
    action_path: Mapped[str] = mapped_column(String(500))  # where the form was posted
    fields: Mapped[dict] = mapped_column(JSON)  # {name: [values]}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<PendingForm {self.id} user={self.user_id} {self.action_path}>"
