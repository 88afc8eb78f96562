"""Server-side sign-in sessions: the record, its expiry rules, two stores, and the services that end them.

Design (the README's "Sessions" paragraph is the short version):

- Each sign-in creates one record: a public random ``id``, the user, when it was created, when its current
  session id was issued (``renewed_at``), when it was last seen, the IP address and the user agent, and the
  Flask session data of that sign-in (CSRF token, language, flashes) in Flask's tagged JSON.
- The browser's session cookie carries only a random session id (256 bits). The store keeps its SHA-256, so a
  leaked table or Redis dump holds no usable cookie. Anonymous visitors keep a small signed cookie that never
  holds a user (see ``awards.auth.session_interface``).
- "Remember me" sets a second cookie with another random secret, also stored only as a SHA-256, bound to the
  same record. When the session id has expired, that cookie revives the record with a fresh session id until
  ``remember_until``. Ending the record (logout, "end this session", an organizer, a disabled account or a new
  password) kills both cookies at once.
- Idle timeout and absolute lifetime are judged here, on the server, from the record's ``last_seen_at`` and
  ``renewed_at``; nothing in the cookie counts. Session times are real time (``clock.wall_now``), not the
  app's replayable calendar: cookies live in the browser's time. ``last_seen_at`` is written at most once per
  ``SESSION_TOUCH_INTERVAL`` (a minute by default), in a short transaction of the store's own, before the
  request's domain transaction begins; so the idle timeout is exact to within that interval.
- Two stores share one interface: :class:`DatabaseStore` (the ``user_sessions`` table, the embedded default)
  and :class:`RedisStore` (when ``AWARDS_REDIS_URL`` is set). Ending sessions from a service passes the
  service's database session as ``within``: the database store then deletes inside the domain transaction,
  so the delete commits with its audit event; Redis deletes at once (a rollback then errs on the safe side).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app, has_app_context
from flask.sessions import session_json_serializer
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from awards.audit.services import record as audit
from awards.db import write_intent
from awards.errors import DomainError
from awards.models import User, UserSession
from awards.models.user import new_session_token

logger = logging.getLogger(__name__)

# token_urlsafe(32): 256 random bits in 43 URL-safe characters, never a "." (signed cookies always have one).
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_secret() -> str:
    """Return a fresh random cookie secret (session id or remember secret)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """Return the SHA-256 (hex) under which a cookie secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class SessionRecord:
    """One sign-in as a store returns it (the same shape from the database and from Redis)."""

    id: str
    user_id: int
    created_at: datetime
    renewed_at: datetime
    last_seen_at: datetime
    remember_until: datetime | None
    ip_address: str
    user_agent: str
    data: str
    token_hash: str | None = None
    remember_hash: str | None = None


# --------------------------------------------------------------------------
# Expiry rules (pure)
# --------------------------------------------------------------------------

def session_alive(record: SessionRecord, *, now: datetime, idle: timedelta, lifetime: timedelta) -> bool:
    """Return whether the record's session id still signs in: seen within ``idle``, issued within ``lifetime``."""
    return record.token_hash is not None and now - record.last_seen_at <= idle and now - record.renewed_at <= lifetime


def remember_alive(record: SessionRecord, *, now: datetime) -> bool:
    """Return whether the record's remember cookie may still revive it."""
    return record.remember_hash is not None and record.remember_until is not None and now <= record.remember_until


def due_for_touch(record: SessionRecord, *, now: datetime, interval: timedelta) -> bool:
    """Return whether ``last_seen_at`` is old enough to be written again (the write is throttled)."""
    return now - record.last_seen_at >= interval


# --------------------------------------------------------------------------
# Stores
# --------------------------------------------------------------------------

class SessionStore(Protocol):
    """Where session records live. Methods taking ``within`` join that database transaction if they can."""

    def create(self, *, user_id: int, now: datetime, ip_address: str, user_agent: str,
               remember_until: datetime | None, data: str = "") -> tuple[SessionRecord, str, str | None]:
        """Store a new record; return it, its session id and its remember secret (or None)."""

    def get(self, record_id: str) -> SessionRecord | None: ...

    def find_by_token(self, token: str) -> SessionRecord | None: ...

    def find_by_remember(self, secret: str) -> SessionRecord | None: ...

    def touch(self, record_id: str, *, now: datetime) -> None: ...

    def save_data(self, record_id: str, data: str) -> None:
        """Replace the record's session data; a record ended meanwhile stays ended."""

    def renew(self, record_id: str, *, now: datetime, ip_address: str, user_agent: str) -> str | None:
        """Issue a fresh session id for the record (the old one dies); return it, or None if the record is gone."""

    def drop_token(self, record_id: str) -> None:
        """Forget the record's session id, keeping the record for its remember cookie."""

    def end(self, record_id: str, *, within: Session | None = None) -> bool: ...

    def end_all(self, user_id: int, *, keep: str | None = None, within: Session | None = None) -> int: ...

    def for_user(self, user_id: int) -> list[SessionRecord]: ...


