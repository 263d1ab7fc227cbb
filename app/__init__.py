"""Application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from config import config_for


def create_app(config: str | type | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` is an APP_ENV name or a config class."""
    config_cls = config if isinstance(config, type) else config_for(config)
    app = Flask(__name__, instance_path=config_cls.INSTANCE_DIR, instance_relative_config=False)
    app.config.from_object(config_cls)
    if overrides:
        app.config.update(overrides)
    config_cls.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config.get("PROXY_FIX_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_logging(app)
    register_extensions(app)
    register_input_guards(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    return app


def register_logging(app: Flask) -> None:
    """One log format for web, worker and clock; request ids on every line (app/core/logging.py)."""
    from app.core import logging as core_logging

    core_logging.init_app(app)


def register_extensions(app: Flask) -> None:
    from app import db_events, identity_cache, models, public_cache, report_cache  # noqa: F401  (SQLite foreign keys; one metadata; cache bumps)
    from app.extensions import bootstrap, csrf, db, limiter, migrate
    from app.services import notifications  # noqa: F401  (its signal receivers: in-app notifications)

    db.init_app(app)
    from app.db_pool import ping_after_idle

    with app.app_context():
        for engine in db.engines.values():
            ping_after_idle(engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    if app.config.get("RATELIMIT_STORAGE_URI") is None:
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_KEY_PREFIX"] + "rl")
    # Redis unreachable: count in this process's memory (logged) rather than fail the request.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2, "socket_timeout": 2})
    limiter.init_app(app)
    from app.core.rate_limits import inject_headers

    app.after_request(inject_headers)

    from app.security import init_passwords

    init_passwords(app)

    from app.core import storage

    storage.init_app(app)


def register_input_guards(app: Flask) -> None:
    """Bounded `int` URL converters (before any route binds them) and the request-level NUL guard."""
    from app.core.converters import install_converters
    from app.core.request_guards import install_request_guards

    install_converters(app)
    install_request_guards(app)


def register_blueprints(app: Flask) -> None:
    from app import api, mail, web, webhooks
    from app.feeds import bp as feeds_bp
    from app.feeds.calendar import bp as calendar_feed_bp
    from app.public import bp as public_bp
    from app.services import interview_reminders  # noqa: F401  (the periodic interviews.remind)

    app.register_blueprint(public_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(calendar_feed_bp)
    mail.init_app(app)
    from app.search import queue, tasks  # noqa: F401  (the index listeners and the periodic sweep)
    from app.services import (
        candidate_imports,  # noqa: F401  (imports: the worker's job after commit, the sweep)
        duplicates_tasks,  # noqa: F401  (duplicates: after-create job, periodic pass)
    )

    webhooks.init_app(app)
    api.init_app(app)
    web.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from app.core.unavailable import init_unavailable
    from app.public.errors import register

    register(app)
    init_unavailable(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    """One commit per request, owned here: services only flush. Request metrics (app/core/metrics.py)."""
    from app.core import metrics
    from app.extensions import db

    metrics.init_app(app)

    @app.after_request
    def _commit_or_rollback(response):
        # A request that never used the database has no session to settle.
        if not db.session.registry.has():
            return response
        session = db.session()
        if not (session.in_transaction() or session.new or session.dirty or session.deleted):
            return response
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
