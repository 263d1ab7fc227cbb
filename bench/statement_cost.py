"""What one statement costs the app in CPU at each layer of the stack, on the profile database.

    python -m bench.statement_cost

The same one-row read of an application by id, 2,000 times per layer: psycopg alone (a
prepared statement), SQLAlchemy Core on a connection, Core through the ORM session, and an
ORM entity through the session (all columns, then only one). The differences are the floor
each layer adds to every statement a request runs; compare them within one run only.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only

from bench.profile import Harness

ROUNDS = 2000


def cpu_ms(run: Callable[[int], object], rounds: int = ROUNDS) -> float:
    """CPU ms of this process per call, after a warm-up (statement caches, prepared plans)."""
    for n in range(200):
        run(n + 1)
    started = time.process_time()
    for n in range(rounds):
        run(n + 1)
    return round((time.process_time() - started) / rounds * 1000, 3)


def main() -> None:
    harness = Harness()
    try:
        from app.extensions import db
        from app.models import Application

        with harness.app.app_context():
            session = db.session
            core = select(Application.id, Application.stage).where(Application.id == bindparam("i"))
            entity = select(Application).where(Application.id == bindparam("i"))
            one_column = (
                select(Application).options(load_only(Application.stage)).where(Application.id == bindparam("i"))
            )
            connection = session.connection()
            cursor = connection.connection.dbapi_connection.cursor()
            sql = "SELECT id, stage FROM applications WHERE id = %s"

            def entity_read(statement):
                def run(n: int) -> None:
                    session.execute(statement, {"i": n}).scalar_one_or_none()
                    session.expunge_all()  # a request starts with an empty identity map

                return run

            rows = [
                ("psycopg, prepared statement", lambda n: (cursor.execute(sql, (n,), prepare=True), cursor.fetchone())),
                ("SQLAlchemy Core, connection.execute", lambda n: connection.execute(core, {"i": n}).first()),
                ("SQLAlchemy Core, session.execute", lambda n: session.execute(core, {"i": n}).first()),
                ("ORM entity, all columns", entity_read(entity)),
                ("ORM entity, one column loaded", entity_read(one_column)),
            ]
            print(f"{'one row by id, per statement':<40} {'app CPU ms':>10}")
            for label, run in rows:
                print(f"{label:<40} {cpu_ms(run):>10}", flush=True)
            session.rollback()
    finally:
        harness.close()


if __name__ == "__main__":
    main()
