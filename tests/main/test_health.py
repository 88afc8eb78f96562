"""/healthz: the database, Redis, the job consumer's heartbeat and free disk; 503 when one of them fails."""

from __future__ import annotations

from datetime import timedelta

from awards import jobs
from awards.models import Setting
from tests.faults import closed_port


def consumer_app(app):
    """The app as served with a real consumer (jobs not run inline), so the heartbeat is checked."""
    app.config["HUEY_IMMEDIATE"] = False
    return app


def test_healthz_all_ok_reports_each_check(app, client):
    consumer_app(app)
    with app.app_context():
        jobs.beat_consumer(app)
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "consumer", "disk_uploads", "disk_output"}
    assert body["checks"]["consumer"]["age_seconds"] <= app.config["CONSUMER_STALE_SECONDS"]
    assert body["checks"]["disk_uploads"]["free_mb"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_503_when_the_consumer_never_beat(app, client):
    consumer_app(app)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["consumer"] == {"ok": False, "error": "no heartbeat"}


def test_healthz_503_when_the_consumer_heartbeat_is_stale(app, client, session):
    consumer_app(app)
    session.add(Setting(key=jobs.CONSUMER_HEARTBEAT_KEY,
                        value=(jobs.real_now() - timedelta(minutes=10)).isoformat()))
    session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    check = response.get_json()["checks"]["consumer"]
    assert check["ok"] is False and check["error"] == "stale heartbeat" and check["age_seconds"] >= 600


def test_healthz_503_when_disk_space_is_low(app, client):
    app.config["MIN_FREE_DISK_MB"] = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["disk_uploads"]["ok"] is False
    assert body["checks"]["disk_uploads"]["error"] == "low disk space"
    assert body["checks"]["database"]["ok"] is True


def test_healthz_503_when_redis_is_down_and_names_no_host(app, client):
    port = closed_port()
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    consumer_app(app)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["consumer"]["ok"] is False  # its heartbeat lives in Redis, out of reach too
    assert body["checks"]["database"]["ok"] is True
    text = response.get_data(as_text=True)
    assert str(port) not in text and "127.0.0.1" not in text


def test_healthz_503_when_the_database_is_unreachable(app, client, tmp_path):
    from awards.db import db, make_engine

    db.engine.dispose()
    db._factory.configure(bind=make_engine(f"sqlite:///{tmp_path}/missing/dir/none.sqlite3"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "missing" not in response.get_data(as_text=True)