def _new_record(*, user_id: int, now: datetime, ip_address: str, user_agent: str,
                remember_until: datetime | None, data: str) -> tuple[SessionRecord, str, str | None]:
    token = new_secret()
    remember = new_secret() if remember_until is not None else None
    record = SessionRecord(
        id=secrets.token_hex(16), user_id=user_id, created_at=now, renewed_at=now, last_seen_at=now,
        remember_until=remember_until, ip_address=(ip_address or "")[:45], user_agent=(user_agent or "")[:255],
        data=data, token_hash=digest(token), remember_hash=digest(remember) if remember else None,
    )
    return record, token, remember


class DatabaseStore:
    """Records in the ``user_sessions`` table, each read or write in a short transaction of its own."""

    def __init__(self, factory=None) -> None:
        self._factory = factory

    @staticmethod
    def _record(row: UserSession) -> SessionRecord:
        return SessionRecord(
            id=row.id, user_id=row.user_id, created_at=row.created_at, renewed_at=row.renewed_at,
            last_seen_at=row.last_seen_at, remember_until=row.remember_until, ip_address=row.ip_address,
            user_agent=row.user_agent, data=row.data, token_hash=row.token_hash, remember_hash=row.remember_hash,
        )

    def _read(self, statement) -> SessionRecord | None:
        with write_intent(False), self._factory() as session:
            row = session.scalar(statement)
            return self._record(row) if row is not None else None

    def _write(self, statement) -> int:
        with write_intent(True), self._factory() as session, session.begin():
            return session.execute(statement).rowcount

    def create(self, *, user_id, now, ip_address, user_agent, remember_until, data=""):
        record, token, remember = _new_record(user_id=user_id, now=now, ip_address=ip_address,
                                              user_agent=user_agent, remember_until=remember_until, data=data)
        with write_intent(True), self._factory() as session, session.begin():
            session.add(UserSession(**record.__dict__))
        return record, token, remember

    def get(self, record_id):
        return self._read(select(UserSession).where(UserSession.id == record_id))

    def find_by_token(self, token):
        return self._read(select(UserSession).where(UserSession.token_hash == digest(token)))

    def find_by_remember(self, secret):
        return self._read(select(UserSession).where(UserSession.remember_hash == digest(secret)))

    def touch(self, record_id, *, now):
        try:
            self._write(update(UserSession).where(UserSession.id == record_id).values(last_seen_at=now))
        except OperationalError:
            # SQLite busy past its timeout: the request goes on, and a later one writes "last seen".
            logger.warning("could not record last_seen of session %s", record_id, exc_info=True)

    def save_data(self, record_id, data):
        self._write(update(UserSession).where(UserSession.id == record_id).values(data=data))

    def renew(self, record_id, *, now, ip_address, user_agent):
        token = new_secret()
        changed = self._write(update(UserSession).where(UserSession.id == record_id).values(
            token_hash=digest(token), renewed_at=now, last_seen_at=now,
            ip_address=(ip_address or "")[:45], user_agent=(user_agent or "")[:255]))
        return token if changed else None

    def drop_token(self, record_id):
        self._write(update(UserSession).where(UserSession.id == record_id).values(token_hash=None))

    def end(self, record_id, *, within=None):
        statement = delete(UserSession).where(UserSession.id == record_id)
        if within is not None:
            return within.execute(statement).rowcount > 0
        return self._write(statement) > 0

    def end_all(self, user_id, *, keep=None, within=None):
        statement = delete(UserSession).where(UserSession.user_id == user_id)
        if keep is not None:
            statement = statement.where(UserSession.id != keep)
        if within is not None:
            return within.execute(statement).rowcount
        return self._write(statement)

    def for_user(self, user_id):
        with write_intent(False), self._factory() as session:
            rows = session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                                   .order_by(UserSession.last_seen_at.desc(), UserSession.id))
            return [self._record(row) for row in rows]


