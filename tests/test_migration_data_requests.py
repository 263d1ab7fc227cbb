"""Migration 0033: the data requests table comes and goes; the rest of the data stays."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, DataRequest
from app.services import data_requests
from tests.factories import Factory

BEFORE = "0027_offers"
AFTER = "0033_data_requests"


def _check_round_trip() -> None:
    factory = Factory()
    tenant = factory.tenant()
    user = factory.candidate("Ada")
    factory.application(user, tenant["job"])
    data_requests.request_erasure(user=user)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DataRequest)) == 1
    db.session.close()
    downgrade(revision=BEFORE)
    tables = db.inspect(db.engine).get_table_names()
    assert "data_requests" not in tables and "applications" in tables
    upgrade(revision=AFTER)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1
    assert db.session.scalar(select(func.count()).select_from(DataRequest)) == 0


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'data_requests.db'}")
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
