"""No lost typing: a form posted after its session had expired is kept for its user and offered back after they
sign in again. The server never applies it; the page puts the values back into the form and the user sends them.

Kept: every field but the CSRF token and secrets (passwords, codes), up to :data:`MAX_BYTES` of JSON, for
:data:`KEEP_FOR`; file fields are not kept (the browser drops them on the redirect anyway). Only the user whose
session expired gets it back, and only on the page the form was on.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from awards.kept_fields import NEVER_KEPT, kept_fields
from awards.models import PendingForm

__all__ = ["KEEP_FOR", "MAX_BYTES", "NEVER_KEPT", "discard", "find", "kept_fields", "stash"]

KEEP_FOR = timedelta(hours=24)
MAX_BYTES = 200_000


def stash(session: Session, *, user_id: int, page_path: str, action_path: str, form: MultiDict,
          now: datetime) -> str | None:
    """Keep what ``form`` carried for ``user_id``; return its id, or None when there is nothing (or too much) to keep.

    Side effects: deletes the user's kept forms older than :data:`KEEP_FOR` and any earlier one for the same form.
    """
    fields = kept_fields(form)
    if not any(value.strip() for values in fields.values() for value in values):
        return None
    if len(json.dumps(fields, ensure_ascii=False).encode()) > MAX_BYTES:
        return None
    session.execute(delete(PendingForm).where(
        PendingForm.user_id == user_id,
        or_(PendingForm.created_at < now - KEEP_FOR,
            (PendingForm.page_path == page_path) & (PendingForm.action_path == action_path))))
    form_id = secrets.token_hex(16)
    session.add(PendingForm(id=form_id, user_id=user_id, page_path=page_path[:500], action_path=action_path[:500],
                            fields=fields, created_at=now))
    session.flush()
    return form_id


def find(session: Session, *, form_id: str, user_id: int, page_path: str, now: datetime) -> PendingForm | None:
    """The kept form ``form_id`` if it is ``user_id``'s, for ``page_path``, and still fresh."""
    return session.scalar(select(PendingForm).where(
        PendingForm.id == form_id, PendingForm.user_id == user_id, PendingForm.page_path == page_path[:500],
        PendingForm.created_at >= now - KEEP_FOR))


def discard(session: Session, *, form_id: str, user_id: int) -> None:
    session.execute(delete(PendingForm).where(PendingForm.id == form_id, PendingForm.user_id == user_id))
