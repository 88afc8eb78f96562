"""The SQLAlchemy engine and session, bound to the Flask app context.

SQLite gets foreign keys, WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for write transactions so that a
read-then-write (a quota check, say) takes the write lock up front instead of failing on lock upgrade.

A busy database waits, within a bound: the transaction start retries with jittered backoff until the
``busy_timeout_ms`` budget is spent, then raises :class:`DatabaseBusy` (nothing of the request has run inside the
transaction yet, so nothing is re-run); the web layer answers it with a "try again" page (``awards.errors``).
Requests are readers until they write: ``awards.web.run_service`` opens the write transaction around the
service call only (:func:`begin_writing`), so a POST holds SQLite's write lock for the service and its commit,
not for loading, rendering or file work.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import g
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

from awards import clock

logger = logging.getLogger(__name__)

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
#: Execution option of a bulk UPDATE of nominations that changes nothing a computed result depends on (e.g. moving
#: states within the scoring pool, as a proposal's shortlisting does): the cache keeps what it holds.
RESULTS_UNCHANGED = "results_unchanged"


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


#: Within a request (``awards.hooks``): what a write inside a reader's SQLite transaction gets, "warn" (logged)
#: or "raise" (:class:`WriteInReader`, in tests); None outside requests (CLI, jobs, test code) lets it pass.
_reader_writes: contextvars.ContextVar[str | None] = contextvars.ContextVar("awards_reader_writes", default=None)


def watch_reader_writes(mode: str | None) -> contextvars.Token:
    """Set what a write in a reader's transaction gets in this context ("warn", "raise" or None); return the token."""
    return _reader_writes.set(mode)


def unwatch_reader_writes(token: contextvars.Token) -> None:
    """Undo :func:`watch_reader_writes`."""
    _reader_writes.reset(token)


def set_write_intent(value: bool) -> contextvars.Token:
    """Set the write intent for the current context; return the token to reset it."""
    return _write_intent.set(value)


def reset_write_intent(token: contextvars.Token) -> None:
    """Undo :func:`set_write_intent`."""
    _write_intent.reset(token)


class DatabaseBusy(OperationalError):
    """SQLite's write lock could not be had within the bounded wait: nothing ran in the transaction; try again.

    An ``OperationalError`` (the driver's "database is locked" is its ``orig``), so code that already tolerates
    a busy database (the session store's "last seen") goes on tolerating it.
    """


#: Fragments of the messages SQLite gives for a lock held by another connection.
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
#: PostgreSQL SQLSTATEs that mean "another transaction was in the way; the same request may succeed again":
#: serialization_failure, deadlock_detected, lock_not_available (lock_timeout), query_canceled (statement_timeout).
_PG_RETRYABLE = frozenset({"40001", "40P01", "55P03", "57014"})


def is_busy_error(error: BaseException) -> bool:
    """Whether ``error`` means the database was busy (a lock held elsewhere), not that the request was wrong."""
    if isinstance(error, DatabaseBusy | PoolTimeout):  # every pooled connection stayed taken past the pool's wait
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in _PG_RETRYABLE:
        return True
    return any(fragment in str(original).lower() for fragment in _SQLITE_BUSY)


def _backoff(attempt: int) -> float:
    """Seconds to sleep before attempt ``attempt + 1``: full jitter under a cap that doubles from 10 ms to 200 ms."""
    return random.uniform(0, min(0.2, 0.01 * 2 ** attempt))


def begin_with_retry(begin, *, budget_s: float, set_wait=None, sleep=time.sleep, monotonic=time.monotonic) -> int:
    """Run ``begin()`` until it stops failing busy, within ``budget_s`` seconds in all; return the retries made.

    Before each attempt ``set_wait(seconds)`` (if given) caps the driver's own busy wait at what is left of the
    budget, so the total stays bounded; between attempts a jittered backoff spreads the waiters out. Raises
    :class:`DatabaseBusy` once the budget is spent; any other error goes through as it is.
    """
    deadline = monotonic() + budget_s
    attempt = 0
    while True:
        left = deadline - monotonic()
        if set_wait is not None and attempt:
            set_wait(max(left, 0.0))
        try:
            begin()
            return attempt
        except DBAPIError as error:
            if not is_busy_error(error):
                raise
            left = deadline - monotonic()
            if left <= 0:
                raise DatabaseBusy(error.statement, error.params, error.orig) from error
            sleep(min(left, _backoff(attempt)))
            attempt += 1


@contextlib.contextmanager
def begin_writing(session: Session | scoped_session) -> Iterator[None]:
    """Run the block as the request's write transaction; the request reads again as a reader afterwards.

    On SQLite a reader's transaction with nothing pending is ended first (and what it loaded expired, so the
    writer sees fresh rows), and the next statement begins ``BEGIN IMMEDIATE``: the write lock is held for the
    block and its commit only. A session with changes not yet flushed keeps its transaction (they would be lost).
    PostgreSQL keeps its transaction: write intent means nothing there.
    """
    if isinstance(session, scoped_session):
        session = session()
    if (session.in_transaction() and not _write_intent.get() and session.get_bind().dialect.name == "sqlite"
            and not (session.new or session.dirty or session.deleted)):
        session.commit()  # a reader's transaction: nothing to write, it only ends the snapshot
        session.expire_all()
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def gather_statistics(engine: Engine) -> None:
    """PostgreSQL: ``VACUUM ANALYZE`` the whole database on a connection of its own (VACUUM runs outside a
    transaction). After a bulk load or ``pg_restore`` there are no planner statistics and no visibility map until
    autovacuum comes by: pages are planned blind (an inbox at ten times the national scale took 4.6 s instead of
    65 ms) and counts read whole tables."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def make_engine(url: str, *, busy_timeout_ms: int = 15000) -> Engine:
    """Create an engine for ``url`` with the SQLite pragmas and transaction mode the app relies on;
    ``busy_timeout_ms`` bounds how long a transaction start waits for SQLite's write lock."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteInReader(Exception):
    """A statement wrote inside a reader's SQLite transaction of a request (raised when the app's
    ``SQLITE_STRICT_WRITERS`` is on, as in tests; logged otherwise)."""


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

    def _set_wait(connection, seconds: float) -> None:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(seconds * 1000)}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        statement = "BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN"
        connection.info["awards_reader"] = statement == "BEGIN"
        try:
            retries = begin_with_retry(lambda: connection.exec_driver_sql(statement),
                                       budget_s=busy_timeout_ms / 1000,
                                       set_wait=lambda seconds: _set_wait(connection, seconds))
        except DatabaseBusy:
            _set_wait(connection, busy_timeout_ms / 1000)
            logger.warning("SQLite busy: %s gave up after %d ms", statement, busy_timeout_ms)
            raise
        if retries:
            _set_wait(connection, busy_timeout_ms / 1000)
            logger.info("SQLite busy: %s succeeded after %d retries", statement, retries)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        # A write inside a reader's transaction must upgrade its lock, which fails at once (busy) when another
        # writer committed since the reader began: such code belongs in a writer (run_service, begin_writing).
        watch = _reader_writes.get()
        if watch and connection.info.get("awards_reader") and statement.lstrip()[:7].upper().startswith(_WRITES):
            connection.info["awards_reader"] = False  # say it once per transaction
            logger.warning("write in a reader's transaction (no BEGIN IMMEDIATE): %s", statement[:80])
            if watch == "raise":
                raise WriteInReader(statement[:80])


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
