"""Pooled connections are pinged only after sitting idle, and a dead one is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.db_pool import ping_after_idle


def _engine_counting_pings(tmp_path, idle_seconds: float):
    engine = create_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    pings: list[int] = []
    original = engine.dialect.do_ping

    def counting_ping(dbapi_connection):
        pings.append(1)
        return original(dbapi_connection)

    engine.dialect.do_ping = counting_ping
    ping_after_idle(engine, idle_seconds)
    return engine, pings


def test_a_connection_used_a_moment_ago_is_not_pinged(tmp_path):
    engine, pings = _engine_counting_pings(tmp_path, idle_seconds=3600)
    for _ in range(3):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    assert pings == []
    engine.dispose()


def test_a_connection_idle_past_the_limit_is_pinged(tmp_path):
    engine, pings = _engine_counting_pings(tmp_path, idle_seconds=0)
    with engine.connect() as conn:  # a new connection: nothing to check
        conn.execute(text("SELECT 1"))
    assert pings == []
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert pings == [1]
    engine.dispose()


@pytest.mark.postgres
def test_a_connection_the_server_closed_is_replaced_without_an_error(make_app, factory):
    app = make_app(DATABASE_PING_AFTER_IDLE_SECONDS=0)
    client = app.test_client()
    with app.app_context():
        from app.extensions import db

        assert client.get("/api/v1/jobs").status_code == 200
        db.session.remove()
        assert db.engine.pool.checkedin() >= 1
        outside = create_engine(db.engine.url, poolclass=NullPool)
        with outside.connect() as admin:  # as a database restart would: end the pooled connections
            ended = admin.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        outside.dispose()
        assert ended >= 1
        assert client.get("/api/v1/jobs").status_code == 200


@pytest.mark.postgres
def test_a_connection_terminated_a_moment_ago_is_replaced_without_a_ping_on_every_request(make_app, factory):
    """No idle ping is due, yet the terminated backend's goodbye on the socket gives it away."""
    app = make_app(DATABASE_PING_AFTER_IDLE_SECONDS=3600)
    client = app.test_client()
    with app.app_context():
        from app.extensions import db

        pings: list[int] = []
        original = db.engine.dialect.do_ping

        def counting_ping(dbapi_connection):
            pings.append(1)
            return original(dbapi_connection)

        db.engine.dialect.do_ping = counting_ping
        try:
            assert client.get("/api/v1/jobs").status_code == 200
            assert client.get("/api/v1/jobs").status_code == 200
            assert pings == []  # a healthy, recently used connection costs nothing
            db.session.remove()
            outside = create_engine(db.engine.url, poolclass=NullPool)
            with outside.connect() as admin:
                ended = admin.scalar(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            outside.dispose()
            assert ended >= 1
            assert client.get("/api/v1/jobs").status_code == 200
            assert pings  # the dropped connection was checked, found dead and replaced
        finally:
            db.engine.dialect.do_ping = original
