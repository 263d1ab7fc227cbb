"""Two web hosts (gunicorn, production settings) on one fresh PostgreSQL database and one Redis.

The database is created for the module, migrated with `flask db upgrade` and
dropped at the end; Redis keys live under a prefix of their own, deleted at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.scaleout.hosts import Traffic, WebHost, flask_command

# Sign-in attempts per minute, per client address and per email. The module signs
# in 5 times through the pages and takes 2 API tokens before the rate-limit test,
# which runs last and spends the rest.
LOGIN_LIMIT = 6


@pytest.fixture(scope="module")
def scaleout_database() -> Iterator[str]:
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.fail("the scale-out test needs PostgreSQL: set TEST_DATABASE_URL")
    base = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ats_scaleout_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def scaleout_redis_prefix(redis_url) -> Iterator[str]:
    import redis

    prefix = f"ats-scaleout-{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    marks = (prefix, prefix.replace(":", "-"))  # RQ writes the prefix into its own keys, ':' as '-'
    keys = {key for mark in marks for key in client.scan_iter(match=f"*{mark}*", count=1000)}
    if keys:
        client.delete(*keys)
    for registry in ("rq:queues", "rq:workers"):
        stale = [member for member in client.smembers(registry) if any(mark.encode() in member for mark in marks)]
        if stale:
            client.srem(registry, *stale)


@pytest.fixture(scope="module")
def production_env(scaleout_database, redis_url, scaleout_redis_prefix) -> dict[str, str]:
    """What an operator sets on every web host: production, long random secrets, shared services."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TZ") if name in os.environ}
    return {
        **keep,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "WEBHOOK_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": scaleout_database,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": scaleout_redis_prefix,
        "STORAGE_BACKEND": "database",
        "PROXY_FIX_HOPS": "0",
        "RATELIMIT_ENABLED": "true",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        "PUBLIC_CACHE_SECONDS": "60",
        "PUBLIC_COMPANY_SIGNUP": "true",
        "MAIL_BACKEND": "smtp",  # queued in Redis; no worker runs here, nothing is sent
        "BASE_URL": "http://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def hosts(production_env, tmp_path_factory) -> Iterator[tuple[WebHost, WebHost]]:
    root = tmp_path_factory.mktemp("scaleout")
    pair = (WebHost("A", production_env, root / "a"), WebHost("B", production_env, root / "b"))
    try:
        for host in pair:
            host.start()  # booting touches no table: the migration runs meanwhile
        migrated = flask_command(production_env, "db", "upgrade")
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        for host in pair:
            host.wait_ready()
        yield pair
    finally:
        for host in pair:
            host.stop()


@pytest.fixture(scope="module")
def traffic(record_testsuite_property) -> Iterator[Traffic]:
    """Every request the tests make; the figures go to the JUnit report (and stdout, with -s)."""
    log = Traffic()
    yield log
    summary = json.dumps(log.summary())
    record_testsuite_property("scaleout_traffic", summary)
    print("\nscale-out traffic:", summary)
