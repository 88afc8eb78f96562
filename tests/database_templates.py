"""Template databases each test's database is copied from: the migrated schema, and the demo seeded to a stage.

Seeding the demo takes far longer than a test body, so each pytest process (each xdist worker) seeds it once
per stage, into a template database with an upload folder of its own, and every test that asks for the demo
gets a copy of both: a file copy on SQLite, ``CREATE DATABASE … TEMPLATE …`` on PostgreSQL. The migrated
template is built when the session starts; a demo template only when a test first needs it.

A copy is the database the seeding left, row for row (ids, hashes of the audit chain, the stored clock
offset); only the app's clock is process state, so :meth:`Templates.demo_context` puts it back where the
seeding left it, and rebuilds the :class:`~awards.demo.DemoContext` from the copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, selectinload

from awards import clock
from awards.demo import DemoContext, seed_demo, set_demo_clock
from awards.migrate import upgrade
from awards.models import Category, Cycle, User


@dataclass(frozen=True)
class Seeded:
    """What a demo template holds besides its rows: the moment its clock showed when seeding ended, and the
    ids its :class:`DemoContext` named."""

    database: str  # SQLite: the file; PostgreSQL: the database name
    uploads: Path
    clock_end: datetime
    cycle_id: int
    user_ids: dict[str, int]
    category_ids: dict[str, int]


class Templates:
    """The templates of one pytest process, and the copies made from them."""

    def __init__(self, directory: Path, pg_url: str | None) -> None:
        self.directory = directory
        self._copies = 0
        self._seeded: dict[str, Seeded] = {}
        self.url: URL | None = make_url(pg_url) if pg_url else None
        if self.url is None:
            self.admin = None
            self.migrated = str(directory / "migrated.sqlite3")
        else:
            self.admin = create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            self.migrated = f"{self.url.database}_tmpl_{os.getpid()}"
            self._create_database(self.migrated)
        engine = create_engine(self._url_of(self.migrated))
        upgrade(engine)
        engine.dispose()

    # -- copies ---------------------------------------------------------------------------------------------

    @contextmanager
    def copy(self, stage: str | None, tmp_path: Path) -> Iterator[str]:
        """Yield the URL of a new database copied from the migrated template (``stage`` None) or from the
        demo seeded to ``stage``; dropped afterwards on PostgreSQL (SQLite files go with ``tmp_path``)."""
        source = self.migrated if stage is None else self.seeded(stage).database
        self._copies += 1
        if self.url is None:
            target = tmp_path / f"test-{self._copies}.sqlite3"
            shutil.copyfile(source, target)
            yield self._url_of(str(target))
            return
        name = f"{self.url.database}_{os.getpid()}_{self._copies}"
        self._create_database(name, template=source)
        try:
            yield self._url_of(name)
        finally:
            self._drop_database(name)

    def copy_uploads(self, stage: str | None, upload_dir: Path) -> None:
        """Give a copy of the demo the files its rows refer to (a copy of the template's upload folder)."""
        if stage is not None and self.seeded(stage).uploads.exists():
            shutil.copytree(self.seeded(stage).uploads, upload_dir, dirs_exist_ok=True)

    def demo_context(self, stage: str, session: Session, *, upload_dir: Path, max_bytes: int) -> DemoContext:
        """Return the demo context of a copy of the ``stage`` template, its objects loaded in ``session``, and
        set the clock (and its stored offset) to where the seeding left it; committed."""
        seeded = self.seeded(stage)
        users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(seeded.user_ids.values())))}
        # Loaded as seeding leaves them (the session keeps them past the commit), so reading them later starts
        # no transaction of its own: a test that then reads what a request committed sees it.
        categories = {c.id: c for c in session.scalars(
            select(Category).where(Category.id.in_(seeded.category_ids.values()))
            .options(selectinload(Category.criteria), selectinload(Category.committee_settings)))}
        cycle = session.scalars(select(Cycle).where(Cycle.id == seeded.cycle_id)
                                .options(selectinload(Cycle.signatories))).one()
        context = DemoContext(cycle=cycle,
                              users={key: users[id_] for key, id_ in seeded.user_ids.items()},
                              categories={key: categories[id_] for key, id_ in seeded.category_ids.items()},
                              upload_dir=upload_dir, max_bytes=max_bytes)
        set_demo_clock(session, seeded.clock_end)
        session.commit()
        return context

    # -- the demo templates ---------------------------------------------------------------------------------

    def seeded(self, stage: str) -> Seeded:
        """Return the demo template of ``stage``, seeding it first if this process has not yet."""
        if stage not in self._seeded:
            self._seeded[stage] = self._seed(stage)
        return self._seeded[stage]

    def _seed(self, stage: str) -> Seeded:
        from awards import create_app
        from awards.db import db

        folder = self.directory / f"demo-{stage}"
        folder.mkdir()
        if self.url is None:
            database = str(folder / "demo.sqlite3")
            shutil.copyfile(self.migrated, database)
        else:
            database = f"{self.url.database}_tmpl_{os.getpid()}_{stage}"
            self._create_database(database, template=self.migrated)
        app = create_app("testing", {"DATABASE_URL": self._url_of(database), "UPLOAD_FOLDER": folder / "uploads",
                                     "OUTPUT_FOLDER": folder / "output", "HUEY_SQLITE_PATH": folder / "huey.sqlite3"})
        # Seed on the app's real clock, whatever the test that first asked for this template has done to it.
        offset, frozen = clock.offset(), clock._frozen
        clock.freeze(None)
        try:
            with db.session_factory() as session:
                context = seed_demo(session, password=app.config["DEMO_PASSWORD"],
                                    upload_dir=app.config["UPLOAD_FOLDER"], max_bytes=app.config["MAX_UPLOAD_BYTES"],
                                    stage=stage)
                session.commit()
                seeded = Seeded(database=database, uploads=folder / "uploads", clock_end=clock.now(),
                                cycle_id=context.cycle.id,
                                user_ids={key: user.id for key, user in context.users.items()},
                                category_ids={key: category.id for key, category in context.categories.items()})
        finally:
            clock.set_offset(offset)
            clock.freeze(frozen)
            db.engine.dispose()
        if self.url is None:  # fold the write-ahead log into the file, so a plain file copy is the whole database
            connection = sqlite3.connect(database)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
        return seeded

    # -- plumbing -------------------------------------------------------------------------------------------

    def drop(self) -> None:
        """Drop this process's PostgreSQL templates (SQLite ones are files under the session's temp folder)."""
        if self.admin is None:
            return
        for seeded in self._seeded.values():
            self._drop_database(seeded.database)
        self._drop_database(self.migrated)
        self.admin.dispose()

    def _url_of(self, database: str) -> str:
        if self.url is None:
            return f"sqlite:///{database}"
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _create_database(self, name: str, *, template: str | None = None) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))

    def _drop_database(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

