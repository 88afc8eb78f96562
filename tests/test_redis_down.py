"""Redis down under the production config: pages answer, rate limits fall back to memory with a logged
warning, /healthz says what is degraded; with Redis back, everything is as before."""

from __future__ import annotations

import logging
import shutil
import subprocess
import time

import pytest

from awards import create_app, jobs
from tests.conftest import csrf_token
from tests.faults import closed_port

SECRET = "r" * 48


def production_app(database_url, tmp_path, redis_url: str):
    return create_app("production", {
        "SECRET_KEY": SECRET, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url, "REDIS_PREFIX": "tandis-prod-test",
        "RATELIMIT_KEY_PREFIX": "tandis-prod-test",
        "UPLOAD_FOLDER": tmp_path / "uploads", "OUTPUT_FOLDER": tmp_path / "output", "HUEY_IMMEDIATE": True,
        "LOGIN_RATE_LIMIT": "3 per minute", "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})


def failed_logins(client, count: int) -> list[int]:
    token = csrf_token(client, "/login")
    return [client.post("/login", data={"username": "nobody", "password": "wrong-password",
                                        "csrf_token": token}).status_code for _ in range(count)]


@pytest.fixture(autouse=True)
def _fresh_limiter_state():
    from awards.db import db
    from awards.extensions import limiter

    yield
    limiter._storage_dead = False
    db.engine.dispose()  # the production app's connections (no ``app`` fixture here to do it)


def test_redis_unreachable_pages_answer_and_limits_fall_back_to_memory(database_url, tmp_path, caplog):
    app = production_app(database_url, tmp_path, f"redis://127.0.0.1:{closed_port()}/0")
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert client.get("/login").status_code == 200
        assert failed_logins(client, 4) == [200, 200, 200, 429]  # still limited, in this process's memory
    assert any("falling back to in-memory storage" in r.getMessage() for r in caplog.records)
    health = client.get("/healthz")
    assert health.status_code == 503
    checks = health.get_json()["checks"]
    assert checks["redis"]["ok"] is False and checks["database"]["ok"] is True


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of this test's own on a free port, which the test can stop and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = closed_port()
    processes = []

    def start():
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", str(tmp_path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(proc)
        import redis

        client = redis.Redis(port=port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop():
        proc = processes[-1]
        proc.terminate()
        proc.wait(timeout=10)

    start()
    yield type("RedisServer", (), {"url": f"redis://127.0.0.1:{port}/0", "start": staticmethod(start),
                                   "stop": staticmethod(stop)})
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def test_redis_stopped_then_started_again(database_url, tmp_path, redis_server):
    app = production_app(database_url, tmp_path, redis_server.url)
    app.config["HUEY_IMMEDIATE"] = False  # as served: the consumer's heartbeat is checked, in Redis
    client = app.test_client()
    with app.app_context():
        jobs.beat_consumer(app)
    assert client.get("/healthz").status_code == 200
    assert failed_logins(client, 1) == [200]

    redis_server.stop()
    assert client.get("/login").status_code == 200
    assert client.get("/verify/").status_code == 200  # a rate-limited public page
    health = client.get("/healthz")
    assert health.status_code == 503
    assert {name for name, check in health.get_json()["checks"].items() if not check["ok"]} == {"redis", "consumer"}
    assert failed_logins(client, 4)[-1] == 429  # the fallback still counts

    redis_server.start()  # a restarted Redis has lost its keys, as after a real restart without persistence
    with app.app_context():
        jobs.beat_consumer(app)
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_sessions_in_redis_survive_an_outage_signed_out_and_come_back(database_url, tmp_path, redis_server):
    from awards.auth import session_interface
    from awards.auth.services import create_user
    from awards.db import db

    app = production_app(database_url, tmp_path, redis_server.url)
    app.config["SESSION_REDIS_URL"] = redis_server.url
    session_interface.init_app(app)  # the store follows SESSION_REDIS_URL, read when the app is made
    with app.app_context():
        create_user(db.session, username="judge", password="a-long-enough-passphrase", full_name="داور")
        db.session.commit()
    client = app.test_client()
    token = csrf_token(client, "/login")
    signed_in = client.post("/login", data={"username": "judge", "password": "a-long-enough-passphrase",
                                            "csrf_token": token})
    assert signed_in.status_code == 302
    assert client.get("/account/sessions").status_code == 200

    redis_server.stop()
    page = client.get("/account/sessions")
    assert page.status_code == 302 and "/login" in page.headers["Location"]  # served signed out, not a 500
    assert client.get("/login").status_code == 200
    assert client.get("/verify/").status_code == 200
    other = app.test_client()  # an anonymous visitor's cookie needs no store: the sign-in form still works
    token = csrf_token(other, "/login")
    refused = other.post("/login", data={"username": "judge", "password": "a-long-enough-passphrase",
                                         "csrf_token": token})
    assert refused.status_code == 503
    assert "موقتاً در دسترس نیست" in refused.get_data(as_text=True)

    redis_server.start()  # without persistence the restarted Redis has lost the record: sign in again works
    token = csrf_token(client, "/login")
    again = client.post("/login", data={"username": "judge", "password": "a-long-enough-passphrase",
                                        "csrf_token": token})
    assert again.status_code == 302
    assert client.get("/account/sessions").status_code == 200
