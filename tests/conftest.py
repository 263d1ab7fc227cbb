"""Shared fixtures.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL
points at a server (any database on it: a fresh one is created for the run and
dropped at the end). The schema is always built by the migrations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db
from config import TestingConfig

pytest_plugins = ["tests.plugins.services", "tests.plugins.statements"]

RUN_ID = uuid.uuid4().hex[:8]


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def _sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    server = _postgres_url()
    if not server:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    base = make_url(_sqlalchemy_url(server))
    name = f"ats_test_{RUN_ID}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def base_overrides(database_url, tmp_path_factory) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "REDIS_URL": "",
        "REDIS_KEY_PREFIX": f"ats-test-{RUN_ID}:",
        "MAIL_BACKEND": "memory",
        "MAIL_REJECTION_DELAY": 0,  # rejections go out at once unless a test delays them (tests/mail/test_delayed.py)
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def migrated(base_overrides) -> None:
    """Build the schema once per run, through the migrations."""
    from flask_migrate import upgrade

    app = create_app(TestingConfig, base_overrides)
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture
def make_app(base_overrides, migrated):
    """Build an app on the test database with extra config overrides."""
    made: list[Flask] = []

    def factory(**overrides) -> Flask:
        app = create_app(TestingConfig, {**base_overrides, **overrides})
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app
        _db.session.rollback()
        _wipe()


def _wipe() -> None:
    """Empty every table (children first) so each test starts clean."""
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app):
    from tests.factories import Factory

    return Factory()


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests belong to the PostgreSQL run, SQLite-only ones to the SQLite run; deselect the others."""
    unwanted = "sqlite_only" if _postgres_url() else "postgres"
    keep = [item for item in items if unwanted not in item.keywords]
    dropped = [item for item in items if unwanted in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
