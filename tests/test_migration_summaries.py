"""Migration 0030: application summaries filled from the history, kept by triggers, dropped on downgrade."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows

BEFORE = "0029_booking"
AFTER = "0030_integrations"
WHEN = "2026-01-01 09:00:00"
TABLES = ("stage_changes", "applications", "candidates", "jobs", "companies")


def _application(company: int, job: int, email: str) -> int:
    record = _insert(
        "candidates", company_id=company, full_name="Pat", email=email, links="{}", source="careers_page",
        created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    return _insert(
        "applications", job_id=job, company_id=company, candidate_id=record, stage="applied", cover_letter="",
        source="careers_page", version=1, created_at=WHEN, updated_at=WHEN, stage_entered_at=WHEN,
        stage_category="applied",
    )  # fmt: skip


def _move(application: int, company: int, from_stage, to: str, at: str, undo_of: int | None = None) -> int:
    return _insert(
        "stage_changes", application_id=application, company_id=company, from_stage=from_stage, to_stage=to,
        to_category=to, created_at=at, undo_of_id=undo_of,
    )  # fmt: skip


def _summaries() -> list[tuple]:
    rows = _rows("SELECT application_id, furthest_rank, hired_at, first_response_at FROM application_summaries")
    return sorted((a, rank, hired is not None, str(first)[:10] if first else None) for a, rank, hired, first in rows)


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme", created_at=WHEN)
    job = _insert(
        "jobs", company_id=company, title="Engineer", description="", location="", remote=False,
        employment_type="full_time", status="open", created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    hired = _application(company, job, "a@people.example")
    _move(hired, company, None, "applied", WHEN)
    _move(hired, company, "applied", "offer", "2026-01-03 09:00:00")
    _move(hired, company, "offer", "hired", "2026-01-05 09:00:00")
    undone = _application(company, job, "b@people.example")
    _move(undone, company, None, "applied", WHEN)
    interview = _move(undone, company, "applied", "interview", "2026-01-02 09:00:00")
    _move(undone, company, "interview", "applied", "2026-01-02 10:00:00", undo_of=interview)

    upgrade(revision=AFTER)
    # Filled from the history: the undone move and the undo row do not count.
    assert _summaries() == [(hired, 4, True, "2026-01-03"), (undone, 0, False, None)]
    # Kept by the triggers: a new move, then a corrected time.
    screened = _move(undone, company, "applied", "screening", "2026-01-04 09:00:00")
    assert _summaries()[1] == (undone, 1, False, "2026-01-04")
    db.session.execute(db.text("UPDATE stage_changes SET created_at = '2026-01-06 09:00:00' WHERE id = :i"),
                       {"i": screened})  # fmt: skip
    db.session.commit()
    assert _summaries()[1] == (undone, 1, False, "2026-01-06")

    downgrade(revision=BEFORE)
    assert "application_summaries" not in db.inspect(db.engine).get_table_names()
    _move(undone, company, "screening", "interview", "2026-01-07 09:00:00")  # no trigger left behind
    assert len(_rows("SELECT id FROM stage_changes")) == 8


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "summaries.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, ("application_summaries", *TABLES))
