"""Flask's session, split in two: a signed-in user's data lives server-side, an anonymous visitor's in a cookie.

- Signed in: the session cookie is just the random id of a record in the session store
  (``awards.auth.sessions``); the CSRF token, language and flashes of that sign-in are kept in the record.
  Idle timeout and absolute lifetime are judged from the record when the request opens. A dead id gives an
  anonymous session marked ``expired`` (``hooks`` then says so and sends the user to sign in).
- Anonymous: a small cookie signed with the app's key (its own salt), holding the CSRF token, the language
  and flashes. It never carries a user: any Flask-Login key found in it is dropped, so no cookie signed
  before this design, or re-signed by someone holding the key, signs anybody in.
- Remember me: a second cookie with a random secret bound to the same record; it revives an expired session id
  of a record that still exists, never a record that was ended.

Sign-in goes through :func:`begin` and sign-out through :func:`end_current`; the routes call nothing else.
"""

from __future__ import annotations

import hashlib

import redis
from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSession, SessionInterface, session_json_serializer
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from awards import clock
from awards.auth.sessions import (
    TOKEN_RE,
    DatabaseStore,
    RedisStore,
    SessionRecord,
    SessionStore,
    due_for_touch,
    dumps_data,
    loads_data,
    remember_alive,
    session_alive,
)
from awards.db import db, is_busy_error

# Flask-Login's keys: the anonymous cookie must never carry them.
USER_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")
# What an anonymous visitor carries across sign-in and sign-out.
KEPT_KEYS = ("language", "pending_form")


class AwardsSession(SecureCookieSession):
    """Flask's session dict, plus where it lives and what its cookies need at the end of the request."""

    def __init__(self, initial=None) -> None:
        super().__init__(initial)
        self.record: SessionRecord | None = None  # the server-side record of a signed-in session
        self.new_token: str | None = None  # a session id to send (sign-in or remember revival)
        self.new_remember: str | None = None  # a remember secret to send (sign-in with "remember me")
        self.forget_remember = False  # delete the remember cookie
        self.stale_cookie = False  # the browser holds a session cookie that no longer means anything
        self.expired = ""  # "idle" or "lifetime": why the signed-in session of this cookie just ended
        self.expired_user_id: int | None = None  # whose session that was (to keep a form they were posting)
        self.store_down = False  # the store could not be reached: served signed out, the cookies left alone


