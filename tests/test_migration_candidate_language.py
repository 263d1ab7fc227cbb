"""Migration 0015: languages for candidates and companies; going back, company-template mail fails visibly."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite, run
from tests.migration_data import insert as _insert
from tests.migration_data import rows as _rows

BEFORE = "0024_api_keys"
AFTER = "0015_candidate_language"


def _message(n: int, template: str, status: str = "pending") -> int:
    return _insert(
        "outbox_messages", kind="stage_screening", to_address=f"p{n}@people.example", to_name=f"Person {n}",
        subject="Your application", message_id=f"<m{n}@test>", attempts=0, created_at=WHEN, updated_at=WHEN,
        status=status, template=template, context=json.dumps({"candidate": {"first_name": "P"}}),
    )  # fmt: skip


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme-lang", created_at=WHEN)
    person = _insert(
        "candidates", company_id=company, full_name="Pat", email="pat@people.example", links="{}",
        source="careers_page", created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    upgrade(revision=AFTER)
    assert _rows("SELECT default_language FROM companies WHERE id = :id", id=company) == [("en",)]
    assert _rows("SELECT preferred_language FROM candidates WHERE id = :id", id=person) == [(None,)]
    run("UPDATE companies SET default_language = 'de' WHERE id = :id", id=company)
    run("UPDATE candidates SET preferred_language = 'fr' WHERE id = :id", id=person)
    waiting = _message(1, "company:stage_screening")
    system = _message(2, "status_link")
    sent = _message(3, "company:stage_screening", status="sent")

    downgrade(revision=BEFORE)
    companies = {c["name"] for c in db.inspect(db.engine).get_columns("companies")}
    candidates = {c["name"] for c in db.inspect(db.engine).get_columns("candidates")}
    assert "default_language" not in companies and "preferred_language" not in candidates
    assert _rows("SELECT full_name FROM candidates WHERE id = :id", id=person) == [("Pat",)]
    statuses = dict(_rows("SELECT id, status FROM outbox_messages"))
    # The older code cannot render a company template: it fails with the reason instead of going out wrong.
    assert statuses == {waiting: "failed", system: "pending", sent: "sent"}
    assert "downgraded" in _rows("SELECT last_error FROM outbox_messages WHERE id = :id", id=waiting)[0][0]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "candidate_language.db", BEFORE, lambda: _check_round_trip())


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, lambda: _check_round_trip(), ("outbox_messages", "candidates", "companies"))
