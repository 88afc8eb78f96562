"""An empty database (not migrated): a SQLite file, or a new PostgreSQL database dropped afterwards."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_names = itertools.count()


@contextmanager
def fresh_database_url(tmp: Path, label: str = "fresh") -> Iterator[str]:
    """Yield the URL of a new, empty database of the kind the suite runs on."""
    pg = os.environ.get("AWARDS_TEST_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{tmp / f'{label}-{next(_names)}.sqlite3'}"
        return
    url = make_url(pg)
    name = f"{url.database}_{label}_{os.getpid()}_{next(_names)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