# Set fields of a hash only if the hash still exists, so a write racing an "end" cannot bring a record back.
_HSET_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HSET', KEYS[1], unpack(ARGV))
end
return -1
"""


class RedisStore:
    """Records as Redis hashes, with index keys from each secret's digest and a set of ids per user.

    Keys (under ``prefix``): ``rec:<id>`` the record, ``tok:<sha256>`` and ``rem:<sha256>`` point at it,
    ``user:<id>`` lists a user's record ids. Keys expire on their own once neither cookie can use them.
    """

    _FIELDS = ("id", "user_id", "created_at", "renewed_at", "last_seen_at", "remember_until", "ip_address",
               "user_agent", "data", "token_hash", "remember_hash")

    def __init__(self, client, *, prefix: str, lifetime: timedelta) -> None:
        self._redis = client
        self._prefix = prefix
        self._lifetime = lifetime
        self._hset_if_exists = client.register_script(_HSET_IF_EXISTS)

    def _key(self, kind: str, value) -> str:
        return f"{self._prefix}{kind}:{value}"

    def _ttl(self, record: SessionRecord, now: datetime) -> int:
        until = record.renewed_at + self._lifetime
        if record.remember_until is not None:
            until = max(until, record.remember_until)
        return max(1, int((until - now).total_seconds()) + 1)

    @staticmethod
    def _dump(record: SessionRecord) -> dict[str, str]:
        out = {}
        for name in RedisStore._FIELDS:
            value = getattr(record, name)
            out[name] = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
        return out

    @staticmethod
    def _load(raw: dict) -> SessionRecord | None:
        values = {key.decode(): value.decode() for key, value in raw.items()}
        if set(values) != set(RedisStore._FIELDS):
            return None

        def when(text: str) -> datetime | None:
            return datetime.fromisoformat(text) if text else None

        return SessionRecord(
            id=values["id"], user_id=int(values["user_id"]), created_at=when(values["created_at"]),
            renewed_at=when(values["renewed_at"]), last_seen_at=when(values["last_seen_at"]),
            remember_until=when(values["remember_until"]), ip_address=values["ip_address"],
            user_agent=values["user_agent"], data=values["data"], token_hash=values["token_hash"] or None,
            remember_hash=values["remember_hash"] or None,
        )

    def _set(self, record_id: str, **fields) -> bool:
        flat = []
        for name, value in fields.items():
            flat += [name, "" if value is None else value.isoformat() if isinstance(value, datetime) else value]
        return self._hset_if_exists(keys=[self._key("rec", record_id)], args=flat) != -1

    def create(self, *, user_id, now, ip_address, user_agent, remember_until, data=""):
        record, token, remember = _new_record(user_id=user_id, now=now, ip_address=ip_address,
                                              user_agent=user_agent, remember_until=remember_until, data=data)
        ttl = self._ttl(record, now)
        pipe = self._redis.pipeline()
        pipe.hset(self._key("rec", record.id), mapping=self._dump(record))
        pipe.expire(self._key("rec", record.id), ttl)
        pipe.set(self._key("tok", record.token_hash), record.id, ex=int(self._lifetime.total_seconds()) + 1)
        if record.remember_hash:
            pipe.set(self._key("rem", record.remember_hash), record.id, ex=ttl)
        pipe.sadd(self._key("user", user_id), record.id)
        pipe.execute()
        return record, token, remember

    def get(self, record_id):
        return self._load(self._redis.hgetall(self._key("rec", record_id)))

    def _find(self, kind: str, value: str, field: str) -> SessionRecord | None:
        record_id = self._redis.get(self._key(kind, value))
        if record_id is None:
            return None
        record = self.get(record_id.decode())
        # The index key may outlive a renewal or an end; only the record itself is believed.
        return record if record is not None and getattr(record, field) == value else None

    def find_by_token(self, token):
        return self._find("tok", digest(token), "token_hash")

    def find_by_remember(self, secret):
        return self._find("rem", digest(secret), "remember_hash")

    def touch(self, record_id, *, now):
        self._set(record_id, last_seen_at=now)

    def save_data(self, record_id, data):
        self._set(record_id, data=data)

    def renew(self, record_id, *, now, ip_address, user_agent):
        old = self.get(record_id)
        if old is None:
            return None
        token = new_secret()
        if not self._set(record_id, token_hash=digest(token), renewed_at=now, last_seen_at=now,
                         ip_address=(ip_address or "")[:45], user_agent=(user_agent or "")[:255]):
            return None
        renewed = replace(old, renewed_at=now, token_hash=digest(token))
        pipe = self._redis.pipeline()
        if old.token_hash:
            pipe.delete(self._key("tok", old.token_hash))
        pipe.set(self._key("tok", renewed.token_hash), record_id, ex=int(self._lifetime.total_seconds()) + 1)
        pipe.expire(self._key("rec", record_id), self._ttl(renewed, now))
        pipe.execute()
        return token

    def drop_token(self, record_id):
        old = self.get(record_id)
        if old is not None and old.token_hash:
            self._set(record_id, token_hash=None)
            self._redis.delete(self._key("tok", old.token_hash))

    def end(self, record_id, *, within=None):
        old = self.get(record_id)
        if old is None:
            return False
        keys = [self._key("rec", record_id)]
        keys += [self._key("tok", old.token_hash)] if old.token_hash else []
        keys += [self._key("rem", old.remember_hash)] if old.remember_hash else []
        pipe = self._redis.pipeline()
        pipe.delete(*keys)
        pipe.srem(self._key("user", old.user_id), record_id)
        pipe.execute()
        return True

    def end_all(self, user_id, *, keep=None, within=None):
        ids = [raw.decode() for raw in self._redis.smembers(self._key("user", user_id))]
        return sum(self.end(record_id) for record_id in ids if record_id != keep)

    def for_user(self, user_id):
        records = []
        for raw in self._redis.smembers(self._key("user", user_id)):
            record = self.get(raw.decode())
            if record is None:
                self._redis.srem(self._key("user", user_id), raw)
            else:
                records.append(record)
        return sorted(records, key=lambda r: (-r.last_seen_at.timestamp(), r.id))


def current_store() -> SessionStore:
    """Return the app's store; outside a request or command (a service under test), the database store."""
    if has_app_context() and "awards_sessions" in current_app.extensions:
        return current_app.extensions["awards_sessions"]
    return DatabaseStore()


