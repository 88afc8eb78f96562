"""Form drafts: what a user has typed into a form and not yet sent, autosaved by the page while they type.

A draft is the user's own (one per user and form key), never applied by the server: the form's page puts the values
back into the form (read-only on GET) and the user decides whether to send them. A successful send of that form
deletes it (``awards.web.run_service``, in the send's own transaction); a refused send keeps it.

Kept: every field but the CSRF token, secrets (passwords, codes) and file fields, as ``{name: [values]}`` (the
shape ``awards.auth.pending`` keeps an expired post in, so the page puts both back the same way), up to
:data:`MAX_BYTES` of UTF-8 JSON, for :data:`KEEP_FOR`, at most :data:`MAX_PER_USER` per user (the oldest go).
Saving is one upsert and one small delete, and writes no audit event: it is the user's scratch pad, not a change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import quote

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from awards.errors import DomainError
from awards.models import FormDraft
from awards.models.form_draft import MAX_FIELDS_BYTES, MAX_KEY_LENGTH

MAX_BYTES = MAX_FIELDS_BYTES
KEEP_FOR = timedelta(days=30)
MAX_PER_USER = 100
MAX_FIELDS = 500
MAX_NAME_LENGTH = 200
#: Fields never written down: the form's CSRF token and anything secret (any name with "password" in it, too).
NEVER_KEPT = frozenset({"csrf_token", "password", "current_password", "new_password", "confirm_password", "code",
                        "recovery_code"})
#: A local path: one leading slash (not two: that would name another host), no backslash, no space or control.
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


class DraftTooLarge(DomainError):
    """The draft is over :data:`MAX_BYTES`: nothing was saved (the previous draft, if any, stays)."""

    http_status = 413


def is_kept_name(name: str) -> bool:
    """Whether a field called ``name`` may be written down (no CSRF token, no secret)."""
    return name not in NEVER_KEPT and "password" not in name


def form_key(path: str, query: str = "", name: str = "") -> str:
    """The key of a form: the path it posts to (as the browser writes it), its query, and the name a page with
    several forms posting to one address gives each (``data-autosave="..."``, sent as ``_draft``)."""
    key = quote(path, safe="/:@!$&'()*+,;=-._~")
    if query:
        key += f"?{query}"
    return f"{key}#{name}" if name else key


def is_local_path(path: object) -> bool:
    """Whether ``path`` is a path of this site (``/...``), short enough to be a key, naming no other host."""
    return isinstance(path, str) and len(path) <= MAX_KEY_LENGTH and _LOCAL_PATH.fullmatch(path) is not None


def clean_fields(raw: object) -> dict[str, list[str]]:
    """The typed fields as ``{name: [values]}``, secrets dropped; refuse anything of another shape."""
    if not isinstance(raw, dict) or len(raw) > MAX_FIELDS:
        raise DomainError(_("پیش‌نویس قالب درستی ندارد."), field="fields")
    fields: dict[str, list[str]] = {}
    for name, values in raw.items():
        if isinstance(values, str):
            values = [values]
        if (not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH or not isinstance(values, list)
                or not all(isinstance(value, str) for value in values)):
            raise DomainError(_("پیش‌نویس قالب درستی ندارد."), field="fields")
        if is_kept_name(name):
            fields[name] = values
    return fields


def serialise(fields: dict[str, list[str]]) -> str:
    """The stored text of ``fields``; refuse a draft over :data:`MAX_BYTES`."""
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > MAX_BYTES:
        raise DraftTooLarge(_("پیش‌نویس بزرگ‌تر از %(kb)s کیلوبایت است و ذخیره نشد.", kb=MAX_BYTES // 1024),
                            field="fields")
    return text


def save(session: Session, *, user_id: int, key: str, page_path: str, fields: object, now: datetime) -> FormDraft:
    """Keep ``fields`` as ``user_id``'s draft of the form ``key`` (typed on ``page_path``), replacing the one before.

    Side effects: one upsert (so two saves racing for the same form cannot collide), then deletes the user's drafts
    older than :data:`KEEP_FOR` and the oldest beyond :data:`MAX_PER_USER`. No audit event.
    """
    if not is_local_path(key) or not is_local_path(page_path):
        raise DomainError(_("این فرم پیش‌نویس نمی‌پذیرد."), field="key")
    text = serialise(clean_fields(fields))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(FormDraft).values(user_id=user_id, form_key=key, page_path=page_path, fields=text,
                                         updated_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=[FormDraft.user_id, FormDraft.form_key],
        set_={"page_path": statement.excluded.page_path, "fields": statement.excluded.fields,
              "updated_at": statement.excluded.updated_at}))
    beyond = (select(FormDraft.id).where(FormDraft.user_id == user_id)
              .order_by(FormDraft.updated_at.desc(), FormDraft.id.desc()).offset(MAX_PER_USER))
    session.execute(delete(FormDraft).where(
        FormDraft.user_id == user_id,
        or_(FormDraft.updated_at < now - KEEP_FOR, FormDraft.id.in_(beyond.scalar_subquery()))))
    return session.scalars(select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form_key == key)
                           .execution_options(populate_existing=True)).one()


def for_page(session: Session, *, user_id: int, page_path: str, now: datetime) -> list[FormDraft]:
    """``user_id``'s fresh drafts typed on ``page_path`` (reads only: a GET never writes)."""
    return list(session.scalars(select(FormDraft).where(
        FormDraft.user_id == user_id, FormDraft.page_path == page_path[:MAX_KEY_LENGTH],
        FormDraft.updated_at >= now - KEEP_FOR).order_by(FormDraft.updated_at, FormDraft.id)))


def fields_of(draft: FormDraft) -> dict[str, list[str]]:
    return json.loads(draft.fields)


def discard(session: Session, *, user_id: int, key: str) -> None:
    """Delete ``user_id``'s draft of the form ``key`` (no draft: nothing to do)."""
    session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form_key == key))


def clear_sent(session: Session, *, user_id: int, keys: Iterable[str]) -> None:
    """The form was sent and accepted: its drafts (``keys``, the form's action and its named variants) are done."""
    keys = [key for key in keys if key]
    if keys:
        session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form_key.in_(keys)))
