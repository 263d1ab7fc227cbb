"""/healthz (liveness) and /readyz (readiness: database, migrations, Redis, a worker heartbeat)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rq.utils import utcformat
from sqlalchemy import text

from app.extensions import db


def test_healthz_checks_nothing_but_the_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_on_a_migrated_database_without_redis(client, count_statements):
    with count_statements() as log:
        response = client.get("/readyz")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations"}  # no Redis configured: nothing else to check
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"] != []
    assert log.count == 1, log.report()


def test_readyz_is_unavailable_when_the_schema_is_not_at_head(app, client):
    with db.engine.begin() as conn:
        (current,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
        conn.execute(text("UPDATE alembic_version SET version_num = 'an_older_revision'"))
    try:
        response = client.get("/readyz")
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"] == {"ok": True}
    assert response.json["checks"]["migrations"]["ok"] is False
    assert response.json["checks"]["migrations"]["current"] == ["an_older_revision"]


def test_readyz_is_unavailable_when_the_database_is_unreachable(make_app, tmp_path):
    # A database with no schema: the query fails, and the body names only the error's class.
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["database"]["ok"] is False
    assert checks["database"]["error"] == "OperationalError"
    assert checks["migrations"]["ok"] is False


@pytest.mark.redis
def test_readyz_wants_a_recent_mail_worker_heartbeat_with_redis(redis_app):
    from app.mail.queue import get_queue
    from app.mail.worker import make_worker

    client = redis_app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {"ok": True}
    assert response.json["checks"]["worker"] == {"ok": False, "error": "no mail worker registered"}

    worker = make_worker(redis_app)
    worker.register_birth()
    try:
        assert get_queue(redis_app).name in {q.name for q in worker.queues}
        response = client.get("/readyz")
        assert response.status_code == 200, response.json
        assert response.json["checks"]["worker"]["ok"] is True
        assert response.json["checks"]["worker"]["workers"] == 1

        # A worker that stopped sending heartbeats (hung, or its host gone) no longer counts.
        stale = datetime.now(UTC) - timedelta(seconds=redis_app.config["READYZ_WORKER_MAX_AGE"] + 5)
        worker.connection.hset(worker.key, "last_heartbeat", utcformat(stale))
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json["checks"]["worker"]["ok"] is False
    finally:
        worker.register_death()


@pytest.mark.redis
def test_readyz_is_unavailable_when_redis_is_down(make_app, closed_port, redis_prefix):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0", REDIS_KEY_PREFIX=redis_prefix)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}
    assert response.json["checks"]["worker"]["ok"] is False
    assert response.json["checks"]["database"] == {"ok": True}


def test_flask_health_prints_the_checks_and_fails_when_not_ready(make_app, tmp_path):
    ready = make_app().test_cli_runner().invoke(args=["health"])
    assert ready.exit_code == 0, ready.output
    assert '"status": "ready"' in ready.output

    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    result = broken.test_cli_runner().invoke(args=["health"])
    assert result.exit_code == 1
    assert '"status": "unavailable"' in result.output
