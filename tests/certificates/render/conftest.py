"""One renderer and one demo certificate per test process (rendering is the slow part), and an HTTP server
that records every request (nothing may reach it)."""

from __future__ import annotations

import http.server
import threading

import pytest

from awards.certificates.render import CertificateRenderer
from tests.certificates.render.helpers import STATIC, TEMPLATES, make_data


@pytest.fixture(scope="session")
def renderer() -> CertificateRenderer:
    return CertificateRenderer(static_dir=STATIC, template_dir=TEMPLATES)


@pytest.fixture(scope="session")
def demo_pdf(renderer) -> bytes:
    return renderer.render_one(make_data())


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def _record(self):
        self.requests.append(f"{self.command} {self.path}")
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    requests: list[str] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
