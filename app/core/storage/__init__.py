"""Where uploaded files live, picked by STORAGE_BACKEND.

- `local`: a directory of this host (UPLOAD_DIR); the single-host default.
- `database`: the `stored_files` table, so every web host sharing the database
  serves every file; writes join the request's transaction.

    storage = get_storage()
    storage.put(key, data, content_type)
    with storage.open(key).file as handle: ...
"""

from __future__ import annotations

from flask import Flask, current_app

from app.core.storage.base import FileMissing, Storage, StoredObject, check_key
from app.core.storage.database import DatabaseStorage
from app.core.storage.local import LocalStorage

BACKENDS = ("local", "database")

__all__ = [
    "BACKENDS",
    "DatabaseStorage",
    "FileMissing",
    "LocalStorage",
    "Storage",
    "StoredObject",
    "build",
    "check_key",
    "get_storage",
    "init_app",
]


def build(name: str, app: Flask) -> Storage:
    if name == "local":
        return LocalStorage(app.config["UPLOAD_DIR"])
    if name == "database":
        return DatabaseStorage()
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")


def init_app(app: Flask) -> None:
    """Refuse to start with an unknown backend; add `flask storage`."""
    from app.core.storage.cli import storage_cli

    app.extensions["storage"] = build(app.config.get("STORAGE_BACKEND") or "local", app)
    app.cli.add_command(storage_cli)


def get_storage() -> Storage:
    return current_app.extensions["storage"]
