"""Production serving: trusted proxies, HSTS, the one-line request log and versioned static URLs."""

from __future__ import annotations

import json
import logging

import pytest

from awards import create_app
from awards.serving import request_log

SECRET = "k" * 48


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logged():
    """The request log's lines during the test."""
    handler = _Lines()
    request_log.addHandler(handler)
    level = request_log.level
    request_log.setLevel(logging.INFO)
    yield handler.lines
    request_log.removeHandler(handler)
    request_log.setLevel(level)


@pytest.fixture
def production(database_url, tmp_path):
    def _make(**overrides):
        settings = {"SECRET_KEY": SECRET, "DATABASE_URL": database_url, "UPLOAD_FOLDER": tmp_path / "uploads",
                    "OUTPUT_FOLDER": tmp_path / "output", "RATELIMIT_STORAGE_URI": "memory://",
                    "REDIS_URL": None, "HUEY_IMMEDIATE": True}
        settings.update(overrides)
        return create_app("production", settings)

    yield _make
    from awards.db import db

    db.engine.dispose()


def test_hsts_sent_over_https_behind_a_trusted_proxy(production):
    client = production(TRUSTED_PROXIES=1).test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Secure" in response.headers["Set-Cookie"]


def test_forwarded_headers_ignored_without_trusted_proxies(production):
    client = production(TRUSTED_PROXIES=0).test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" not in response.headers


def test_forwarded_for_gives_the_client_address_with_one_trusted_proxy(production, logged):
    app = production(TRUSTED_PROXIES=1, REQUEST_LOG=True)
    app.test_client().get("/login", headers={"X-Forwarded-For": "198.51.100.4, 203.0.113.9"})
    line = json.loads(logged[-1])
    assert line["ip"] == "203.0.113.9"  # the address the one trusted proxy saw, not what the client claimed


def test_no_hsts_over_plain_http(production):
    response = production(TRUSTED_PROXIES=1).test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers


def test_no_hsts_outside_production(app):
    app.config["TRUSTED_PROXIES"] = 1
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_request_log_is_one_json_line_with_user_route_status_and_duration(app, client, demo, login_as, logged):
    login_as("fars")
    app.config["REQUEST_LOG"] = True
    client.get("/nominations/")
    client.get("/static/css/app.css").close()
    client.get("/no-such-page")
    assert all("\n" not in line for line in logged)
    lines = [json.loads(line) for line in logged]
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("GET", "nominations.index", 200), ("GET", None, 404)]  # the static file is not logged
    assert lines[0]["user_id"] == demo.users["fars"].id
    assert lines[0]["path"] == "/nominations/"
    assert lines[0]["duration_ms"] >= 0


def test_static_urls_carry_a_digest_of_the_file(client):
    html = client.get("/login").get_data(as_text=True)
    assert "/static/css/app.css?v=" in html
    response = client.get("/static/css/app.css?v=whatever")
    assert response.status_code == 200
    response.close()
