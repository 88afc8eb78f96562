"""What ``/healthz`` checks: the database, Redis (when configured), the job consumer's heartbeat and free disk.

Cheap (one ``SELECT 1``, one Redis ``PING`` and ``GET``, two ``statvfs``) and safe to expose: it names no
host, path, version or secret, only each check's state and a figure.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from awards import jobs
from awards.db import db

log = logging.getLogger("awards.health")


def report(app: Flask) -> tuple[dict, bool]:
    """Return the checks and whether every one of them passed."""
    checks: dict[str, dict] = {}
    checks["database"] = _check(_database)
    if app.config.get("REDIS_URL"):
        checks["redis"] = _check(lambda: jobs.redis_client(app).ping() and {})
    if not app.config.get("HUEY_IMMEDIATE"):
        checks["consumer"] = _check(lambda: _consumer(app))
    for name, key in (("uploads", "UPLOAD_FOLDER"), ("output", "OUTPUT_FOLDER")):
        checks[f"disk_{name}"] = _check(lambda key=key: _disk(Path(app.config[key]), app.config["MIN_FREE_DISK_MB"]))
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "degraded", "checks": checks}, healthy


def _check(probe) -> dict:
    try:
        return {"ok": True, **(probe() or {})}
    except _Unhealthy as problem:
        return {"ok": False, **problem.details}
    except Exception as error:  # down: say so without the driver's message (it may name hosts or users)
        log.warning("health check failed: %s", type(error).__name__, exc_info=True)
        with contextlib.suppress(Exception):  # leave the request's session usable, whatever failed
            db.session.rollback()
        return {"ok": False, "error": type(error).__name__}


class _Unhealthy(Exception):
    def __init__(self, **details) -> None:
        super().__init__()
        self.details = details


def _database() -> dict:
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    return {}


def _consumer(app: Flask) -> dict:
    beat = jobs.consumer_heartbeat(app)
    if beat is None:
        raise _Unhealthy(error="no heartbeat")
    age = max(0, int((jobs.real_now() - beat).total_seconds()))
    if age > app.config["CONSUMER_STALE_SECONDS"]:
        raise _Unhealthy(age_seconds=age, error="stale heartbeat")
    return {"age_seconds": age}


def _disk(folder: Path, min_free_mb: int) -> dict:
    probe = folder
    while not probe.exists() and probe != probe.parent:  # not created yet: the disk it will live on
        probe = probe.parent
    free_mb = shutil.disk_usage(probe).free // (1024 * 1024)
    if free_mb < min_free_mb:
        raise _Unhealthy(free_mb=free_mb, error="low disk space")
    return {"free_mb": free_mb}
