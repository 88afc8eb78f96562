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
from awards.kept_fields import is_kept_name
from awards.models import FormDraft
from awards.models.form_draft import MAX_FIELDS_BYTES, MAX_KEY_LENGTH

MAX_BYTES = MAX_FIELDS_BYTES
KEEP_FOR = timedelta(days=30)
MAX_PER_USER = 100
MAX_FIELDS = 500
MAX_NAME_LENGTH = 200
#: Fields never written down: the form's CSRF token and anything secret (any name with "password" in it, too).
#: A local path: one leading slash (not two: that would name another host), no backslash, no space or control.
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")


class FormAlreadySent(DomainError):
    """A late save from a page rendered before the form's last accepted send: ignored."""

    http_status = 409


class DraftTooLarge(DomainError):
    """The draft is over :data:`MAX_BYTES`: nothing was saved (the previous draft, if any, stays)."""

    http_status = 413


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


def _upsert(session: Session, values: dict, *, where=None) -> None:
    """Insert the draft ``values`` or update the user's row for that key (one statement: racing saves of one form
    cannot collide); with ``where``, an existing row is updated only when it holds."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(FormDraft).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[FormDraft.user_id, FormDraft.form_key],
        set_={name: getattr(statement.excluded, name) for name in values if name not in ("user_id", "form_key")},
        where=where))


def save(session: Session, *, user_id: int, key: str, page_path: str, fields: object, now: datetime,
         rendered_at: datetime | None = None) -> FormDraft:
    """Keep ``fields`` as ``user_id``'s draft of the form ``key`` (typed on ``page_path``), replacing the one before.

    ``rendered_at`` is when the server rendered the page that sends it: a save from a page older than the form's
    last accepted send raced that send and is refused (:class:`FormAlreadySent`), so sent typing never comes back.
    Side effects: one upsert, then deletes the user's drafts older than :data:`KEEP_FOR` and the oldest beyond
    :data:`MAX_PER_USER`. No audit event.
    """
    if not is_local_path(key) or not is_local_path(page_path):
        raise DomainError(_("این فرم پیش‌نویس نمی‌پذیرد."), field="key")
    text = serialise(clean_fields(fields))
    fresh = FormDraft.sent_at.is_(None) if rendered_at is None else or_(FormDraft.sent_at.is_(None),
                                                                          FormDraft.sent_at <= rendered_at)
    _upsert(session, {"user_id": user_id, "form_key": key, "page_path": page_path, "fields": text,
                      "updated_at": now, "sent_at": None}, where=fresh)
    draft = session.scalars(select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form_key == key)
                            .execution_options(populate_existing=True)).one()
    if draft.sent_at is not None:
        raise FormAlreadySent(_("این فرم پیش از این فرستاده شده است؛ برای پیش‌نویس تازه صفحه را دوباره باز کنید."),
                              field="key")
    _prune(session, user_id=user_id, now=now)
    return draft


def _prune(session: Session, *, user_id: int, now: datetime) -> None:
    beyond = (select(FormDraft.id).where(FormDraft.user_id == user_id)
              .order_by(FormDraft.updated_at.desc(), FormDraft.id.desc()).offset(MAX_PER_USER))
    session.execute(delete(FormDraft).where(
        FormDraft.user_id == user_id,
        or_(FormDraft.updated_at < now - KEEP_FOR, FormDraft.id.in_(beyond.scalar_subquery()))))


def for_page(session: Session, *, user_id: int, page_path: str, now: datetime) -> list[FormDraft]:
    """``user_id``'s fresh drafts typed on ``page_path`` (reads only: a GET never writes)."""
    return list(session.scalars(select(FormDraft).where(
        FormDraft.user_id == user_id, FormDraft.page_path == page_path[:MAX_KEY_LENGTH],
        FormDraft.sent_at.is_(None), FormDraft.updated_at >= now - KEEP_FOR,
    ).order_by(FormDraft.updated_at, FormDraft.id)))


def fields_of(draft: FormDraft) -> dict[str, list[str]]:
    return json.loads(draft.fields)


def discard(session: Session, *, user_id: int, key: str) -> None:
    """Delete ``user_id``'s draft of the form ``key`` (no draft: nothing to do)."""
    session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form_key == key))


def clear_sent(session: Session, *, user_id: int, keys: Iterable[str], now: datetime, marked: bool) -> None:
    """The form was sent and accepted: its drafts (``keys``, the form's action and its named variant) are done.

    A form whose page autosaves (``marked``: the page's script said so in the send) may have a last save still on
    its way: the row stays, emptied and marked sent, so that late save is refused (see :func:`save`). Otherwise
    the rows go.
    """
    keys = [key for key in keys if key and is_local_path(key)]
    if not keys:
        return
    if not marked:
        session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form_key.in_(keys)))
        return
    for key in keys:
        _upsert(session, {"user_id": user_id, "form_key": key, "page_path": key.split("?")[0].split("#")[0],
                          "fields": "{}", "updated_at": now, "sent_at": now})
