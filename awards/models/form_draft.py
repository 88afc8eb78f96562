"""A form's typing, autosaved while the user writes, so a reload, a crash or a timeout loses nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base, UTCDateTime

#: The largest draft kept: its fields as UTF-8 JSON (the service refuses a larger one; the database too).
MAX_FIELDS_BYTES = 64 * 1024
#: The longest form key (the form's action path and query, with an optional ``#`` and the form's own name).
MAX_KEY_LENGTH = 300


class FormDraft(Base):
    """One user's unsent typing in one form (one row per user and form key). Never applied by the server: the
    form's page puts the values back and the user decides whether to send them; a successful send empties it
    (``sent_at``) or deletes it."""

    __tablename__ = "form_drafts"
    __table_args__ = (
        UniqueConstraint("user_id", "form_key"),
        CheckConstraint("substr(form_key, 1, 1) = '/' AND substr(form_key, 2, 1) <> '/'", name="key_is_local"),
        CheckConstraint(f"length(form_key) <= {MAX_KEY_LENGTH}", name="key_length"),
        CheckConstraint("substr(page_path, 1, 1) = '/' AND substr(page_path, 2, 1) <> '/'", name="page_is_local"),
        CheckConstraint(f"length(page_path) <= {MAX_KEY_LENGTH}", name="page_length"),
        # Characters, not bytes (both databases agree on characters): the service's byte limit is the stricter.
        CheckConstraint(f"length(fields) <= {MAX_FIELDS_BYTES}", name="fields_size"),
        Index("ix_form_drafts_user_id_page_path", "user_id", "page_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))  # the form's action path (and query)
    page_path: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))  # the page it was typed on (where to restore)
    fields: Mapped[str] = mapped_column(Text)  # JSON {name: [values]}, as awards.auth.pending keeps them
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the form was sent and accepted (the fields are then emptied): an autosave that a page rendered
    # before this moment sends late (it raced the send) is ignored instead of bringing the sent typing back.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<FormDraft {self.id} user={self.user_id} {self.form_key}>"
