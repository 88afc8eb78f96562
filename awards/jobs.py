"""Background jobs with Huey: SQLite storage on the embedded default, Redis when AWARDS_REDIS_URL is set.

The consumer runs as ``huey_consumer awards.jobs.huey`` (``make run`` starts it). Tests run jobs immediately
(``HUEY_IMMEDIATE``). A task gets its Flask app from the current context when there is one (immediate mode),
and otherwise builds one per worker process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from config import INSTANCE_DIR


def make_huey():
    """Pick the queue's storage from the environment (read once, when the consumer or app imports us)."""
    redis_url = os.environ.get("AWARDS_REDIS_URL")
    if redis_url:
        return RedisHuey("tandis", url=redis_url)
    path = Path(os.environ.get("AWARDS_HUEY_SQLITE", INSTANCE_DIR / "huey.sqlite3"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("tandis", filename=str(path))


huey = make_huey()
_worker_app = None


def init_app(app) -> None:
    """Run jobs inline when the config asks for it (tests)."""
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))


def with_app(func: Callable[[], object]) -> object:
    """Call ``func`` inside an app context: the current one, or the worker's own app."""
    global _worker_app
    from flask import has_app_context

    if has_app_context():
        return func()
    if _worker_app is None:
        from awards import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        return func()
