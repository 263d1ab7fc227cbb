"""Migration 0027: offers, their history, approvers, the letter template and two company settings, up and down."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.migration_data import WHEN, insert, round_trip_on_postgres, round_trip_on_sqlite, rows, run, user

BEFORE = "0030_integrations"
AFTER = "0027_offers"


def _check_round_trip() -> None:
    company = insert("companies", name="Acme", slug="acme-0027", created_at=WHEN)
    upgrade(revision=AFTER)
    # Existing companies: hiring needs an accepted offer, nobody approves their own.
    assert rows("SELECT hire_requires_offer, offer_self_approval FROM companies") == [(True, False)]
    staff = user("rita@acme.example", "Rita", "recruiter", company)
    job = insert("jobs", company_id=company, title="Engineer", description="", location="", remote=False,
                 employment_type="full_time", status="open", created_at=WHEN, updated_at=WHEN)  # fmt: skip
    person = insert("candidates", company_id=company, full_name="Ada", email="ada@example.com", links="[]",
                    source="careers_page", created_at=WHEN, updated_at=WHEN)  # fmt: skip
    application = insert("applications", job_id=job, company_id=company, candidate_id=person, stage="offer",
                         stage_category="offer", cover_letter="", source="careers_page", version=1,
                         created_at=WHEN, updated_at=WHEN, stage_entered_at=WHEN)  # fmt: skip
    terms = {"company_id": company, "application_id": application, "job_id": job, "salary_minor": 8500000,
             "currency": "EUR", "start_date": "2027-01-15", "terms": "", "version": 1, "created_at": WHEN,
             "updated_at": WHEN}  # fmt: skip
    offer = insert("offers", status="withdrawn", **terms)
    insert("offers", status="draft", **terms)
    with pytest.raises(IntegrityError):  # one open offer per application
        insert("offers", status="sent", **terms)
    insert("offer_events", offer_id=offer, company_id=company, application_id=application, to_status="draft",
           actor_id=staff, created_at=WHEN)  # fmt: skip
    run("INSERT INTO offer_approvers (job_id, user_id, company_id, added_at) VALUES (:j, :u, :c, :w)",
        j=job, u=staff, c=company, w=WHEN)  # fmt: skip
    run("INSERT INTO offer_letter_templates (company_id, body, updated_at) VALUES (:c, 'Hi', :w)", c=company, w=WHEN)
    assert rows("SELECT status, salary_minor FROM offers ORDER BY id") == [("withdrawn", 8500000), ("draft", 8500000)]

    downgrade(revision=BEFORE)
    tables = set(db.inspect(db.engine).get_table_names())
    assert not {"offers", "offer_events", "offer_approvers", "offer_letter_templates"} & tables
    columns = {c["name"] for c in db.inspect(db.engine).get_columns("companies")}
    assert not {"hire_requires_offer", "offer_self_approval"} & columns
    assert rows("SELECT stage FROM applications") == [("offer",)]  # the rest stays


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "offers.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, ("applications", "candidates", "jobs", "users", "companies"))
