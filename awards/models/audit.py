"""The append-only audit log, sealed as a hash chain. Database triggers refuse UPDATE and DELETE on it.

Each event stores ``prev_hash`` (the hash of the event before it, or :data:`GENESIS` for the first) and
``hash``, the SHA-256 of its canonical content (:func:`canonical_content`: every column but ``hash``, the
previous hash included). Editing, deleting, inserting or reordering a row by hand, even with the triggers
dropped, breaks the chain where it happened; ``flask audit verify`` walks it. The one-row
:class:`AuditChainHead` names the newest event and its hash: appends lock it, so two writers never chain to
the same predecessor, and event ids are handed out from it, so id order is chain order.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.models.user import User

#: What the first event chains to: 64 zeros, fixed forever.
GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # Two events chaining to one predecessor would be a fork: the database refuses it.
    # The cycles page's timeline history reads the few events of one object type, newest first (issue 14).
    __table_args__ = (UniqueConstraint("prev_hash"), Index("ix_audit_events_object_type_at", "object_type", "at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column()
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"field": [before, after]}
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(lazy="joined")


class AuditChainHead(Base):
    """The newest event of the chain (one row, locked by every append), and the last stored verification."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None] = mapped_column()
    last_hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_event_id: Mapped[int | None] = mapped_column()  # the head the verification reached
    verified_ok: Mapped[bool | None] = mapped_column(Boolean)
    verified_bad_event_id: Mapped[int | None] = mapped_column()
    verified_problem: Mapped[str | None] = mapped_column(Text)


def canonical_content(*, id: int, at: datetime, actor_id: int | None, ip_address: str | None, action: str,
                      object_type: str, object_id: int | None, cycle_id: int | None, nomination_id: int | None,
                      province_id: int | None, changes: Any, reason: str | None, prev_hash: str) -> bytes:
    """The bytes an event's hash seals: a JSON object with sorted keys, no spaces, UTF-8, time in UTC ISO."""
    content = {
        "id": id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "ip": ip_address,
        "action": action,
        "object": [object_type, object_id],
        "cycle": cycle_id,
        "nomination": nomination_id,
        "province": province_id,
        "changes": changes,
        "reason": reason,
        "prev": prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(**columns: Any) -> str:
    """SHA-256 (hex) of :func:`canonical_content` of the given columns."""
    return hashlib.sha256(canonical_content(**columns)).hexdigest()


#: The columns :func:`canonical_content` reads, in its argument names.
HASHED_COLUMNS = ("id", "at", "actor_id", "ip_address", "action", "object_type", "object_id", "cycle_id",
                  "nomination_id", "province_id", "changes", "reason", "prev_hash")


AUDIT_GUARD_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    ],
}

#: Statements that remove the triggers above (migrations rewrite the table between them).
AUDIT_GUARD_DROPS = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events"],
}
