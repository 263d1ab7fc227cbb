"""Migration 0034: the answers' tables come and go, the role CHECK admits compliance and is restored."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Application, User
from app.services import eeo
from tests.factories import Factory

BEFORE = "0033_data_requests"
AFTER = "0034_eeo"


def _set_role(user_id: int, role: str) -> None:
    db.session.execute(text("UPDATE users SET role = :role WHERE id = :id"), {"role": role, "id": user_id})


def _check_round_trip() -> None:
    factory = Factory()
    acme = factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    eeo.submit(application, {"gender": "Woman"})
    compliance = factory.staff(acme["company"], acme["admin"], "compliance")
    db.session.commit()
    compliance_id, manager_id = compliance.id, acme["hiring_manager"].id
    db.session.close()
    with pytest.raises(SystemExit):  # flask_migrate logs the RuntimeError and exits
        downgrade(revision=BEFORE)  # it would have to widen or delete the account
    db.session.rollback()
    _set_role(compliance_id, "recruiter")
    db.session.commit()
    downgrade(revision=BEFORE)
    tables = db.inspect(db.engine).get_table_names()
    assert "eeo_responses" not in tables and "eeo_question_sets" not in tables and "applications" in tables
    with pytest.raises(IntegrityError):
        _set_role(manager_id, "compliance")
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):  # the other CHECKs survived the copy
        db.session.execute(text("UPDATE users SET email = 'UPPER@X.EXAMPLE' WHERE id = :id"), {"id": manager_id})
    db.session.rollback()
    db.session.close()
    upgrade(revision=AFTER)
    _set_role(manager_id, "compliance")
    db.session.commit()
    assert db.session.get(User, manager_id).role == "compliance"
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1
    with pytest.raises(IntegrityError):
        _set_role(manager_id, "auditor")
        db.session.flush()
    db.session.rollback()


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'eeo.db'}")
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
