"""Configuration from the environment and the production guard."""

from __future__ import annotations

import pytest

from awards import create_app
from config import INSECURE_DEFAULT_KEY, ProductionConfig


def test_production_refuses_default_secret_key():
    with pytest.raises(RuntimeError):
        create_app("production", {"SECRET_KEY": INSECURE_DEFAULT_KEY, "DATABASE_URL": "sqlite://"})


def test_production_refuses_short_secret_key():
    with pytest.raises(RuntimeError):
        ProductionConfig.validate({"SECRET_KEY": "too-short"})


def test_production_sets_secure_cookie_flags():
    app = create_app("production", {"SECRET_KEY": "x" * 48, "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 1
    assert app.config["IDLE_TIMEOUT"].total_seconds() > 0


def test_upload_limit_defaults_to_ten_megabytes(app):
    assert app.config["MAX_UPLOAD_BYTES"] == 10 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["MAX_UPLOAD_BYTES"]
