"""Append audit events to the hash chain, and verify the chain.

The web edge sets the client address once per request; services pass the rest. Appending locks the chain head
(``SELECT ... FOR UPDATE`` on its one row; SQLite writers are serialised by ``BEGIN IMMEDIATE`` already), takes
the next id from it and chains to its hash, so concurrent writers queue instead of forking the chain and id
order is chain order. The lock is held until the writer's transaction ends.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, insert, select, update
from sqlalchemy.orm import Session

from awards.db import utcnow
from awards.models import AuditChainHead, AuditEvent, User
from awards.models.audit import GENESIS, HASHED_COLUMNS, event_hash

VERIFY_ACTION = "audit.verify"
_HEAD = AuditChainHead.__table__
_EVENTS = AuditEvent.__table__

_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("awards_client_address", default=None)


def set_client_address(address: str | None) -> contextvars.Token:
    """Remember where the current request came from, for every event it records; return the token to reset it."""
    return _client_address.set(address)


def reset_client_address(token: contextvars.Token) -> None:
    """Undo :func:`set_client_address` (at the end of the request), so no later work inherits the address."""
    _client_address.reset(token)


def client_address() -> str | None:
    """The address events recorded now are stamped with (None outside a request)."""
    return _client_address.get()


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def diff(obj: Any, fields: Iterable[str], before: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [before, after]}`` for each field whose value changed since ``before``."""
    changes = {}
    for name in fields:
        old, new = _plain(before.get(name)), _plain(getattr(obj, name))
        if old != new:
            changes[name] = [old, new]
    return changes


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Capture the current values of ``fields`` for a later :func:`diff`."""
    return {name: getattr(obj, name) for name in fields}


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: dict[str, Any] | None = None,
    reason: str | None = None,
    cycle_id: int | None = None,
    nomination_id: int | None = None,
    province_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain (it lands with the caller's transaction, only if the change does).

    Side effects: locks the chain head until the transaction ends and moves it to this event; creates the
    notifications the event calls for (``awards.notifications.services.HANDLERS``).
    """
    [event] = record_many(session, events=[dict(
        actor=actor, action=action, object_type=object_type, object_id=object_id, changes=changes, reason=reason,
        cycle_id=cycle_id, nomination_id=nomination_id, province_id=province_id)])
    return event


