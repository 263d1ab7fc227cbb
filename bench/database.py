"""The bench databases: seeded once, cloned fresh for every run.

`<name>_seed` holds the seeded data and is never served; each run serves
`<name>`, a copy made with CREATE DATABASE ... TEMPLATE (seconds, not a reseed),
so writes from one run (applies, stage moves) never leak into the next.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def _admin(server_url: str):
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _exists(conn, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar() is not None


def _count(server_url: str, name: str) -> int | None:
    engine = create_engine(database_url(server_url, name).replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM applications")).scalar()
    except Exception:
        return None
    finally:
        engine.dispose()


def _flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env={**env, "FLASK_APP": "run.py"}, check=True, text=True
    )


def prepare(server_url: str, name: str, applications: int, env: dict, summary_dir: Path) -> dict:
    """Seed `<name>_seed` unless it already holds `applications`, then clone it to `<name>`.

    Returns the seed summary, with "seed_wall_seconds" when this call seeded.
    """
    seed_name = f"{name}_seed"
    summary_path = summary_dir / f"{seed_name}.json"
    admin = _admin(server_url)
    seed_env = {**env, "DATABASE_URL": database_url(server_url, seed_name)}
    try:
        summary = json.loads(summary_path.read_text()) if summary_path.exists() else None
        with admin.connect() as conn:
            present = _exists(conn, seed_name)
        ready = (
            present
            and summary is not None
            and summary.get("applications") == applications
            and _count(server_url, seed_name) == applications
        )
        if not ready:
            print(f"Seeding {seed_name} with {applications} applications ...", flush=True)
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{seed_name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{seed_name}"'))
            _flask(seed_env, "db", "upgrade")
            started = time.monotonic()
            _flask(seed_env, "seed", "bench", "--applications", str(applications), "--output", str(summary_path))
            wall = round(time.monotonic() - started, 1)
            summary = json.loads(summary_path.read_text())
            summary["seed_wall_seconds"] = wall
            summary_path.write_text(json.dumps(summary, indent=2))
        else:
            _flask(seed_env, "db", "upgrade")  # new migrations since the seed
        clone(server_url, seed_name, name)
        return summary
    finally:
        admin.dispose()


def clone(server_url: str, seed_name: str, name: str) -> None:
    """`name` made afresh as a copy of `seed_name` (CREATE DATABASE ... TEMPLATE: seconds, not a reseed)."""
    admin = _admin(server_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{seed_name}"'))
    finally:
        admin.dispose()


def drop(server_url: str, name: str) -> None:
    admin = _admin(server_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def query(url: str, sql: str, **params) -> list:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def scratch(postgres: str | None):
    """A scratch database: a SQLite file, or a throwaway database on the PostgreSQL server `postgres`.

    Returns its URL and a function that removes it.
    """
    if not postgres:
        folder = tempfile.mkdtemp(prefix="ats-bench-db-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    base = make_url(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ats_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop
