"""Flask commands: ``init``, ``db upgrade``, ``create-user``, ``seed-demo``, ``seed-scale``, ``backup``, ``restore``."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from awards import clock
from awards.audit.cli import audit_group
from awards.auth.passwords import password_problem
from awards.auth.services import create_user
from awards.backup import BackupError, create_backup, restore_backup, verify_backup
from awards.certificates_cli import certificates_group
from awards.db import db
from awards.demo import STAGES as DEMO_STAGES
from awards.demo import seed_demo
from awards.errors import DomainError
from awards.migrate import MIGRATIONS_DIR, current_revision, upgrade
from awards.models import Province, Setting, User
from awards.reference import missing_reference_data
from awards.results.cli import results_group
from awards.scale import ScaleRefused, check_target, refresh_statistics, seed_scale, summary


def load_clock(app: Flask) -> None:
    """Apply a demo clock offset stored in the database (never in production)."""
    if app.config["ENV_NAME"] == "production":
        return
    with app.app_context():
        try:
            if not inspect(db.engine).has_table("settings"):
                return
            setting = db.session.get(Setting, clock.SETTING_KEY)
        finally:
            db.session.remove()
    clock.set_offset(timedelta(seconds=float(setting.value)) if setting else timedelta(0))


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(db_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(results_group)
    app.cli.add_command(certificates_group)
    app.cli.add_command(audit_group)


INIT_PASSWORD_ENV = "AWARDS_INIT_PASSWORD"  # noqa: S105  (the name of the variable, not a password)


@click.command("init")
@with_appcontext
@click.option("--username", required=True, help="The first organizer's sign-in name (lower-case Latin).")
@click.option("--full-name", required=True, help="The first organizer's full name, as shown in the app.")
def init_command(username: str, full_name: str) -> None:
    """Set up an empty installation: migrate, check the reference data, create the first organizer.

    The password comes from the AWARDS_INIT_PASSWORD environment variable, or is asked twice (hidden).
    """
    where = db.engine.url.render_as_string(hide_password=True)
    if inspect(db.engine).has_table("users"):
        organizers = db.session.scalars(select(User.username).where(User.is_organizer).order_by(User.id)).all()
        db.session.rollback()
        if organizers:
            raise click.ClickException(
                f"{where} is already set up: it has organizer account(s) {', '.join(organizers)}. "
                "init only sets up an installation that has no organizer; nothing was changed. "
                "To add another organizer, use: flask --app wsgi create-user --organizer")
    password = os.environ.get(INIT_PASSWORD_ENV)
    if password:
        click.echo(f"password: taken from {INIT_PASSWORD_ENV}")
    else:
        password = click.prompt("Password for the first organizer", hide_input=True, confirmation_prompt=True)
    if problem := password_problem(password, username=username.strip().lower()):
        raise click.ClickException(f"password refused: {problem} (nothing was changed)")

    upgrade(db.engine)
    click.echo(f"schema is up to date (revision {current_revision(db.engine)}): {where}")
    if missing := missing_reference_data(db.session):
        raise click.ClickException(
            f"the reference data is incomplete, missing: {', '.join(missing)}. Migration 0002 loads the 31 "
            "provinces and 6 committees; a row removed by hand must be put back before init can go on.")
    click.echo("reference data: 31 provinces and 6 committees present")
    try:
        user = create_user(db.session, username=username, password=password, full_name=full_name,
                           is_organizer=True)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(f"{err.message} (no account was created)") from err
    db.session.commit()
    click.echo(f"created the first organizer: {user.username} ({user.full_name})")
    click.echo("next: start the app, sign in as this organizer and set up the cycle")


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the schema up to date (Alembic)."""
    upgrade(db.engine)
    click.echo(f"schema is up to date: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("create-user")
@with_appcontext
@click.option("--username", prompt=True)
@click.option("--full-name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organizer", is_flag=True, help="Give the organizer (secretariat) role.")
@click.option("--province", "province_code", default=None, help="ISO code, e.g. IR-07, for a province officer.")
def create_user_command(username: str, full_name: str, password: str, organizer: bool,
                        province_code: str | None) -> None:
    """Create an account (organizer and/or province officer)."""
    province = None
    if province_code:
        province = db.session.scalar(select(Province).where(Province.iso_code == province_code.upper()))
        if province is None:
            raise click.BadParameter(f"unknown province {province_code}", param_hint="--province")
    try:
        user = create_user(db.session, username=username, password=password, full_name=full_name,
                           is_organizer=organizer, province=province)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(f"created user {user.username}")


@click.command("seed-demo")
@with_appcontext
@click.option("--stage", type=click.Choice(list(DEMO_STAGES)), default="nominations", show_default=True,
              help="How far to run the 1404 story: nominations open; results (every sheet in, every category but "
                   "the cluster one final); or final (results final, certificates printable, winners public).")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when the database already has users.")
def seed_demo_command(stage: str, if_empty: bool) -> None:
    """Migrate the database, then load the 1404 demo cycle, accounts and nominees."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo refuses to run under the production config")
    upgrade(db.engine)
    click.echo("schema is up to date")
    if db.session.scalar(select(User.id).limit(1)) is not None:
        if if_empty:
            click.echo("database already has data: demo not loaded")
            return
        raise click.ClickException("the database is not empty; seed-demo loads the demo into an empty database")
    seed_demo(db.session, password=current_app.config["DEMO_PASSWORD"],
              upload_dir=current_app.config["UPLOAD_FOLDER"], max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
              stage=stage)
    db.session.commit()
    click.echo(f"demo loaded (stage: {stage}); every demo account's password is AWARDS_DEMO_PASSWORD")


SCALE_REFUSALS = {
    "production": "seed-scale با پیکربندی production اجرا نمی‌شود / seed-scale refuses to run under the production "
                  "config (nothing was changed)",
    "not_empty": "پایگاه داده خالی نیست؛ seed-scale فقط پایگاه دادهٔ خالی را پر می‌کند / the database is not empty: "
                 "seed-scale only fills an empty database (nothing was changed)",
}


@click.command("seed-scale")
@with_appcontext
@click.option("--nominations", "count", type=click.IntRange(1, 200_000), required=True,
              help="How many nominations the generated cycle holds (13000 is a real year).")
@click.option("--seed", type=int, default=1404, show_default=True, help="Seed of the random scores and spread.")
@click.option("--stage", type=click.Choice(["evaluation", "results"]), default="evaluation", show_default=True,
              help="evaluation: the clock in the evaluation phase, some sheets still open; results: every sheet "
                   "in, the clock in the results phase and every category proposed and confirmed.")
def seed_scale_command(count: int, seed: int, stage: str) -> None:
    """Migrate, then fill an EMPTY database with one generated 1404 cycle of N nominations (for measuring)."""
    env_name = current_app.config["ENV_NAME"]
    try:
        if env_name == "production":
            check_target(db.session, env_name=env_name)
        upgrade(db.engine)
        started = time.perf_counter()
        report = seed_scale(db.session, nominations=count, seed=seed, stage=stage, env_name=env_name,
                            password=current_app.config["DEMO_PASSWORD"],
                            upload_dir=Path(current_app.config["UPLOAD_FOLDER"]))
        db.session.commit()
        refresh_statistics(db.session)
    except ScaleRefused as err:
        db.session.rollback()
        raise click.ClickException(SCALE_REFUSALS[err.reason]) from err
    click.echo(summary(report))
    click.echo(f"seed-scale: {count} nominations, stage {stage}, committed in {time.perf_counter() - started:.1f} s; "
               "every account's password is AWARDS_DEMO_PASSWORD")


@click.command("backup")
@with_appcontext
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a backup archive (.tar.gz) to this file.")
@click.option("--verify", "verify", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Check an existing archive against its manifest instead.")
def backup_command(out: Path | None, verify: Path | None) -> None:
    """Back up the database and uploaded files into one archive, or verify an archive."""
    if (out is None) == (verify is None):
        raise click.UsageError("give either --out FILE (make a backup) or --verify FILE (check one)")
    pg_bin_dir = current_app.config.get("PG_BIN_DIR")
    if verify is not None:
        if not verify.is_file():
            raise click.ClickException(f"{verify} does not exist")
        try:
            manifest, problems = verify_backup(verify, pg_bin_dir=pg_bin_dir)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        if problems:
            raise click.ClickException(f"{verify} does NOT match its manifest:\n  " + "\n  ".join(problems))
        click.echo(f"{verify}: OK, every member matches the manifest{_summary(manifest)}")
        return
    db.session.remove()
    try:
        result = create_backup(database_url=current_app.config["DATABASE_URL"],
                               upload_dir=Path(current_app.config["UPLOAD_FOLDER"]), out=out, pg_bin_dir=pg_bin_dir)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    retried = f" (after {result.attempts} attempts: files were deleted meanwhile)" if result.attempts > 1 else ""
    click.echo(f"backup written to {result.path}{retried}{_summary(result.manifest)}")


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore a backup archive into an empty database and upload folder (verifies it first)."""
    if not archive.is_file():
        raise click.ClickException(f"{archive} does not exist")
    db.session.remove()
    db.engine.dispose()
    try:
        result = restore_backup(archive, database_url=current_app.config["DATABASE_URL"],
                                upload_dir=Path(current_app.config["UPLOAD_FOLDER"]),
                                pg_bin_dir=current_app.config.get("PG_BIN_DIR"))
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    db.engine.dispose()
    where = db.engine.url.render_as_string(hide_password=True)
    click.echo(f"restored {archive} into {where} and {current_app.config['UPLOAD_FOLDER']}; the row counts "
               f"match the manifest{_summary(result.manifest)}")
    head = _head_revision(MIGRATIONS_DIR)
    if result.manifest["database"]["schema_revision"] != head:
        click.echo(f"the archive's schema is at revision {result.manifest['database']['schema_revision']}, this "
                   f"version of the app expects {head}: run `flask --app wsgi db upgrade` before starting it")


def _summary(manifest: dict) -> str:
    counts, uploads, database = manifest["row_counts"], manifest["uploads"], manifest["database"]
    return (f"\n  database: {database['kind']} snapshot at schema revision {database['schema_revision']}, "
            f"{len(counts)} tables, {sum(counts.values())} rows (users: {counts.get('users', 0)}, cycles: "
            f"{counts.get('cycles', 0)}, nominations: {counts.get('nominations', 0)})"
            f"\n  files: {uploads['evidence']} evidence documents, {uploads['signatures']} signature images"
            f"\n  taken: {manifest['created_at']}")


def _head_revision(migrations_dir: Path) -> str | None:
    return ScriptDirectory(str(migrations_dir)).get_current_head()
