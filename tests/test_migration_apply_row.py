"""Migration 0009: the consent given when applying moves onto the application row and back, with data."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows

BEFORE = "0010_pipelines"
AFTER = "0009_apply_row"
WHEN = "2026-01-01 09:00:00"
CHILDREN_FIRST = (
    "consents",
    "application_answers",
    "stage_changes",
    "job_stage_counts",
    "applications",
    "privacy_notices",
    "candidates",
    "job_questions",
    "jobs",
    "users",
    "companies",
)


def _seed_before() -> dict:
    """A company with a notice (version 2), three applications: two with a consent, one staff add without."""
    company = _insert("companies", name="Acme", slug="acme", created_at=WHEN)
    job = _insert(
        "jobs",
        company_id=company,
        title="Job",
        description="",
        location="",
        remote=False,
        employment_type="full_time",
        status="open",
        salary_visible=False,
        headcount=1,
        created_at=WHEN,
        updated_at=WHEN,
    )
    notice = _insert("privacy_notices", company_id=company, version=2, text="Ours", created_at=WHEN)
    applications = []
    for n in range(3):
        person = _insert(
            "candidates",
            company_id=company,
            full_name=f"Person {n}",
            email=f"p{n}@people.example",
            links="{}",
            source="careers_page",
            created_at=WHEN,
            updated_at=WHEN,
        )
        applications.append(
            _insert(
                "applications",
                job_id=job,
                company_id=company,
                candidate_id=person,
                stage="applied",
                stage_category="applied",
                stage_entered_at=WHEN,
                cover_letter="",
                source="careers_page",
                version=1,
                created_at=WHEN,
                updated_at=WHEN,
            )
        )
    consents = {
        applications[0]: (None, 0, "198.51.100.7"),  # the default text
        applications[1]: (notice, 2, None),
    }
    for application_id, (notice_id, version, ip) in consents.items():
        candidate = _rows("SELECT candidate_id FROM applications WHERE id = :id", id=application_id)[0][0]
        _insert(
            "consents",
            company_id=company,
            candidate_id=candidate,
            application_id=application_id,
            privacy_notice_id=notice_id,
            notice_version=version,
            accepted_at=WHEN,
            ip=ip,
        )
    return {"applications": applications, "consents": consents}


def _consents_in_table() -> dict:
    rows = _rows("SELECT application_id, privacy_notice_id, notice_version, ip, accepted_at FROM consents")
    assert all(accepted is not None for *_, accepted in rows)
    return {application: (notice, version, ip) for application, notice, version, ip, _ in rows}


def _check_round_trip(seeded: dict) -> None:
    upgrade(revision=AFTER)
    assert "consents" not in db.inspect(db.engine).get_table_names()
    on_rows = _rows(
        "SELECT id, consent_notice_id, consent_notice_version, consent_ip, consented_at FROM applications ORDER BY id"
    )
    first, second, staff_add = on_rows
    for application_id, notice, version, ip, consented_at in (first, second):
        assert (notice, version, ip) == seeded["consents"][application_id]
        assert consented_at is not None
    assert staff_add[1:] == (None, None, None, None)  # no consent: nothing made up

    downgrade(revision=BEFORE)
    assert "consent_notice_id" not in {c["name"] for c in db.inspect(db.engine).get_columns("applications")}
    assert _consents_in_table() == seeded["consents"]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "apply_row.db", BEFORE, lambda: _check_round_trip(_seed_before()))
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'apply_row.db'}")
    with app.app_context():
        assert "consents" not in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, lambda: _check_round_trip(_seed_before()), CHILDREN_FIRST)
