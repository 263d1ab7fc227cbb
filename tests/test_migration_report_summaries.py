"""Migration 0036: summaries gain the filter columns and the time per category, filled from the
history, kept by the triggers on stage_changes and applications; the downgrade puts 0030's back."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows
from tests.migration_data import run as _run

BEFORE = "0037_search_rank"
AFTER = "0036_report_summaries"
WHEN = "2026-01-01 09:00:00"
TABLES = ("stage_changes", "applications", "candidates", "jobs", "companies")
DAY = 86400.0


def _application(company: int, job: int, email: str, source: str = "careers_page") -> int:
    record = _insert(
        "candidates", company_id=company, full_name="Pat", email=email, links="{}", source="careers_page",
        created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    return _insert(
        "applications", job_id=job, company_id=company, candidate_id=record, stage="applied", cover_letter="",
        source=source, version=1, created_at=WHEN, updated_at=WHEN, stage_entered_at=WHEN,
        stage_category="applied",
    )  # fmt: skip


def _move(application: int, company: int, from_stage, to: str, at: str, undo_of: int | None = None) -> int:
    return _insert(
        "stage_changes", application_id=application, company_id=company, from_stage=from_stage, to_stage=to,
        to_category=to, created_at=at, undo_of_id=undo_of,
    )  # fmt: skip


def _job(company: int, title: str) -> int:
    return _insert(
        "jobs", company_id=company, title=title, description="", location="", remote=False,
        employment_type="full_time", status="open", created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


def _summary(application: int) -> tuple:
    """(job, source, current category, furthest rank, days in applied, screening, interview, offer)."""
    (row,) = _rows(
        "SELECT job_id, source, stage_category, furthest_rank, seconds_applied, seconds_screening, "
        "seconds_interview, seconds_offer FROM application_summaries WHERE application_id = :a",
        a=application,
    )
    return (*row[:4], *(round(value / DAY, 3) if value is not None else None for value in row[4:]))


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme", created_at=WHEN)
    job, other_job = (_job(company, "Engineer"), _job(company, "Designer"))
    hired = _application(company, job, "a@people.example", source="referral")
    _move(hired, company, None, "applied", WHEN)
    _move(hired, company, "applied", "screening", "2026-01-02 09:00:00")
    _move(hired, company, "screening", "offer", "2026-01-05 09:00:00")
    _move(hired, company, "offer", "hired", "2026-01-05 21:00:00")
    _run("UPDATE applications SET stage = 'hired', stage_category = 'hired' WHERE id = :a", a=hired)
    undone = _application(company, job, "b@people.example")
    _move(undone, company, None, "applied", WHEN)
    interview = _move(undone, company, "applied", "interview", "2026-01-02 09:00:00")
    _move(undone, company, "interview", "applied", "2026-01-02 10:00:00", undo_of=interview)

    upgrade(revision=AFTER)
    # Filled from the history: the undone move and its undo row never happened (applied still going on).
    assert _summary(hired) == (job, "referral", "hired", 4, 1.0, 3.0, None, 0.5)
    assert _summary(undone) == (job, "careers_page", "applied", 0, None, None, None, None)
    # Kept by the stage_changes trigger: a move ends the stay in applied.
    _move(undone, company, "applied", "screening", "2026-01-04 09:00:00")
    assert _summary(undone)[3:5] == (1, 3.0)
    # Kept by the applications trigger: the copied columns follow the application.
    _run(
        "UPDATE applications SET job_id = :j, source = 'sourced', stage = 'screening', stage_category = 'screening' "
        "WHERE id = :a",
        j=other_job,
        a=undone,
    )
    assert _summary(undone)[:3] == (other_job, "sourced", "screening")
    _run("UPDATE applications SET created_at = '2026-01-03 09:00:00' WHERE id = :a", a=undone)
    applied_at = _rows("SELECT applied_at FROM application_summaries WHERE application_id = :a", a=undone)
    assert str(applied_at[0][0])[:10] == "2026-01-03"

    downgrade(revision=BEFORE)
    columns = {c["name"] for c in db.inspect(db.engine).get_columns("application_summaries")}
    assert columns == {"application_id", "company_id", "furthest_rank", "hired_at", "first_response_at"}
    # 0030's trigger is back: a new move still moves the furthest rank.
    _move(undone, company, "screening", "interview", "2026-01-07 09:00:00")
    assert _rows("SELECT furthest_rank FROM application_summaries WHERE application_id = :a", a=undone) == [(2,)]
    _run("UPDATE applications SET source = 'referral' WHERE id = :a", a=undone)  # no trigger left on applications


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "report_summaries.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, ("application_summaries", *TABLES))
