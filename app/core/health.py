"""Readiness checks: what `/readyz` and `flask health` report.

Liveness (`/healthz`) checks nothing but the process. Readiness checks what a
request needs: the database answers and its schema is at the migrations' head;
with Redis configured, Redis answers and a mail worker has sent a heartbeat
recently (RQ keeps each worker's registration and `last_heartbeat` in Redis).

The body names each check and its outcome, never an error's text (it could
carry a host name or a user name): only the exception's class.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import redis
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from app.redis_client import redis_client

Check = dict[str, object]


def migration_heads(app: Flask) -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process)."""
    heads = app.extensions.get("migration_heads")
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        directory = os.path.join(os.path.dirname(app.root_path), "migrations")
        config = Config()
        config.set_main_option("script_location", directory)
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        app.extensions["migration_heads"] = heads
    return heads


def check_database(app: Flask) -> tuple[Check, Check]:
    """One statement: the database answers (first check) and is at the head revision (second)."""
    try:
        with db.engine.connect() as conn:
            current = frozenset(conn.scalars(text("SELECT version_num FROM alembic_version")).all())
    except Exception as error:  # any driver error: not ready
        failed = {"ok": False, "error": type(error).__name__}
        return failed, {"ok": False, "error": "database unavailable or not migrated"}
    heads = migration_heads(app)
    migrations: Check = {"ok": current == heads, "current": sorted(current), "head": sorted(heads)}
    return {"ok": True}, migrations


def check_redis(client: redis.Redis) -> Check:
    try:
        client.ping()
    except redis.RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def check_worker(app: Flask, client: redis.Redis) -> Check:
    """A mail worker's heartbeat no older than READYZ_WORKER_MAX_AGE seconds."""
    from rq import worker_registration
    from rq.utils import utcparse

    from app.mail.queue import get_queue

    max_age = float(app.config["READYZ_WORKER_MAX_AGE"])
    try:
        keys = worker_registration.get_keys(queue=get_queue(app), connection=client)
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hget(key, "last_heartbeat")
        beats = [utcparse(raw.decode()) for raw in pipe.execute() if raw]
    except redis.RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    if not beats:
        return {"ok": False, "error": "no mail worker registered"}
    age = (datetime.now(UTC) - max(beats)).total_seconds()
    return {"ok": age <= max_age, "workers": len(beats), "last_heartbeat_age_seconds": round(age, 1)}


def readiness(app: Flask) -> tuple[bool, dict[str, Check]]:
    """Every check by name, and whether all passed."""
    database, migrations = check_database(app)
    checks: dict[str, Check] = {"database": database, "migrations": migrations}
    client = redis_client(app)
    if client is not None:
        checks["redis"] = check_redis(client)
        if app.config["READYZ_REQUIRE_WORKER"]:
            redis_ok = checks["redis"]["ok"]
            checks["worker"] = check_worker(app, client) if redis_ok else {"ok": False, "error": "redis unavailable"}
    return all(bool(check["ok"]) for check in checks.values()), checks
