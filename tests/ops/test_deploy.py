"""`flask deploy`: replicas starting together migrate once, under a PostgreSQL advisory lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def flask(args: list[str], database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "FLASK_APP": "run.py",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.postgres
def test_replicas_deploying_at_once_migrate_once(new_pg_database, make_app):
    url = new_pg_database()
    replicas = [flask(["deploy"], url) for _ in range(3)]
    outputs = [replica.communicate(timeout=120)[0] for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0, 0], "\n".join(outputs)
    assert sum("Running upgrade  -> 0001" in output for output in outputs) == 1, "\n".join(outputs)

    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.scalars(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    from app.core.health import migration_heads

    assert frozenset(versions) == migration_heads(app)


def test_deploy_on_sqlite_migrates_to_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'deploy.db'}"
    first = flask(["deploy"], url)
    output = first.communicate(timeout=120)[0]
    assert first.returncode == 0, output
    second = flask(["deploy"], url)
    output = second.communicate(timeout=120)[0]
    assert second.returncode == 0
    assert "Running upgrade" not in output and "at the head revision" in output
