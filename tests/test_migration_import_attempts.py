"""Migration 0038: an import's count of failed runs comes (0 for existing imports) and goes; the rows stay."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import insert as _insert
from tests.migration_data import rows as _rows

BEFORE = "0036_report_summaries"
AFTER = "0038_import_attempts"
SEEDED = ("candidate_imports", "companies")


def _columns() -> set[str]:
    return {c["name"] for c in db.inspect(db.engine).get_columns("candidate_imports")}


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme-attempts", created_at=WHEN)
    _insert(
        "candidate_imports",
        company_id=company,
        status="queued",
        filename="people.csv",
        encoding="utf-8",
        delimiter=",",
        header="[]",
        mapping="{}",
        created_at=WHEN,
        updated_at=WHEN,
    )
    assert "failed_attempts" not in _columns()
    upgrade(revision=AFTER)
    assert _rows("SELECT filename, failed_attempts FROM candidate_imports") == [("people.csv", 0)]
    downgrade(revision=BEFORE)
    assert "failed_attempts" not in _columns()
    assert _rows("SELECT filename FROM candidate_imports") == [("people.csv",)]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "import_attempts.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, SEEDED)
