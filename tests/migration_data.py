"""Helpers for migration tests that carry data: raw SQL at an old revision, and the down-and-up round trip.

A migration test seeds rows at the revision before (`BEFORE`) with plain SQL
(the models describe only the newest schema), then checks the upgrade and the
downgrade with that data, on a fresh SQLite file and on the PostgreSQL test
database, which is left at the newest revision and empty of the seeded rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db

WHEN = "2026-01-01 09:00:00"


def run(sql: str, **params):
    with db.engine.begin() as conn:
        return conn.execute(text(sql), params)


def rows(sql: str, **params) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def insert(table: str, **values) -> int:
    """One row into `table` (a name from the test, never from input); its id."""
    columns = ", ".join(values)
    marks = ", ".join(f":{key}" for key in values)
    run(f"INSERT INTO {table} ({columns}) VALUES ({marks})", **values)  # noqa: S608 (names from the tests)
    return rows(f"SELECT MAX(id) FROM {table}")[0][0]  # noqa: S608


def user(email: str, name: str, role: str = "candidate", company_id: int | None = None) -> int:
    return insert(
        "users",
        email=email,
        full_name=name,
        password_hash="x",
        role=role,
        company_id=company_id,
        active=True,
        auth_version=1,
        created_at=WHEN,
    )


def round_trip_on_sqlite(make_app, database: Path, before: str, check: Callable[[], None]) -> None:
    """A fresh SQLite file at `before`, `check()` (it seeds, upgrades, downgrades), then up to the newest."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade(revision=before)
        check()
        upgrade()  # and forward again to the newest schema, with the data
        db.engine.dispose()


def round_trip_on_postgres(before: str, check: Callable[[], None], children_first: Iterable[str]) -> None:
    """The test database down to `before`, `check()`, then emptied of the seeded tables and upgraded again.

    `children_first`: the tables the check fills, children before parents (names from the test).
    """
    downgrade(revision=before)
    try:
        check()
    finally:
        present = set(db.inspect(db.engine).get_table_names())
        with db.engine.begin() as conn:
            for table in children_first:
                if table in present:
                    conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (names from the tests)
        upgrade()
