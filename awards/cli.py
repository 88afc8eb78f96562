"""Flask commands: ``db upgrade``, ``create-user`` and ``seed-demo``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from awards import clock
from awards.db import db
from awards.errors import DomainError


def load_clock(app: Flask) -> None:
    """Apply a demo clock offset stored in the database (never in production)."""
    from datetime import timedelta

    from awards.models import Setting

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
    app.cli.add_command(db_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    from awards.results.cli import results_group  # imported here: it pulls in the results services

    app.cli.add_command(results_group)
    from awards.certificates.cli import certificates_group

    app.cli.add_command(certificates_group)
    from awards.audit.cli import audit_group

    app.cli.add_command(audit_group)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the schema up to date (Alembic)."""
    from awards.migrate import upgrade

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
    from awards.auth.services import create_user
    from awards.models import Province

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
@click.option("--stage", type=click.Choice(["nominations", "final"]), default="nominations", show_default=True,
              help="How far to run the 1404 story: nominations open, or results final (certificates printable).")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when the database already has users.")
def seed_demo_command(stage: str, if_empty: bool) -> None:
    """Migrate the database, then load the 1404 demo cycle, accounts and nominees."""
    from awards.demo import seed_demo
    from awards.migrate import upgrade
    from awards.models import User

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
