"""Append audit events. The web edge sets the client address once per request; services pass the rest."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from awards.models import AuditEvent, User

_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("awards_client_address", default=None)


def set_client_address(address: str | None) -> contextvars.Token:
    """Remember where the current request came from, for every event it records."""
    return _client_address.set(address)


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
    """Append one event (flushed with the caller's transaction, so it lands only if the change does)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        ip_address=_client_address.get(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes={key: [_plain(v) for v in pair] if isinstance(pair, list | tuple) else _plain(pair)
                 for key, pair in (changes or {}).items()},
        reason=reason,
        cycle_id=cycle_id,
        nomination_id=nomination_id,
        province_id=province_id,
    )
    session.add(event)
    return event
