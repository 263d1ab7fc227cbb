"""Migration 0028: the interview feedback tables, up and down with data."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, insert, round_trip_on_postgres, round_trip_on_sqlite, rows, user

BEFORE = "0026_interviews"
AFTER = "0028_scorecards"


def _check_round_trip() -> None:
    company = insert("companies", name="Acme", slug="acme-0028", created_at=WHEN)
    staff = user("rita@acme.example", "Rita", "recruiter", company)
    job = insert("jobs", company_id=company, title="Engineer", description="", location="", remote=False,
                 employment_type="full_time", status="open", created_at=WHEN, updated_at=WHEN)  # fmt: skip
    person = insert("candidates", company_id=company, full_name="Ada", email="ada@example.com", links="[]",
                    source="careers_page", created_at=WHEN, updated_at=WHEN)  # fmt: skip
    application = insert("applications", job_id=job, company_id=company, candidate_id=person, stage="applied",
                         stage_category="applied", cover_letter="", source="careers_page", version=1,
                         created_at=WHEN, updated_at=WHEN, stage_entered_at=WHEN)  # fmt: skip
    interview = insert("interviews", company_id=company, application_id=application, title="Technical",
                       status="scheduled", starts_at=WHEN, ends_at="2026-01-01 10:00:00", timezone="UTC", location="",
                       video_url="", notes="", scorecard='[{"name": "Skills", "attributes": ["SQL"]}]',
                       uid="interview-1@x", sequence=0, version=1, created_at=WHEN, updated_at=WHEN)  # fmt: skip
    upgrade(revision=AFTER)
    feedback = insert("interview_feedback", company_id=company, interview_id=interview, interviewer_id=staff,
                      application_id=application, job_id=job, ratings='{"Skills/SQL": 3}', recommendation="yes",
                      notes="Good", submitted_at=WHEN, updated_at=WHEN, version=2)  # fmt: skip
    insert("interview_feedback_revisions", feedback_id=feedback, company_id=company, version=1,
           ratings='{"Skills/SQL": 2}', recommendation="no", notes="", written_by_id=staff, written_at=WHEN,
           replaced_at=WHEN)  # fmt: skip
    assert rows("SELECT recommendation, version FROM interview_feedback") == [("yes", 2)]
    with pytest.raises(Exception):  # noqa: B017 (each database names its integrity error differently)
        insert("interview_feedback", company_id=company, interview_id=interview, interviewer_id=staff,
               application_id=application, job_id=job, ratings="{}", recommendation="maybe", notes="",
               submitted_at=WHEN, updated_at=WHEN, version=1)  # fmt: skip

    downgrade(revision=BEFORE)
    tables = set(db.inspect(db.engine).get_table_names())
    assert not {"interview_feedback", "interview_feedback_revisions"} & tables
    assert rows("SELECT title FROM interviews") == [("Technical",)]  # the rest of the data stays


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "scorecards.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(
        BEFORE,
        _check_round_trip,
        ("interview_feedback_revisions", "interview_feedback", "interviews", "applications", "candidates", "jobs",
         "users", "companies"),
    )  # fmt: skip
