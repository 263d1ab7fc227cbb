"""Migration 0025: the audit log's table comes and goes; the rest of the data stays."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, User
from app.services import audit
from tests.factories import Factory

BEFORE = "0021_analytics"
AFTER = "0025_audit_log"


def _check_round_trip() -> None:
    Factory().tenant()  # inviting staff writes audit rows
    db.session.commit()
    audit.seal_all()
    users = db.session.scalar(select(func.count()).select_from(User))
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 2
    db.session.close()
    downgrade(revision=BEFORE)
    assert "audit_events" not in db.inspect(db.engine).get_table_names()
    upgrade(revision=AFTER)
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'audit.db'}")
    with app.app_context():
        upgrade()
        _check_round_trip()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    try:
        _check_round_trip()
    finally:
        db.session.remove()
        upgrade()
