"""Migration 0021: the partial index of undo rows comes and goes, the history stays."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows

BEFORE = "0018_notifications"
AFTER = "0021_analytics"
WHEN = "2026-01-01 09:00:00"


def _indexes() -> set[str]:
    return {index["name"] for index in db.inspect(db.engine).get_indexes("stage_changes")}


def _seed() -> dict:
    """A move to screening and its undo."""
    ids: dict = {"company": _insert("companies", name="Acme", slug="acme", created_at=WHEN)}
    ids["job"] = _insert(
        "jobs", company_id=ids["company"], title="Engineer", description="", location="", remote=False,
        employment_type="full_time", status="open", created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    record = _insert(
        "candidates", company_id=ids["company"], full_name="Pat", email="pat@people.example", links="{}",
        source="careers_page", created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    ids["application"] = _insert(
        "applications", job_id=ids["job"], company_id=ids["company"], candidate_id=record, stage="applied",
        cover_letter="", source="careers_page", version=3, created_at=WHEN, updated_at=WHEN, stage_entered_at=WHEN,
        stage_category="applied",
    )  # fmt: skip
    change = dict(application_id=ids["application"], company_id=ids["company"], created_at=WHEN)
    _insert("stage_changes", from_stage=None, to_stage="applied", to_category="applied", **change)
    ids["move"] = _insert(
        "stage_changes", from_stage="applied", to_stage="screening", to_category="screening", **change
    )
    _insert("stage_changes", from_stage="screening", to_stage="applied", to_category="applied", undo_of_id=ids["move"],
            **change)  # fmt: skip
    return ids


def _check_round_trip() -> None:
    ids = _seed()
    upgrade(revision=AFTER)
    assert "ix_stage_changes_undo_of_id" in _indexes()
    assert _rows("SELECT undo_of_id FROM stage_changes WHERE undo_of_id IS NOT NULL") == [(ids["move"],)]
    downgrade(revision=BEFORE)
    assert "ix_stage_changes_undo_of_id" not in _indexes()
    assert len(_rows("SELECT id FROM stage_changes")) == 3


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "analytics.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(
        BEFORE, _check_round_trip, ("stage_changes", "applications", "candidates", "jobs", "companies")
    )
