"""``flask init``: set up an empty installation (migrate, check reference data, first organizer)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from awards import create_app
from awards.db import db
from awards.models import AuditEvent, User
from tests.fresh_database import fresh_database_url

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Tandis-first-setup-1405"


def _make_app(url: str, tmp_path: Path, config: str = "testing"):
    overrides = {"DATABASE_URL": url, "UPLOAD_FOLDER": tmp_path / "uploads", "OUTPUT_FOLDER": tmp_path / "output"}
    if config == "production":
        overrides["SECRET_KEY"] = "k" * 48
    return create_app(config, overrides)


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    """An app on a new, empty (un-migrated) database of the suite's kind."""
    monkeypatch.delenv("AWARDS_INIT_PASSWORD", raising=False)
    with fresh_database_url(tmp_path, "init") as url:
        app = _make_app(url, tmp_path)
        yield app
        db.engine.dispose()


def _init(app, *, password: str | None = PASSWORD, input: str | None = None, username: str = "dabir"):
    env = {"AWARDS_INIT_PASSWORD": password} if password else None
    return app.test_cli_runner().invoke(args=["init", "--username", username, "--full-name", "دبیرخانهٔ ستاد"],
                                        env=env, input=input)


def _snapshot(url: str) -> dict:
    engine = create_engine(url)
    try:
        names = inspect(engine).get_table_names()
        with engine.connect() as conn:
            return {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one() for name in names}
    finally:
        engine.dispose()


def _users(app) -> list[tuple[str, bool]]:
    with app.app_context():
        if not inspect(db.engine).has_table("users"):
            return []
        return [(u.username, u.is_organizer) for u in db.session.scalars(select(User))]


def _check_first_organizer(app) -> None:
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.full_name, user.is_organizer, user.active) == (
            "dabir", "دبیرخانهٔ ستاد", True, True)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert event.object_id == user.id
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_init_on_an_empty_sqlite_database_creates_the_first_organizer(tmp_path, monkeypatch):
    monkeypatch.delenv("AWARDS_INIT_PASSWORD", raising=False)
    app = _make_app(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path)
    result = _init(app)
    assert result.exit_code == 0, result.output
    assert re.search(r"revision \d{4}", result.output)
    assert "31 provinces and 6 committees" in result.output
    assert "created the first organizer: dabir" in result.output
    _check_first_organizer(app)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres_only
def test_init_on_an_empty_postgresql_database_creates_the_first_organizer(empty_app):
    assert empty_app.config["DATABASE_URL"].startswith("postgresql")
    result = _init(empty_app)
    assert result.exit_code == 0, result.output
    _check_first_organizer(empty_app)


def test_init_under_the_production_config(tmp_path, monkeypatch):
    monkeypatch.delenv("AWARDS_INIT_PASSWORD", raising=False)
    with fresh_database_url(tmp_path, "initprod") as url:
        app = _make_app(url, tmp_path, config="production")
        assert app.config["ENV_NAME"] == "production"
        result = _init(app)
        assert result.exit_code == 0, result.output
        _check_first_organizer(app)
        with app.app_context():
            db.engine.dispose()


def test_init_second_run_is_refused_and_changes_nothing(empty_app):
    assert _init(empty_app).exit_code == 0
    before = _snapshot(empty_app.config["DATABASE_URL"])
    second = _init(empty_app, username="another")
    assert second.exit_code == 1
    assert "already set up" in second.output and "dabir" in second.output
    assert "nothing was changed" in second.output
    assert _snapshot(empty_app.config["DATABASE_URL"]) == before


def test_init_prompts_twice_and_asks_again_after_a_mismatch(empty_app):
    result = _init(empty_app, password=None, input=f"{PASSWORD}\nsomething-else-9\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    _check_first_organizer(empty_app)


def test_init_prompt_mismatch_then_no_answer_creates_nothing(empty_app):
    result = _init(empty_app, password=None, input=f"{PASSWORD}\nsomething-else-9\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert _snapshot(empty_app.config["DATABASE_URL"]) == {}  # not even migrated


def test_init_weak_password_is_refused_before_anything_changes(empty_app):
    result = _init(empty_app, password="1234567890")
    assert result.exit_code == 1
    assert "password refused" in result.output and "رایج" in result.output
    assert _snapshot(empty_app.config["DATABASE_URL"]) == {}


def test_init_password_containing_the_username_is_refused(empty_app):
    result = _init(empty_app, password="dabir-strong-1405")
    assert result.exit_code == 1
    assert "نام کاربری" in result.output
    assert _users(empty_app) == []


def test_init_bad_username_is_refused_and_creates_no_account(empty_app):
    result = _init(empty_app, username="Dabir Khaneh")
    assert result.exit_code == 1
    assert "no account was created" in result.output
    assert _users(empty_app) == []


def test_init_incomplete_reference_data_is_named_and_creates_no_account(empty_app):
    from awards.migrate import upgrade

    with empty_app.app_context():
        upgrade(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM committees WHERE code = 'finance'"))
    result = _init(empty_app)
    assert result.exit_code == 1
    assert "missing: committee finance" in result.output
    assert _users(empty_app) == []


def test_init_allows_a_database_whose_only_users_are_not_organizers(empty_app):
    from awards.auth.services import create_user
    from awards.migrate import upgrade

    with empty_app.app_context():
        upgrade(db.engine)
        create_user(db.session, username="fars", password="Shiraz-officer-77", full_name="کارشناس فارس")
        db.session.commit()
    assert _init(empty_app).exit_code == 0
    assert sorted(_users(empty_app)) == [("dabir", True), ("fars", False)]


def test_init_runs_as_a_command_under_production(tmp_path):
    env = dict(os.environ, AWARDS_CONFIG="production", AWARDS_SECRET_KEY="s" * 48,
               AWARDS_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}", AWARDS_INSTANCE_DIR=str(tmp_path),
               AWARDS_INIT_PASSWORD=PASSWORD)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "init", "--username", "dabir", "--full-name", "دبیر"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "created the first organizer: dabir" in first.stdout
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert "already set up" in second.stderr
