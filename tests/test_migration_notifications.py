"""Migration 0018: the notifications table and the digest's user columns, up and down with data."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, insert, round_trip_on_postgres, round_trip_on_sqlite, rows, user

BEFORE = "0019_candidate_search"
AFTER = "0018_notifications"


def _check_round_trip() -> None:
    company = insert("companies", name="Acme", slug="acme-0018", created_at=WHEN)
    staff = user("rita@acme.example", "Rita", "recruiter", company)
    upgrade(revision=AFTER)
    assert rows("SELECT id, digest_opt_out, digest_sent_at FROM users WHERE id = :id", id=staff) == [
        (staff, False, None)
    ]
    job = insert("jobs", company_id=company, title="Engineer", description="", location="", remote=False,
                 employment_type="full_time", status="open", created_at=WHEN, updated_at=WHEN)  # fmt: skip
    person = insert("candidates", company_id=company, full_name="Ada", email="ada@example.com", links="[]",
                    source="careers_page", created_at=WHEN, updated_at=WHEN)  # fmt: skip
    application = insert("applications", job_id=job, company_id=company, candidate_id=person, stage="applied",
                         stage_category="applied", cover_letter="", source="careers_page", version=1,
                         created_at=WHEN, updated_at=WHEN, stage_entered_at=WHEN)  # fmt: skip
    note = insert("notes", application_id=application, author_id=staff, body="Hi", created_at=WHEN)
    insert("notifications", user_id=staff, company_id=company, kind="mention", application_id=application,
           note_id=note, actor_id=staff, created_at=WHEN)  # fmt: skip
    db.session.execute(db.text("UPDATE users SET digest_opt_out = :yes"), {"yes": True})
    db.session.commit()
    assert rows("SELECT kind, read_at FROM notifications") == [("mention", None)]

    downgrade(revision=BEFORE)
    assert "notifications" not in db.inspect(db.engine).get_table_names()
    columns = {c["name"] for c in db.inspect(db.engine).get_columns("users")}
    assert not {"digest_opt_out", "digest_sent_at"} & columns
    assert rows("SELECT body FROM notes") == [("Hi",)]  # the rest of the data stays
    assert rows("SELECT email FROM users") == [("rita@acme.example",)]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "notifications.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(
        BEFORE,
        _check_round_trip,
        ("notifications", "notes", "applications", "candidates", "jobs", "users", "companies"),
    )