# --------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------

def active_sessions(*, store: SessionStore, user: User, now: datetime, idle: timedelta,
                    lifetime: timedelta) -> list[SessionRecord]:
    """Return the user's records that can still sign in, by session id or remember cookie, latest first."""
    return [r for r in store.for_user(user.id)
            if session_alive(r, now=now, idle=idle, lifetime=lifetime) or remember_alive(r, now=now)]


def end_session(session: Session, *, store: SessionStore, user: User, record_id: str, actor: User) -> None:
    """End one of ``user``'s sessions (its session and remember cookies die); audited as ``session.end``."""
    found = store.get(record_id)
    if found is None or found.user_id != user.id:
        raise DomainError(_("این نشست پیدا نشد؛ شاید پیش‌تر پایان یافته است."), field="session")
    store.end(record_id, within=session)
    audit(session, actor=actor, action="session.end", object_type="user", object_id=user.id,
          changes={"session": [found.id, None]})


def end_all_sessions(session: Session, *, user: User, actor: User, store: SessionStore | None = None,
                     keep: str | None = None, action: str | None = "user.end_sessions") -> int:
    """End every session of ``user`` (but ``keep``); return how many ended.

    Side effects: deletes the records (in ``session``'s transaction on the database store), rotates the
    account's session token so no older cookie of any kind is honoured, and writes ``action`` to the audit
    log unless it is None (a caller that audits the cause itself, such as disabling the account).
    """
    ended = (store or current_store()).end_all(user.id, keep=keep, within=session)
    if keep is None:
        user.session_token = new_session_token()
    session.flush()
    if action is not None:
        audit(session, actor=actor, action=action, object_type="user", object_id=user.id,
              changes={"sessions": [ended, 0]})
    return ended


# --------------------------------------------------------------------------
# User agents in plain words
# --------------------------------------------------------------------------

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_user_agent(user_agent: str) -> str:
    """Name the browser and system of a User-Agent header in plain words ("Firefox on Windows")."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return _("%(browser)s روی %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or system
    return _("مرورگر ناشناخته")


def dumps_data(data: dict) -> str:
    """Serialise Flask session data for a record (Flask's tagged JSON keeps tuples, bytes and markup)."""
    return session_json_serializer.dumps(dict(data))


def loads_data(text: str) -> dict:
    """Read session data written by :func:`dumps_data`; anything unreadable is an empty session."""
    if not text:
        return {}
    try:
        value = session_json_serializer.loads(text)
    except (ValueError, TypeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}
