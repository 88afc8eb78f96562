"""Production serving: trusted proxy headers, one log line per request, and HSTS.

- ``AWARDS_TRUSTED_PROXIES`` (default 0) proxies in front of the app are trusted for ``X-Forwarded-For``,
  ``-Proto``, ``-Host`` and ``-Port`` (Werkzeug's ``ProxyFix``); with 0 the headers are ignored, so a client
  talking to gunicorn directly cannot forge its address or scheme.
- Each request except static files (nginx serves those in production and logs them itself) writes one JSON
  line to stdout, which journald keeps: time, method, route (the endpoint), path, status, duration, user id
  and client address. Stdout, not a file: the service manager owns rotation.
- Static URLs carry a digest of the file (``/static/css/app.css?v=3f2a…``), so nginx can let browsers
  cache them for a year: a release that changes a file changes its URL.
- Under the production config a request that arrived over HTTPS (after ``ProxyFix``) gets
  ``Strict-Transport-Security``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from functools import lru_cache

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

request_log = logging.getLogger("awards.request")


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    if app.config["REQUEST_LOG"] and not request_log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        request_log.addHandler(handler)
        request_log.setLevel(logging.INFO)
        request_log.propagate = False

    @app.url_defaults
    def _static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        if app.config["ENV_NAME"] == "production" and request.is_secure and app.config["HSTS_SECONDS"] > 0:
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        if app.config["REQUEST_LOG"] and request.endpoint != "static":
            request_log.info(request_line(response.status_code))
        return response


def request_line(status: int) -> str:
    """The request's log line: a JSON object, one line."""
    started = g.get("request_started")
    user_id = None
    try:
        if current_user and current_user.is_authenticated:
            user_id = current_user.id
    except Exception:  # the user could not be loaded (database down): log the request anyway
        user_id = None
    return json.dumps({
        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "event": "request",
        "method": request.method,
        "route": request.endpoint,
        "path": request.path,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": user_id,
        "ip": request.remote_addr,
    }, ensure_ascii=False, separators=(",", ":"))


def static_version(folder: str, filename: str) -> str | None:
    """A short digest of a static file's content (recomputed only when its size or mtime changes)."""
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _digest(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=512)
def _digest(path: str, _size: int, _mtime_ns: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:10]
