"""Migration 0035: the candidate import tables come and go; the rest of the data stays."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.models import Candidate, CandidateImport
from app.services import candidate_import_run, candidate_imports
from tests.factories import Factory

BEFORE = "0034_eeo"
AFTER = "0035_imports"


def _check_round_trip() -> None:
    tenant = Factory().tenant()
    row = candidate_imports.upload(tenant["recruiter"], filename="p.csv", data=b"name,email\r\nAda,ada@example.com\r\n")
    db.session.commit()
    candidate_imports.confirm(tenant["recruiter"], row.id, row.mapping)
    db.session.commit()
    assert candidate_import_run.run(row.id) == "done"
    db.session.close()
    downgrade(revision=BEFORE)
    tables = db.inspect(db.engine).get_table_names()
    assert "candidate_imports" not in tables and "candidate_import_rows" not in tables and "candidates" in tables
    upgrade(revision=AFTER)
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1
    assert db.session.scalar(select(func.count()).select_from(CandidateImport)) == 0


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'imports.db'}")
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
