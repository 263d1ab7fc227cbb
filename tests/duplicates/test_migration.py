"""Migration 0031: detection keys backfilled on candidates; proposals and merges come and go with their rows."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite, rows, run, user
from tests.migration_data import insert as _insert

BEFORE = "0020_tags_pools"
AFTER = "0031_duplicates"


def _person(company: int, name: str, email: str | None, phone: str | None, linkedin: str | None = None) -> int:
    return _insert(
        "candidates", company_id=company, full_name=name, email=email, phone=phone, location=None,
        links=json.dumps({"linkedin": linkedin} if linkedin else {}), source="sourced", user_id=None,
        created_at=WHEN, updated_at=WHEN, version=1,
    )  # fmt: skip


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme-dupes", created_at=WHEN)
    staff = user("staff@acme-dupes.example", "Staff", "recruiter", company)
    ada = _person(
        company, "Lovelace, Ada", "ada@googlemail.com", "+44 20 7946 0958", "https://www.linkedin.com/in/Ada/"
    )
    other = _person(company, "Ada L", None, "020 7946 0958")
    upgrade(revision=AFTER)
    assert rows(
        "SELECT email_key, phone_e164, linkedin_key, name_key, resume_hash, merged_into_id FROM candidates"
        " WHERE id = :id",
        id=ada,
    ) == [("ada@gmail.com", "+442079460958", "linkedin.com/in/ada", "ada lovelace", None, None)]
    assert rows("SELECT email_key, phone_e164 FROM candidates WHERE id = :id", id=other) == [(None, None)]
    _insert(
        "duplicate_candidates", company_id=company, candidate_a_id=ada, candidate_b_id=other,
        reasons=json.dumps(["phone"]), status="open", found_at=WHEN,
    )  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017 (IntegrityError of either driver: the pair is unique)
        _insert(
            "duplicate_candidates", company_id=company, candidate_a_id=ada, candidate_b_id=other,
            reasons="[]", status="open", found_at=WHEN,
        )  # fmt: skip
    _insert(
        "candidate_merges", company_id=company, keep_id=ada, other_id=other, moved=json.dumps({"applications": []}),
        merged_by_id=staff, merged_at=WHEN,
    )  # fmt: skip
    run("UPDATE candidates SET merged_into_id = :a WHERE id = :b", a=ada, b=other)

    downgrade(revision=BEFORE)
    tables = set(db.inspect(db.engine).get_table_names())
    assert not {"duplicate_candidates", "candidate_merges"} & tables
    columns = {c["name"] for c in db.inspect(db.engine).get_columns("candidates")}
    assert not {"email_key", "phone_e164", "linkedin_key", "name_key", "resume_hash", "merged_into_id"} & columns
    assert rows("SELECT full_name, phone FROM candidates ORDER BY id") == [
        ("Lovelace, Ada", "+44 20 7946 0958"),
        ("Ada L", "020 7946 0958"),
    ]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "duplicates.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(
        BEFORE, _check_round_trip, ("candidate_merges", "duplicate_candidates", "candidates", "users", "companies")
    )
