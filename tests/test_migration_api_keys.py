"""Migration 0024: API keys, and the key named on history rows and notes; going back keeps the notes."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app.extensions import db
from app.models import ApiKey, Note
from app.services import api_keys
from tests.factories import Factory
from tests.migration_data import rows as _rows

BEFORE = "0017_inbound_replies"
AFTER = "0024_api_keys"


def _check_round_trip() -> None:
    factory = Factory()
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada"), tenant["job"])
    key = api_keys.create_key(tenant["admin"], name="Sync", scopes=["jobs:read"]).key
    db.session.add(
        Note(application_id=application.id, author_id=tenant["recruiter"].id, body="Kept", api_key_id=key.id)
    )
    db.session.commit()
    db.session.close()

    downgrade(revision=BEFORE)
    assert "api_keys" not in db.inspect(db.engine).get_table_names()
    assert "api_key_id" not in {c["name"] for c in db.inspect(db.engine).get_columns("notes")}
    assert _rows("SELECT body FROM notes") == [("Kept",)]

    upgrade(revision=AFTER)
    assert db.session.scalar(select(Note.api_key_id).where(Note.body == "Kept")) is None
    assert db.session.scalar(select(ApiKey.id)) is None


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'api_keys.db'}")
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
