"""The app here is set up as each of several web hosts would be: uploads in the
database (STORAGE_BACKEND=database), sessions, token blocklist and mail queue in Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.extensions import db as _db
from tests.conftest import _wipe


@pytest.fixture
def app(make_app, tmp_path, redis_url, redis_prefix) -> Iterator[Flask]:
    app = make_app(
        STORAGE_BACKEND="database",
        UPLOAD_DIR=str(tmp_path / "uploads"),
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=redis_prefix,
    )
    with app.app_context():
        from app.api import blocklist

        blocklist.is_revoked("warm-up")  # steady state: Redis already holds the complete blocklist
        _db.session.remove()
        yield app
        _db.session.rollback()
        _wipe()
