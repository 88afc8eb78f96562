"""Tandis (تندیس): nominations, committee evaluation and certificates for National Industry and Mining Day."""

from __future__ import annotations

import os

from flask import Flask

from config import CONFIGS, ProductionConfig


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: config, extensions, request hooks, blueprints, error pages, filters, commands."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates",
                static_folder="../static")
    config_name = config_name or os.environ.get("AWARDS_CONFIG", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides or {})
    if app.config["ENV_NAME"] == "production":
        ProductionConfig.validate(app.config)

    # The app factory is the one place that imports inside a function, on purpose: it pulls in every blueprint
    # and with them the whole app (WeasyPrint included). Importing the package itself must stay light, since
    # the migrations, scripts and the job consumer import low modules (awards.persian, awards.db, ...) through it.
    from awards import cli, filters, hooks, i18n, jobs, params, serving
    from awards.accounts.routes import bp as accounts_bp
    from awards.admin.routes import bp as admin_bp
    from awards.audit import services as audit_services
    from awards.audit.routes import bp as audit_bp
    from awards.auth import session_interface
    from awards.auth.keepalive import bp as keepalive_bp
    from awards.auth.routes import bp as auth_bp
    from awards.budget.routes import bp as budget_bp
    from awards.certificates.routes import bp as certificates_bp
    from awards.certificates.verify import bp as verify_bp
    from awards.cycles.routes import bp as cycles_bp
    from awards.drafts.routes import bp as drafts_bp
    from awards.errors import register_error_pages
    from awards.evaluation.routes import bp as evaluation_bp
    from awards.extensions import babel, csrf, db, limiter, login_manager
    from awards.imports.routes import bp as imports_bp
    from awards.main.routes import bp as main_bp
    from awards.meetings.public import bp as minutes_bp
    from awards.meetings.routes import bp as meetings_bp
    from awards.nominations.routes import bp as nominations_bp
    from awards.notifications.routes import bp as notifications_bp
    from awards.notifications.services import on_event as notify_on_event
    from awards.provincial.routes import bp as provincial_bp
    from awards.publication.public import bp as winners_bp
    from awards.publication.routes import bp as publication_bp
    from awards.results.routes import bp as results_bp
    from awards.screening.routes import bp as screening_bp

    params.init_app(app)  # before any route is added: the bounded <int:...> converter
    serving.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    hooks.init_login(app, login_manager)
    session_interface.init_app(app)
    babel.init_app(app, locale_selector=hooks.select_locale)
    i18n.init_app(app)  # numbers inside messages take the page's digits
    hooks.init_request_hooks(app)
    jobs.init_app(app)
    audit_services.add_listener(notify_on_event)  # the bell and mail an audited event calls for

    for blueprint in (main_bp, auth_bp, nominations_bp, imports_bp, screening_bp, cycles_bp, evaluation_bp,
                      results_bp, certificates_bp, verify_bp, publication_bp, winners_bp, budget_bp, meetings_bp,
                      minutes_bp, audit_bp, admin_bp, accounts_bp, keepalive_bp, notifications_bp, drafts_bp,
                      provincial_bp):
        app.register_blueprint(blueprint)

    register_error_pages(app)
    filters.init_app(app)
    cli.init_app(app)
    cli.load_clock(app)
    return app
