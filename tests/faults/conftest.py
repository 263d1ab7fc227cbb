"""Fault injection: the app and its worker against Redis, PostgreSQL and SMTP servers the tests break.

Every server here is the test's own (free loopback ports, a throwaway
PostgreSQL cluster), so killing one disturbs nothing else on the machine.
Each scenario records what it checked (`figures`); the totals are printed at
the end of the run and attached to the JUnit report.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.faults.servers import CountingSMTP, PostgresServer, RedisServer, WorkerProcess
from tests.faults.traffic import Figures

DATABASE = "ats"
KEY_PREFIX = "ats-faults:"

FIGURES: list[Figures] = []


@pytest.fixture
def figures(request) -> Iterator[Figures]:
    figures = Figures(request.node.name.removeprefix("test_").replace("_", " "))
    yield figures
    FIGURES.append(figures)
    for name in ("requests", "server_errors", "unavailable", "writes_checked", "mails_checked"):
        request.node.user_properties.append((name, getattr(figures, name)))


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES:
        terminalreporter.section("fault injection")
        for figures in FIGURES:
            terminalreporter.write_line(figures.line())


# --- servers -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fault_database(pg_server) -> str:
    """The `ats` database on the throwaway cluster, built by the migrations once per run."""
    from flask_migrate import upgrade

    url = pg_server.create_database(DATABASE).replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": ""})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[CountingSMTP]:
    sink = CountingSMTP().start()
    yield sink
    sink.stop()


# --- the app and the worker ---------------------------------------------------------------


@pytest.fixture
def fault_app(fault_database, redis_server, smtp, tmp_path) -> Iterator[Flask]:
    """Configured as in production: Redis for sessions, blocklist, rate limits, cache and queue; real SMTP.

    Exceptions are not propagated, so a 500 is an answer the test counts, not a crash.
    """
    from app.mail.backends import close_kept_connection

    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": fault_database,
            "REDIS_URL": redis_server.url,
            "REDIS_KEY_PREFIX": KEY_PREFIX,
            "RATELIMIT_STORAGE_URI": None,  # the limiter on Redis too
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "PROPAGATE_EXCEPTIONS": False,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "SERVER_NAME": None,
            **mail_settings(smtp),
        },
    )
    yield app
    close_kept_connection()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        with db.engine.begin() as conn:  # a failed scenario may have left the server down: then it is gone anyway
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def mail_settings(smtp: CountingSMTP) -> dict:
    """Quick retries and sweeps, so a scenario sees the whole recovery in seconds."""
    return {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": smtp.port,
        "SMTP_TIMEOUT": 5,
        "MAIL_MAX_ATTEMPTS": 5,
        "MAIL_RETRY_INTERVALS": "1",
        "MAIL_SWEEP_INTERVAL": 1,
        "MAIL_SWEEP_GRACE": 0,
    }


@pytest.fixture
def worker(fault_database, redis_server, smtp, tmp_path) -> Iterator[WorkerProcess]:
    """`python worker.py` against the test's servers; it must still be running when the test ends."""
    settings = {key: str(value) for key, value in mail_settings(smtp).items()}
    env = {
        "APP_ENV": "development",
        "DATABASE_URL": fault_database.replace("postgresql+psycopg://", "postgresql://", 1),
        "REDIS_URL": redis_server.url,
        "REDIS_KEY_PREFIX": KEY_PREFIX,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        **settings,
    }
    process = WorkerProcess(env, tmp_path / "worker.log").start()
    yield process
    process.stop()
    print(f"--- worker output (last lines) ---\n{process.output()}")  # shown when the test failed
