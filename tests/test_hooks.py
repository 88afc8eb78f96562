"""Request hooks: what a request sets in the context (write intent, client address) ends with the request."""

from __future__ import annotations

from awards.audit.services import client_address


def test_client_address_is_the_requests_and_is_reset_after_it(app, client):
    seen: list[str | None] = []
    app.before_request(lambda: seen.append(client_address()))  # runs after the hook that sets it

    assert client_address() is None
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.4.5.6"}).status_code == 200

    assert seen == ["10.1.2.3", "10.4.5.6"]
    assert client_address() is None  # the test client runs the app in this context: nothing leaked out
