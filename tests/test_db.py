"""The engine survives a PostgreSQL restart: the request after it reconnects (pool pre-ping), no 500."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgres_only


def terminate_connections_to(database_url: str) -> int:
    """``pg_terminate_backend`` every connection to this test's own database (what a restart does to them)."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": url.database}).all())
    finally:
        admin.dispose()


def test_request_after_postgresql_dropped_every_connection_answers_200(app, client, session, demo, login_as,
                                                                         database_url):
    session.close()
    login_as("fars")
    assert client.get("/nominations/").status_code == 200
    assert terminate_connections_to(database_url) >= 1  # the app's pooled connection among them
    response = client.get("/nominations/")
    assert response.status_code == 200
    assert client.get("/healthz").get_json()["checks"]["database"] == {"ok": True}


def test_post_after_postgresql_dropped_every_connection_is_not_a_500(app, client, session, demo, login_as,
                                                                     database_url):
    session.close()
    login_as("fars")
    page = client.get("/nominations/")
    assert page.status_code == 200
    terminate_connections_to(database_url)
    from tests.conftest import csrf_token

    response = client.post("/language/en", data={"csrf_token": csrf_token(client, "/nominations/"),
                                                 "next": "/nominations/"})
    assert response.status_code == 302
    assert client.get("/nominations/").status_code == 200
