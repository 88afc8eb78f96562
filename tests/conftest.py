"""Fixtures: a fresh, migrated database per test (SQLite file copy, or a PostgreSQL template clone)."""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import awards.persian  # noqa: F401  (imports jdatetime under its warning guard before anything else)
from awards import clock, create_app
from awards.db import db, reset_write_intent, set_write_intent
from awards.migrate import upgrade

PG_URL = os.environ.get("AWARDS_TEST_DATABASE_URL")
_counter = itertools.count()


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + make_url(PG_URL).render_as_string() if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Migrate one template database per session; each test gets a copy of it."""
    if PG_URL:
        url = make_url(PG_URL)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        template = f"{url.database}_tmpl_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
            conn.execute(text(f'CREATE DATABASE "{template}"'))
        engine = create_engine(url.set(database=template))
        upgrade(engine)
        engine.dispose()
        yield ("postgresql", template, admin, url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        engine = create_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield ("sqlite", path, None, None)


@pytest.fixture
def database_url(template_database, tmp_path):
    kind, template, admin, url = template_database
    if kind == "sqlite":
        target = tmp_path / "test.sqlite3"
        shutil.copy(template, target)
        yield f"sqlite:///{target}"
        return
    name = f"{url.database}_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app("testing", {
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": tmp_path / "uploads",
        "OUTPUT_FOLDER": tmp_path / "output",
        "HUEY_SQLITE_PATH": tmp_path / "huey.sqlite3",
        "MAIL_OUTBOX_FOLDER": tmp_path / "outbox",
    })
    # No app context stays pushed: each request then gets its own context, ``g`` and database session,
    # as in production. Tests talk to the database through the ``session`` fixture instead.
    yield app
    db.engine.dispose()


@pytest.fixture(autouse=True)
def _reset_clock():
    from datetime import timedelta

    yield
    clock.set_offset(timedelta(0))
    clock.freeze(None)
    clock.freeze_wall(None)


@pytest.fixture(autouse=True)
def _deferred_transactions_in_test_code():
    """Test code begins deferred transactions, so on SQLite it does not hold the write lock while the app
    (in the same thread) serves a request that writes; requests still take it with BEGIN IMMEDIATE."""
    token = set_write_intent(False)
    yield
    reset_write_intent(token)


@pytest.fixture
def session(app):
    """A database session of the test's own, separate from the sessions requests use."""
    test_session = db.session_factory()
    yield test_session
    test_session.rollback()
    test_session.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app, session):
    """The 1404 demo at its default stage (nominations open), committed."""
    from awards.demo import seed_demo

    context = seed_demo(session, password=app.config["DEMO_PASSWORD"], upload_dir=app.config["UPLOAD_FOLDER"],
                        max_bytes=app.config["MAX_UPLOAD_BYTES"])
    session.commit()
    return context


def csrf_token(client, path: str = "/login") -> str:
    """Fetch a page and return the CSRF token embedded in its form."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = "demo-pass-1404"):
    """Sign in through the real form (CSRF included) and return the response."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client):
    def _login(username: str, password: str = "demo-pass-1404"):
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        # Land on the page, as a browser would: it shows (and so removes) the welcome flash, which with
        # server-side sessions is a write of its own that statement-count tests must not see later.
        client.get(response.headers["Location"])
        return client

    return _login