class ServerSideSessionInterface(SessionInterface):
    """Open and save :class:`AwardsSession`s against a :class:`~awards.auth.sessions.SessionStore`."""

    salt = "awards-anonymous-session"

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    # -- anonymous cookie --------------------------------------------------

    def _signer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        return URLSafeTimedSerializer(app.secret_key, salt=self.salt, serializer=session_json_serializer,
                                      signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256})

    def _anonymous(self, app: Flask, raw: str | None) -> AwardsSession:
        data = {}
        signer = self._signer(app)
        if raw and signer is not None:
            try:
                data = signer.loads(raw, max_age=int(app.permanent_session_lifetime.total_seconds()))
            except BadSignature:
                data = {}
        data = {k: v for k, v in data.items() if k not in USER_KEYS} if isinstance(data, dict) else {}
        return AwardsSession(data)

    # -- open ----------------------------------------------------------------

    def open_session(self, app: Flask, request) -> AwardsSession:
        # Redis down must not take every page down with it: the request is served signed out, and the
        # browser keeps its cookies, so the user is signed in again once the store answers.
        try:
            return self._open(app, request)
        except RedisError as error:
            app.logger.warning("session store unreachable, request served signed out: %s", error)
            result = AwardsSession()
            result.store_down = True
            return result

    def _open(self, app: Flask, request) -> AwardsSession:
        now = clock.wall_now()
        idle, lifetime = app.config["IDLE_TIMEOUT"], app.permanent_session_lifetime
        raw = request.cookies.get(self.get_cookie_name(app))
        expired, expired_user_id = "", None
        if raw and TOKEN_RE.fullmatch(raw):
            record = self.store.find_by_token(raw)
            if record is not None and session_alive(record, now=now, idle=idle, lifetime=lifetime):
                return self._signed_in(app, request, record, now)
            if record is not None:
                expired = "idle" if now - record.last_seen_at > idle else "lifetime"
                expired_user_id = record.user_id
                if remember_alive(record, now=now):
                    self.store.drop_token(record.id)
                else:
                    self.store.end(record.id)
            result = AwardsSession()
            result.stale_cookie = True
        else:
            result = self._anonymous(app, raw)
        remember = request.cookies.get(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
        if remember:
            revived = self._revive(app, request, remember, now)
            if revived is not None:
                return revived
            result.forget_remember = True
        result.expired, result.expired_user_id = expired, expired_user_id
        return result

    def _signed_in(self, app: Flask, request, record: SessionRecord, now) -> AwardsSession:
        static_prefix = (app.static_url_path or "/static") + "/"
        # Throttled, and in its own short transaction: the request's domain transaction has not begun yet.
        if not request.path.startswith(static_prefix) and due_for_touch(
                record, now=now, interval=app.config["SESSION_TOUCH_INTERVAL"]):
            self.store.touch(record.id, now=now)
        result = AwardsSession(loads_data(record.data))
        result.record = record
        return result

    def _revive(self, app: Flask, request, secret: str, now) -> AwardsSession | None:
        if not TOKEN_RE.fullmatch(secret):
            return None
        record = self.store.find_by_remember(secret)
        if record is None or not remember_alive(record, now=now):
            return None
        old = loads_data(record.data)
        if not old.get("_user_id"):
            return None
        token = self.store.renew(record.id, now=now, ip_address=request.remote_addr or "",
                                 user_agent=request.user_agent.string)
        if token is None:
            return None
        result = AwardsSession({"_user_id": old["_user_id"], "_fresh": False,
                                **{k: old[k] for k in KEPT_KEYS if k in old}})
        result.permanent = True
        result.record = self.store.get(record.id)
        result.new_token = token
        result.modified = True
        return result

    # -- save ----------------------------------------------------------------

    def save_session(self, app: Flask, session: AwardsSession, response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        secure, samesite = self.get_cookie_secure(app), self.get_cookie_samesite(app)
        httponly, partitioned = self.get_cookie_httponly(app), self.get_cookie_partitioned(app)
        if session.accessed:
            response.vary.add("Cookie")
        if session.store_down:
            return
        self._remember_cookie(app, session, response)
        if session.record is not None:
            if session.modified or session.new_token:
                _release_request_transaction(self.store)
                try:
                    self.store.save_data(session.record.id, dumps_data(session))
                except OperationalError as error:
                    if not is_busy_error(error):
                        raise
                    # The database stayed busy past its bounded wait: the answer still goes out; this
                    # request's session changes (a flash, say) are lost, the sign-in itself is not.
                    app.logger.warning("session %s not saved, database busy: %s", session.record.id, error)
            if session.new_token:
                until = session.record.renewed_at + app.permanent_session_lifetime
                response.set_cookie(name, session.new_token, expires=until, httponly=httponly,
                                    domain=domain, path=path, secure=secure, samesite=samesite,
                                    partitioned=partitioned)
                response.vary.add("Cookie")
            return
        for key in USER_KEYS:
            session.pop(key, None)
        if not session:
            if session.modified or session.stale_cookie:
                response.delete_cookie(name, domain=domain, path=path, secure=secure, samesite=samesite,
                                       httponly=httponly, partitioned=partitioned)
                response.vary.add("Cookie")
            return
        if session.modified or session.stale_cookie:
            value = self._signer(app).dumps(dict(session))
            response.set_cookie(name, value, httponly=httponly, domain=domain, path=path, secure=secure,
                                samesite=samesite, partitioned=partitioned)
            response.vary.add("Cookie")

    @staticmethod
    def _remember_cookie(app: Flask, session: AwardsSession, response) -> None:
        name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        options = {"domain": app.config.get("REMEMBER_COOKIE_DOMAIN"),
                   "path": app.config.get("REMEMBER_COOKIE_PATH", "/"),
                   "secure": app.config.get("REMEMBER_COOKIE_SECURE", False),
                   "httponly": app.config.get("REMEMBER_COOKIE_HTTPONLY", True),
                   "samesite": app.config.get("REMEMBER_COOKIE_SAMESITE")}
        if session.new_remember and session.record is not None:
            response.set_cookie(name, session.new_remember, expires=session.record.remember_until,
                                **options)
        elif session.forget_remember:
            response.delete_cookie(name, **options)


def _release_request_transaction(store: SessionStore) -> None:
    """End the request's unfinished database transaction before the database store writes.

    The response is complete by now, so whatever the view left uncommitted would be rolled back at teardown
    anyway; ending it here releases SQLite's write lock, which a POST request holds from its first query.
    """
    if not isinstance(store, DatabaseStore):
        return
    if db.session.registry.has() and db.session().in_transaction():
        db.session.rollback()


# --------------------------------------------------------------------------
# Sign-in and sign-out (called by the auth routes)
# --------------------------------------------------------------------------

def store() -> SessionStore:
    return current_app.extensions["awards_sessions"]


def current_record() -> SessionRecord | None:
    """Return the record of the signed-in session of this request, if any."""
    return getattr(session._get_current_object(), "record", None)


def begin(user, *, remember: bool) -> None:
    """Sign ``user`` in: a fresh session (only the language carries over) backed by a new record.

    Call it after the route's commit: on the database store it ends whatever transaction is still open.
    """
    current = session._get_current_object()
    kept = {k: current[k] for k in KEPT_KEYS if k in current}
    current.clear()
    current.update(kept)
    login_user(user)
    current.permanent = True
    now = clock.wall_now()
    remember_until = now + current_app.config["REMEMBER_COOKIE_DURATION"] if remember else None
    _release_request_transaction(store())
    record, token, secret = store().create(user_id=user.id, now=now, ip_address=request.remote_addr or "",
                                           user_agent=request.user_agent.string, remember_until=remember_until)
    current.record, current.new_token, current.new_remember = record, token, secret
    # The CSRF token exists from the start, so two tabs opened at once cannot each write a different one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # the sign-in form's, now void
    generate_csrf()
    _prune(user.id, now)
    remember_name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    current.forget_remember = secret is None and remember_name in request.cookies


def _prune(user_id: int, now) -> None:
    """Delete the user's records that neither cookie can use any more (Redis lets its keys expire instead)."""
    config = current_app.config
    for old in store().for_user(user_id):
        if not (session_alive(old, now=now, idle=config["IDLE_TIMEOUT"], lifetime=config["PERMANENT_SESSION_LIFETIME"])
                or remember_alive(old, now=now)):
            store().end(old.id)


def end_current() -> None:
    """Sign out: delete this session's record, forget both cookies, keep only the language.

    Call it after the route's commit: on the database store it ends whatever transaction is still open.
    """
    current = session._get_current_object()
    if current.record is not None:
        _release_request_transaction(store())
        store().end(current.record.id)
    logout_user()
    kept = {k: current[k] for k in KEPT_KEYS if k in current}
    current.clear()
    current.update(kept)
    current.record, current.new_token, current.new_remember = None, None, None
    current.forget_remember = current.stale_cookie = True


def init_app(app: Flask) -> None:
    """Install the server-side session interface with the store the configuration asks for."""
    url = app.config.get("SESSION_REDIS_URL")
    if url:
        lifetime = max(app.permanent_session_lifetime, app.config["IDLE_TIMEOUT"])
        chosen: SessionStore = RedisStore(redis.Redis.from_url(url), prefix=app.config["SESSION_KEY_PREFIX"],
                                          lifetime=lifetime)
    else:
        chosen = DatabaseStore(db.session_factory)
    app.extensions["awards_sessions"] = chosen  # the services find it here (sessions.current_store)
    app.session_interface = ServerSideSessionInterface(chosen)
