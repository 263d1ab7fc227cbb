"""The migrations are the only way the schema is built; they must match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from app.models.search import include_in_autogenerate


def _diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
        )
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_do_not_drift(app):
    assert _diff() == []


def test_drift_is_detected(app):
    """The check above can fail: a column the migrations lack shows up."""
    from sqlalchemy import Column, Integer

    table = db.metadata.tables["companies"]
    extra = Column("not_migrated", Integer)
    table.append_column(extra)
    try:
        assert any("not_migrated" in str(change) for change in _diff())
    finally:
        table._columns.remove(extra)


def test_downgrade_to_base_and_upgrade_again(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'roundtrip.db'}")
    with app.app_context():
        upgrade()
        assert "applications" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _diff() == []


@pytest.mark.postgres
def test_downgrade_and_upgrade_on_postgres(app):
    downgrade(revision="base")
    try:
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        upgrade()
    assert _diff() == []