def record_many(session: Session, *, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Append several events in order, each a dict of :func:`record`'s keyword arguments, with one head update.

    The statements do not grow with the number of events: one head lock, one head update and one bulk insert.
    """
    if not events:
        return []
    last_id, last_hash = chain_head(session, lock=True)
    made = []
    for spec in events:
        event = _chained_event(prev_id=last_id, prev_hash=last_hash, **spec)
        made.append(event)
        last_id, last_hash = event.id, event.hash
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(last_event_id=last_id, last_hash=last_hash))
    session.add_all(made)
    for listener in _LISTENERS:  # e.g. the notifications an event calls for, in the same transaction
        for event in made:
            listener(session, event)
    return made


#: Called with (session, event) for every event recorded. The audit log sits below every domain package, so those
#: above it (notifications) subscribe here instead of being imported (see :func:`add_listener`).
_LISTENERS: list[Callable[[Session, AuditEvent], None]] = []


def add_listener(listener: Callable[[Session, AuditEvent], None]) -> None:
    """Have ``listener`` called for each event recorded from now on (once, however often it is added)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def _chained_event(*, prev_id: int | None, prev_hash: str, actor: User | None, action: str, object_type: str,
                   object_id: int | None, changes: dict[str, Any] | None = None, reason: str | None = None,
                   cycle_id: int | None = None, nomination_id: int | None = None,
                   province_id: int | None = None) -> AuditEvent:
    plain = {key: [_plain(v) for v in pair] if isinstance(pair, list | tuple) else _plain(pair)
             for key, pair in (changes or {}).items()}
    event = AuditEvent(
        id=(prev_id or 0) + 1,
        at=utcnow(),
        prev_hash=prev_hash,
        actor_id=actor.id if actor is not None else None,
        ip_address=client_address(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=json.loads(json.dumps(plain)),  # hashed exactly as the JSON column will give it back
        reason=reason,
        cycle_id=cycle_id,
        nomination_id=nomination_id,
        province_id=province_id,
    )
    event.hash = event_hash(**{name: getattr(event, name) for name in HASHED_COLUMNS})
    return event


def chain_head(session: Session, *, lock: bool = False) -> tuple[int | None, str]:
    """The newest event's id and hash (None and the genesis hash for an empty log); ``lock`` holds the head."""
    query = select(_HEAD.c.last_event_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1)
    row = session.execute(query.with_for_update() if lock else query).one_or_none()
    if row is None:  # a database built without migration 0006's seed row: start the chain
        session.execute(insert(_HEAD).values(id=1, last_event_id=None, last_hash=GENESIS))
        return None, GENESIS
    return row.last_event_id, row.last_hash


# ---------------------------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------------------------

#: What can be wrong with the chain: Persian (for the page) and English (with it, on the command line).
PROBLEMS = {
    "edited": (_l("محتوای این رویداد با چکیدهٔ ثبت‌شده‌اش نمی‌خواند: پس از ثبت ویرایش شده است."),
               "its content does not match its hash: edited after it was recorded"),
    "link": (_l("این رویداد به رویداد پیش از خود زنجیر نمی‌شود: رویدادی پیش از آن حذف، افزوده یا جابه‌جا شده است."),
             "it does not chain to the event before it: an event before it was deleted, inserted or reordered"),
    "head_mismatch": (_l("چکیدهٔ این رویداد با سر زنجیره نمی‌خواند: تازه‌ترین رویداد جایگزین شده است."),
                      "its hash differs from the chain head's: the newest event was replaced"),
    "tail_missing": (_l("رویداد سر زنجیره در دفتر نیست: تازه‌ترین رویدادها حذف شده‌اند."),
                     "the chain head's event is missing: the newest events were deleted"),
    "beyond_head": (_l("این رویداد پس از سر زنجیره است: بیرون از سامانه به دفتر افزوده شده است."),
                    "it lies beyond the chain head: added to the log outside the application"),
    "head_missing": (_l("سر زنجیره در پایگاه داده نیست."), "the chain head row is missing"),
}


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: ok, or the first event where it breaks and how."""

    ok: bool
    checked: int
    head_event_id: int | None
    bad_event_id: int | None = None
    bad_action: str | None = None
    problem: str | None = None

    def describe(self) -> str:
        """One bilingual line for the command line."""
        if self.ok:
            return (f"زنجیرهٔ رویدادها سالم است ({self.checked} رویداد، سر زنجیره {self.head_event_id}) / "
                    f"audit chain intact: {self.checked} events, head {self.head_event_id}")
        fa, en = PROBLEMS[self.problem]
        action = f" ({self.bad_action})" if self.bad_action else ""
        return f"event {self.bad_event_id}{action}: {fa} / {en}"


def verify_chain(session: Session, *, batch: int = 2000) -> ChainReport:
    """Walk the log in id order, ``batch`` rows at a time, and report the first event that breaks the chain.

    Each event must hash to its stored hash (else it was edited) and chain to its predecessor's (else one
    before it was deleted, inserted or reordered); the last must be the chain head's event, and no event may
    lie beyond the head. Reads only; memory stays bounded by ``batch`` whatever the log's size.
    """
    head = session.execute(select(_HEAD.c.last_event_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1)).one_or_none()
    if head is None:
        return ChainReport(False, 0, None, problem="head_missing")
    head_id, head_hash = head
    report = _walk(session, head_id=head_id, head_hash=head_hash, batch=batch)
    if not report.ok:
        return report
    # Rows beyond the head, read in one statement with the head, so a writer appending meanwhile is no alarm.
    beyond = session.execute(
        select(_EVENTS.c.id, _EVENTS.c.action)
        .where(_EVENTS.c.id > func.coalesce(select(_HEAD.c.last_event_id).where(_HEAD.c.id == 1).scalar_subquery(),
                                            0))
        .order_by(_EVENTS.c.id).limit(1)
    ).one_or_none()
    if beyond is not None:
        return ChainReport(False, report.checked, head_id, beyond.id, beyond.action, "beyond_head")
    return report


def _raw_columns() -> list:
    # Time and changes come as text and are parsed here: a value garbled by hand is then an edited event, not a
    # crash of the whole walk inside the column types' converters.
    raw = {"at": cast(_EVENTS.c.at, Text).label("at"), "changes": cast(_EVENTS.c.changes, Text).label("changes")}
    return [raw.get(name, _EVENTS.c[name]) for name in HASHED_COLUMNS] + [_EVENTS.c.hash]


def _stored_hash_matches(row) -> bool:
    try:
        columns = {name: row[name] for name in HASHED_COLUMNS}
        columns["at"] = datetime.fromisoformat(row["at"]).replace(tzinfo=UTC)
        columns["changes"] = json.loads(row["changes"])
        return event_hash(**columns) == row["hash"]
    except (TypeError, ValueError):
        return False


def _walk(session: Session, *, head_id: int | None, head_hash: str, batch: int) -> ChainReport:
    columns = _raw_columns()
    query = select(*columns).order_by(_EVENTS.c.id).where(_EVENTS.c.id <= (head_id or 0))
    previous, last_id, checked = GENESIS, None, 0
    result = session.execute(query.execution_options(yield_per=batch))
    try:
        for row in result.mappings():
            checked += 1
            if not _stored_hash_matches(row):
                return ChainReport(False, checked, head_id, row["id"], row["action"], "edited")
            if row["prev_hash"] != previous:
                return ChainReport(False, checked, head_id, row["id"], row["action"], "link")
            previous, last_id = row["hash"], row["id"]
    finally:
        result.close()
    if last_id != head_id:
        return ChainReport(False, checked, head_id, head_id, None, "tail_missing")
    if previous != head_hash:
        return ChainReport(False, checked, head_id, head_id, None, "head_mismatch")
    return ChainReport(True, checked, head_id)


def store_verification(session: Session, *, report: ChainReport, actor: User) -> None:
    """Keep the outcome of a verification on the chain head, for the audit page; audited."""
    changes = {"ok": [None, report.ok], "checked": [None, report.checked]}
    if not report.ok:
        changes |= {"bad_event_id": [None, report.bad_event_id], "problem": [None, report.problem]}
    record(session, actor=actor, action=VERIFY_ACTION, object_type="audit", object_id=report.head_event_id,
           changes=changes)
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(
        verified_at=utcnow(), verified_event_id=report.head_event_id, verified_ok=report.ok,
        verified_bad_event_id=report.bad_event_id, verified_problem=report.problem))


def last_verification(session: Session) -> AuditChainHead | None:
    """The chain head row with the last stored verification (fresh from the database)."""
    return session.scalars(select(AuditChainHead).where(AuditChainHead.id == 1)
                           .execution_options(populate_existing=True)).one_or_none()
