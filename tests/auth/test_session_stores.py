"""The two session stores honour one contract; the expiry rules and user-agent wording are pure functions.

Redis tests use their own key prefix and are skipped when Redis is unreachable.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from awards.auth.sessions import (
    DatabaseStore,
    RedisStore,
    SessionRecord,
    describe_user_agent,
    digest,
    due_for_touch,
    remember_alive,
    session_alive,
)
from awards.db import db
from tests.auth.test_sessions import cookie, fresh_client, post, sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"
NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
LIFETIME = timedelta(hours=12)


def _redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable")
    return client


@pytest.fixture
def redis_prefix():
    client = _redis_client()
    prefix = f"t-sessions:{uuid.uuid4().hex}:"
    yield client, prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["database", "redis"])
def store(request, app, demo):
    if request.param == "database":
        return DatabaseStore(db.session_factory)
    client, prefix = request.getfixturevalue("redis_prefix")
    return RedisStore(client, prefix=prefix, lifetime=LIFETIME)


@pytest.fixture
def user_ids(demo):
    return demo.users["fars"].id, demo.users["tehran"].id


def _create(store, user_id, *, remember=False, now=NOW):
    return store.create(user_id=user_id, now=now, ip_address="192.0.2.7", user_agent="UA/1",
                        remember_until=now + timedelta(days=7) if remember else None)


def test_store_create_and_find_by_token(store, user_ids):
    record, token, remember = _create(store, user_ids[0])
    assert remember is None
    found = store.find_by_token(token)
    assert found == record
    assert (found.user_id, found.ip_address, found.user_agent, found.created_at) == (user_ids[0], "192.0.2.7",
                                                                                    "UA/1", NOW)
    assert found.token_hash == digest(token)
    assert store.get(record.id) == record


def test_store_unknown_token_and_secret_find_nothing(store, user_ids):
    _create(store, user_ids[0], remember=True)
    assert store.find_by_token("A" * 43) is None
    assert store.find_by_remember("A" * 43) is None
    assert store.get("0" * 32) is None


def test_store_find_by_remember(store, user_ids):
    record, _token, remember = _create(store, user_ids[0], remember=True)
    assert store.find_by_remember(remember).id == record.id
    assert record.remember_until == NOW + timedelta(days=7)


def test_store_touch_and_save_data(store, user_ids):
    record, token, _ = _create(store, user_ids[0])
    store.touch(record.id, now=NOW + timedelta(minutes=3))
    store.save_data(record.id, '{"language":"en"}')
    found = store.find_by_token(token)
    assert (found.last_seen_at, found.data) == (NOW + timedelta(minutes=3), '{"language":"en"}')


def test_store_writes_after_end_do_not_bring_a_record_back(store, user_ids):
    record, token, _ = _create(store, user_ids[0])
    assert store.end(record.id) is True
    store.touch(record.id, now=NOW + timedelta(minutes=3))
    store.save_data(record.id, "{}")
    assert store.renew(record.id, now=NOW, ip_address="", user_agent="") is None
    assert store.get(record.id) is None
    assert store.find_by_token(token) is None
    assert store.end(record.id) is False


def test_store_renew_issues_a_new_id_and_kills_the_old(store, user_ids):
    record, token, remember = _create(store, user_ids[0], remember=True)
    later = NOW + timedelta(hours=2)
    new_token = store.renew(record.id, now=later, ip_address="198.51.100.1", user_agent="UA/2")
    assert new_token != token
    assert store.find_by_token(token) is None
    found = store.find_by_token(new_token)
    assert (found.id, found.created_at, found.renewed_at, found.ip_address) == (record.id, NOW, later,
                                                                                "198.51.100.1")
    assert store.find_by_remember(remember).id == record.id


def test_store_drop_token_keeps_record_for_remember(store, user_ids):
    record, token, remember = _create(store, user_ids[0], remember=True)
    store.drop_token(record.id)
    assert store.find_by_token(token) is None
    assert store.find_by_remember(remember).token_hash is None


def test_store_end_kills_both_secrets(store, user_ids):
    record, token, remember = _create(store, user_ids[0], remember=True)
    store.end(record.id)
    assert store.find_by_token(token) is None
    assert store.find_by_remember(remember) is None


def test_store_end_all_keeps_one_and_other_users(store, user_ids):
    kept, kept_token, _ = _create(store, user_ids[0])
    _create(store, user_ids[0], remember=True)
    _create(store, user_ids[0])
    other, other_token, _ = _create(store, user_ids[1])
    assert store.end_all(user_ids[0], keep=kept.id) == 2
    assert [r.id for r in store.for_user(user_ids[0])] == [kept.id]
    assert store.find_by_token(other_token) == other
    assert store.end_all(user_ids[0]) == 1
    assert store.for_user(user_ids[0]) == []
    assert store.find_by_token(kept_token) is None


def test_store_for_user_latest_first(store, user_ids):
    first, _, _ = _create(store, user_ids[0])
    second, _, _ = _create(store, user_ids[0], now=NOW + timedelta(minutes=1))
    assert [r.id for r in store.for_user(user_ids[0])] == [second.id, first.id]
    assert store.for_user(user_ids[1]) == []


def test_store_truncates_long_user_agent(store, user_ids):
    _, token, _ = store.create(user_id=user_ids[0], now=NOW, ip_address="192.0.2.7", user_agent="x" * 999,
                                    remember_until=None)
    assert len(store.find_by_token(token).user_agent) == 255


def test_redis_store_keys_expire_on_their_own(redis_prefix, demo):
    client, prefix = redis_prefix
    store = RedisStore(client, prefix=prefix, lifetime=LIFETIME)
    record, _token, _remember = store.create(user_id=demo.users["fars"].id, now=datetime.now(UTC),
                                             ip_address="", user_agent="", remember_until=None)
    ttl = client.ttl(f"{prefix}rec:{record.id}")
    assert 0 < ttl <= LIFETIME.total_seconds() + 1


def test_redis_app_logout_kills_captured_cookies(database_url, tmp_path, redis_prefix):
    """The whole app on the Redis store: sign in, capture, log out, and the captured cookies are dead."""
    from awards import create_app
    from awards.demo import seed_demo

    client_redis, prefix = redis_prefix
    app = create_app("testing", {
        "DATABASE_URL": database_url, "UPLOAD_FOLDER": tmp_path / "uploads", "OUTPUT_FOLDER": tmp_path / "out",
        "SESSION_REDIS_URL": REDIS_URL, "SESSION_KEY_PREFIX": prefix,
    })
    try:
        assert isinstance(app.extensions["awards_sessions"], RedisStore)
        with db.session_factory() as session:
            seed_demo(session, password=app.config["DEMO_PASSWORD"], upload_dir=app.config["UPLOAD_FOLDER"],
                      max_bytes=app.config["MAX_UPLOAD_BYTES"])
            session.commit()
        client = sign_in(app.test_client(), "fars", remember=True)
        captured = {"session": cookie(client, "session"), "remember_token": cookie(client, "remember_token")}
        assert client_redis.exists(f"{prefix}tok:{digest(captured['session'])}")
        assert fresh_client(app, session=captured["session"]).get("/nominations/").status_code == 200
        assert post(client, "/logout").status_code == 302
        assert fresh_client(app, session=captured["session"]).get("/nominations/").status_code == 302
        assert fresh_client(app, remember_token=captured["remember_token"]).get("/nominations/").status_code == 302
        assert not list(client_redis.scan_iter(match=f"{prefix}rec:*"))
    finally:
        db.engine.dispose()


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------

def _record(**changes) -> SessionRecord:
    values = {"id": "a" * 32, "user_id": 1, "created_at": NOW, "renewed_at": NOW, "last_seen_at": NOW,
              "remember_until": None, "ip_address": "", "user_agent": "", "data": "", "token_hash": "h",
              "remember_hash": None}
    values.update(changes)
    return SessionRecord(**values)


@pytest.mark.parametrize(("seen", "renewed", "alive"), [
    (timedelta(0), timedelta(0), True),
    (timedelta(minutes=60), timedelta(0), True),
    (timedelta(minutes=60, seconds=1), timedelta(0), False),
    (timedelta(0), timedelta(hours=12), True),
    (timedelta(0), timedelta(hours=12, seconds=1), False),
])
def test_session_alive_idle_and_lifetime(seen, renewed, alive):
    now = NOW + timedelta(hours=13)
    record = _record(last_seen_at=now - seen, renewed_at=now - renewed, created_at=now - timedelta(hours=20))
    assert session_alive(record, now=now, idle=timedelta(minutes=60), lifetime=timedelta(hours=12)) is alive


def test_session_alive_without_token_is_false():
    assert session_alive(_record(token_hash=None), now=NOW, idle=timedelta(hours=1), lifetime=LIFETIME) is False


@pytest.mark.parametrize(("until", "hash_", "alive"), [
    (None, None, False), (NOW, "h", True), (NOW - timedelta(seconds=1), "h", False), (NOW, None, False)])
def test_remember_alive(until, hash_, alive):
    assert remember_alive(_record(remember_until=until, remember_hash=hash_), now=NOW) is alive


def test_due_for_touch_throttles_to_interval():
    record = _record()
    assert due_for_touch(record, now=NOW + timedelta(seconds=59), interval=timedelta(minutes=1)) is False
    assert due_for_touch(record, now=NOW + timedelta(seconds=60), interval=timedelta(minutes=1)) is True


@pytest.mark.parametrize(("agent", "words"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox روی Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36 Edg/126.0.0.0", "Edge روی Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Safari روی iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", "Safari روی macOS"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 "
     "Safari/537.36", "Chrome روی Linux"),
    ("curl/8.5.0", "curl"),
    ("", "مرورگر ناشناخته"),
])
def test_describe_user_agent_plain_words(agent, words):
    assert describe_user_agent(agent) == words
