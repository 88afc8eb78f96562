"""The SQLAlchemy engine and session, bound to the Flask app context.

SQLite gets foreign keys, WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for write transactions so that a
read-then-write (a quota check, say) takes the write lock up front instead of failing on lock upgrade.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import g
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

from awards import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention, so migrations name things stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as naive UTC and hand them back aware (UTC) on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Return the app clock's current time, aware, in UTC (see ``awards.clock``)."""
    return clock.now()


#: Execution option of a bulk statement: the ids of the nominations whose rows (or whose conflicts, sheets,
#: assignments) it changes, so that a cache fed by them (``awards.results.cache``) forgets only what it must. A
#: bulk statement on such rows that names nothing is taken to change everything.
CHANGES_NOMINATIONS = "changes_nominations"


# Set for the duration of a request that may write (POST and friends) and for CLI commands.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("awards_write_intent", default=True)


@contextlib.contextmanager
def write_intent(value: bool) -> Iterator[None]:
    """Mark transactions begun inside the block as writers (SQLite: BEGIN IMMEDIATE) or readers."""
    token = _write_intent.set(value)
    try:
        yield
    finally:
        _write_intent.reset(token)


def set_write_intent(value: bool) -> contextvars.Token:
    """Set the write intent for the current context; return the token to reset it."""
    return _write_intent.set(value)


def reset_write_intent(token: contextvars.Token) -> None:
    """Undo :func:`set_write_intent`."""
    _write_intent.reset(token)


def make_engine(url: str, *, busy_timeout_ms: int = 15000) -> Engine:
    """Create an engine for ``url`` with the SQLite pragmas and transaction mode the app relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


class Database:
    """Own the engine and a session scoped to the Flask app context (flaskr's ``db.py``, for SQLAlchemy)."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory = sessionmaker(expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self._factory, scopefunc=_app_ctx_id)

    def init_app(self, app) -> None:
        self.engine = make_engine(
            app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
        )
        self._factory.configure(bind=self.engine)
        app.extensions["awards_db"] = self
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()

    def session_factory(self) -> Session:
        """Return a new session outside the app-context scope (worker threads, tests, jobs)."""
        return self._factory()


def _app_ctx_id() -> int:
    try:
        return id(g._get_current_object())
    except RuntimeError:  # outside an app context (a worker thread of a race test, say)
        return threading.get_ident()


db = Database()
