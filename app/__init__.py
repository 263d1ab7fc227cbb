"""Application factory."""

from __future__ import annotations

import logging
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
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    return app


def register_logging(app: Flask) -> None:
    if not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("transitions", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from app import db_events, models, public_cache  # noqa: F401  (SQLite foreign keys; one metadata; cache bumps)
    from app.extensions import bootstrap, csrf, db, limiter, migrate

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
    limiter.init_app(app)

    from app.security import init_passwords

    init_passwords(app)


def register_blueprints(app: Flask) -> None:
    from app import api, mail, web
    from app.feeds import bp as feeds_bp
    from app.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(feeds_bp)
    mail.init_app(app)
    api.init_app(app)
    web.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from app.public.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_request_hooks(app: Flask) -> None:
    """One commit per request, owned here: services only flush."""
    from app.extensions import db

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
