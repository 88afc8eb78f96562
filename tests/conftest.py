"""Fixtures: a fresh database per test, copied from a template: migrated and empty, or with the demo seeded."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

import awards.persian  # noqa: F401  (imports jdatetime under its warning guard before anything else)
from awards import clock, create_app
from awards.db import db, reset_write_intent, set_write_intent
from tests.database_templates import Templates

PG_URL = os.environ.get("AWARDS_TEST_DATABASE_URL")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + make_url(PG_URL).render_as_string() if PG_URL else 'SQLite'}"


#: The fixtures that stand for the seeded demo, and the stage of the template a test's database is then copied
#: from. A test that asks for one (directly or through other fixtures) gets a copy of that demo template.
DEMO_STAGES = {"demo_final": "final", "demo": "nominations"}


def pytest_collection_modifyitems(config, items):
    """Skip the tests marked ``postgres_only`` unless the suite runs on PostgreSQL."""
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (AWARDS_TEST_DATABASE_URL)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """The migrated template of this process (each xdist worker has its own), and its demo templates."""
    built = Templates(tmp_path_factory.mktemp("templates"), PG_URL)
    yield built
    built.drop()


@pytest.fixture
def demo_stage(request) -> str | None:
    """The demo stage this test's database is a copy of (None: the migrated, empty database)."""
    return next((stage for name, stage in DEMO_STAGES.items() if name in request.fixturenames), None)


@pytest.fixture
def database_url(templates, demo_stage, tmp_path):
    with templates.copy(demo_stage, tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url, templates, demo_stage, tmp_path):
    templates.copy_uploads(demo_stage, tmp_path / "uploads")
    app = create_app("testing", {
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": tmp_path / "uploads",
        "OUTPUT_FOLDER": tmp_path / "output",
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
def _demo_copy(app, session, templates, demo_stage):
    """The demo context of the seeded copy this test's database is, the clock where seeding left it."""
    return templates.demo_context(demo_stage, session, upload_dir=app.config["UPLOAD_FOLDER"],
                                  max_bytes=app.config["MAX_UPLOAD_BYTES"])


@pytest.fixture
def demo(_demo_copy):
    """The 1404 demo at its default stage (nominations open), committed (at its final stage when the test also
    asks for ``demo_final``)."""
    return _demo_copy


@pytest.fixture
def demo_final(_demo_copy):
    """The 1404 demo carried to its frozen result, committed."""
    return _demo_copy


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
