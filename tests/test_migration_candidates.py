"""Migration 0006: applications move from user accounts to candidate records and back, with data."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import insert as _insert
from tests.migration_data import rows as _rows
from tests.migration_data import user as _user

BEFORE = "0003_company_stage_totals"
AFTER = "0006_candidates"
CHILDREN_FIRST = (
    "consents",
    "privacy_notices",
    "notes",
    "stage_changes",
    "job_stage_counts",
    "applications",
    "candidates",
    "jobs",
    "users",
    "companies",
)


def _seed_at_0003() -> dict:
    """Two companies, three applicants, five applications with history and notes."""
    ids: dict = {}
    for key in ("a", "b"):
        ids[key] = _insert("companies", name=f"Company {key}", slug=f"company-{key}", created_at=WHEN)
        ids[f"staff_{key}"] = _user(f"staff@{key}.example", f"Staff {key}", "recruiter", ids[key])
    for key, company in (("ja1", "a"), ("ja2", "a"), ("jb1", "b")):
        ids[key] = _insert(
            "jobs",
            company_id=ids[company],
            title=key,
            description="",
            location="",
            remote=False,
            employment_type="full_time",
            status="open",
            created_at=WHEN,
            updated_at=WHEN,
        )
    for key in ("u1", "u2", "u3"):
        ids[key] = _user(f"{key}@people.example", f"Person {key}")
    pairs = [("u1", "ja1"), ("u1", "ja2"), ("u1", "jb1"), ("u2", "ja1"), ("u3", "jb1")]
    applications = {}
    for user, job in pairs:
        company = ids["a"] if job.startswith("ja") else ids["b"]
        application_id = _insert(
            "applications",
            job_id=ids[job],
            company_id=company,
            candidate_id=ids[user],
            stage="applied",
            cover_letter=f"{user} for {job}",
            version=1,
            created_at=WHEN,
            updated_at=WHEN,
        )
        applications[application_id] = (ids[user], company)
        _insert(
            "stage_changes",
            application_id=application_id,
            company_id=company,
            to_stage="applied",
            actor_id=ids[user],
            created_at=WHEN,
        )
        _insert("notes", application_id=application_id, author_id=None, body="kept", created_at=WHEN)
    ids["applications"] = applications
    return ids


def _check_round_trip(ids: dict) -> None:
    applications = ids["applications"]
    upgrade(revision=AFTER)

    # One record per (company, applicant), addressed and named as the account, linked to it.
    records = _rows("SELECT id, company_id, user_id, email, full_name FROM candidates ORDER BY id")
    assert sorted((company, user) for _, company, user, _, _ in records) == sorted(
        {(company, user) for user, company in applications.values()}
    )
    for _, _, user, email, name in records:
        key = next(k for k in ("u1", "u2", "u3") if ids[k] == user)
        assert (email, name) == (f"{key}@people.example", f"Person {key}")
    # Every application points at its own company's record of the same person.
    moved = _rows(
        "SELECT a.id, c.user_id, c.company_id, a.company_id, a.source FROM applications a "
        "JOIN candidates c ON c.id = a.candidate_id"
    )
    assert len(moved) == len(applications)
    for application_id, user, record_company, company, source in moved:
        assert (user, record_company) == applications[application_id]
        assert company == record_company and source == "careers_page"
    assert _rows("SELECT COUNT(*) FROM stage_changes")[0][0] == len(applications)
    assert _rows("SELECT COUNT(*) FROM notes")[0][0] == len(applications)

    # Made after the upgrade: a guest with an email and a sourced person without one.
    guest = _insert(
        "candidates",
        company_id=ids["a"],
        full_name="Guest",
        email="guest@people.example",
        links="{}",
        source="careers_page",
        created_at=WHEN,
        updated_at=WHEN,
    )
    sourced = _insert(
        "candidates",
        company_id=ids["b"],
        full_name="Sourced Person",
        links="{}",
        source="sourced",
        created_at=WHEN,
        updated_at=WHEN,
    )
    extra = {}
    for record, job, company in ((guest, "ja1", "a"), (sourced, "jb1", "b")):
        extra[record] = _insert(
            "applications",
            job_id=ids[job],
            company_id=ids[company],
            candidate_id=record,
            stage="applied",
            cover_letter="",
            source="careers_page",
            version=1,
            created_at=WHEN,
            updated_at=WHEN,
        )

    downgrade(revision=BEFORE)

    # Back to accounts: every earlier application points at the user it pointed at before.
    back = dict(_rows("SELECT id, candidate_id FROM applications"))
    for application_id, (user, _company) in applications.items():
        assert back[application_id] == user
    # The later ones point at candidate accounts made for them; nothing is lost.
    owners = dict(_rows("SELECT id, email FROM users WHERE role = 'candidate'"))
    assert owners[back[extra[guest]]] == "guest@people.example"
    assert owners[back[extra[sourced]]] == f"candidate-{sourced}@invalid.example"
    assert _rows("SELECT COUNT(*) FROM stage_changes")[0][0] == len(applications)
    assert _rows("SELECT COUNT(*) FROM notes")[0][0] == len(applications)
    assert "candidates" not in db.inspect(db.engine).get_table_names()


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "candidates.db", BEFORE, lambda: _check_round_trip(_seed_at_0003()))
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'candidates.db'}")
    with app.app_context():
        assert "candidates" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, lambda: _check_round_trip(_seed_at_0003()), CHILDREN_FIRST)
