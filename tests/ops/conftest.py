"""Fixtures for the operations tests: fresh PostgreSQL databases and free ports."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def new_pg_database(database_url) -> Iterator[Callable[[], str]]:
    """Creates empty PostgreSQL databases on the test server (dropped afterwards); returns their URLs."""
    base = make_url(database_url)
    if base.get_backend_name() != "postgresql":
        pytest.fail("new_pg_database needs TEST_DATABASE_URL (a PostgreSQL server)")
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def create() -> str:
        name = f"ats_ops_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
