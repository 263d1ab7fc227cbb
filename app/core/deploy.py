"""Migrating once per deploy: `flask deploy` runs `flask db upgrade` under a PostgreSQL advisory lock.

Any number of replicas may run it at start: the first takes the lock and
migrates, the others wait for the lock, then find the schema at head and do
nothing. The lock is a session lock on a connection held open for the
duration, so it is released even if the process dies. SQLite has one writer
and one host, so it needs no lock.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger(__name__)

# pg_advisory_lock takes a bigint; this one is ours ("ats-migrate" as a number).
MIGRATION_LOCK_ID = 0x6174732D6D6967


def upgrade_locked(app: Flask, timeout_seconds: int = 600) -> None:
    from flask_migrate import upgrade

    if db.engine.dialect.name != "postgresql":
        upgrade()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT set_config('lock_timeout', :ms, false)"), {"ms": f"{timeout_seconds * 1000}"})
        log.info("deploy: waiting for the migration lock")
        conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        try:
            log.info("deploy: migrating to head")
            upgrade()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
