"""`flask backup create|restore`: the database and the uploads in one archive.

The archive is a tar file holding `manifest.json` (format, database kind,
migration revision, time), the database (`database.dump`, pg_dump's custom
format, for PostgreSQL; `database.sqlite3`, made with SQLite's online backup
API, for SQLite) and `uploads/` (the UPLOAD_DIR tree).

pg_dump and pg_restore come from the PostgreSQL client tools (the image ships
them); their major version must be at least the server's. The database password
is passed in PGPASSWORD, never on a command line.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from app.extensions import db

FORMAT = "ats-backup/1"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore, and an environment carrying the password."""
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _revision() -> list[str]:
    try:
        with db.engine.connect() as conn:
            return sorted(conn.scalars(text("SELECT version_num FROM alembic_version")).all())
    except Exception:  # an unmigrated database has no revision to record
        return []


def create(app: Flask, path: str | os.PathLike) -> dict:
    """Write the archive to `path` (written beside it, then renamed, so a failure leaves no half file)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    kind = url.get_backend_name()
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="ats-backup-") as work:
        if kind == "postgresql":
            database_file = Path(work) / "database.dump"
            args, env = _libpq(url)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(database_file), *args],
                env,
            )
        elif kind == "sqlite":
            database_file = Path(work) / "database.sqlite3"
            source = sqlite3.connect(url.database)
            try:
                with sqlite3.connect(database_file) as copy:
                    source.backup(copy)
            finally:
                source.close()
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {kind}.")
        manifest = {
            "format": FORMAT,
            "database": kind,
            "revision": _revision(),
            "created_at": datetime.now(UTC).isoformat(),
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            info = tarfile.TarInfo("manifest.json")
            payload = json.dumps(manifest, indent=2).encode()
            info.size = len(payload)
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(payload))
            archive.add(database_file, arcname=database_file.name)
            uploads = Path(app.config["UPLOAD_DIR"])
            if uploads.is_dir():
                archive.add(uploads, arcname="uploads")
        partial.replace(target)
    return manifest


def _is_empty(app: Flask) -> bool:
    return not inspect(db.engine).get_table_names()


def restore(app: Flask, path: str | os.PathLike, *, force: bool = False) -> dict:
    """Restore the archive into the configured database (which must be empty unless `force`) and UPLOAD_DIR."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    kind = url.get_backend_name()
    with tempfile.TemporaryDirectory(prefix="ats-restore-") as work, tarfile.open(source, "r") as archive:
        archive.extractall(work, filter="data")  # refuses absolute paths, .. and links out of `work`
        manifest_file = Path(work) / "manifest.json"
        if not manifest_file.is_file():
            raise BackupError("Not a backup made by `flask backup create` (no manifest.json).")
        manifest = json.loads(manifest_file.read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if manifest.get("database") != kind:
            raise BackupError(f"This backup holds a {manifest.get('database')} database; DATABASE_URL is {kind}.")
        if not force and not _is_empty(app):
            raise BackupError("The database is not empty; restore into a new database, or pass --force.")
        db.engine.dispose()
        if kind == "postgresql":
            args, env = _libpq(url)
            clean = ["--clean", "--if-exists"] if force else []
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *clean, *args,
                  str(Path(work) / "database.dump")], env)  # fmt: skip
        else:
            with sqlite3.connect(Path(work) / "database.sqlite3") as copy, sqlite3.connect(url.database) as live:
                copy.backup(live)
        uploads = Path(work) / "uploads"
        if uploads.is_dir():
            shutil.copytree(uploads, app.config["UPLOAD_DIR"], dirs_exist_ok=True)
    return manifest
