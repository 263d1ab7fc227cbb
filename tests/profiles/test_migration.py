"""Migration 0020: candidates gain a version; tags and talent pools come and go with their rows."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite, rows, run, user
from tests.migration_data import insert as _insert

BEFORE = "0023_webhooks"
AFTER = "0020_tags_pools"


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme-migration", created_at=WHEN)
    staff = user("staff@acme.example", "Staff", "recruiter", company)
    candidate = _insert(
        "candidates", company_id=company, full_name="Sam Sourced", email=None, phone="030 1234", location=None,
        links="{}", source="sourced", user_id=None, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    upgrade(revision=AFTER)
    assert rows("SELECT version FROM candidates WHERE id = :id", id=candidate) == [(1,)]
    tag = _insert("tags", company_id=company, name="Python", key="python", colour=None, created_at=WHEN)
    run(
        "INSERT INTO candidate_tags (candidate_id, tag_id, added_by_id, added_at) VALUES (:c, :t, :u, :w)",
        c=candidate, t=tag, u=staff, w=WHEN,
    )  # fmt: skip
    pool = _insert(
        "talent_pools", company_id=company, name="Later", key="later", description="", created_by_id=staff,
        created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    _insert("pool_members", pool_id=pool, candidate_id=candidate, added_by_id=staff, added_at=WHEN)
    with pytest.raises(Exception):  # noqa: B017 (IntegrityError of either driver)
        _insert("tags", company_id=company, name="PYTHON", key="python", colour=None, created_at=WHEN)

    downgrade(revision=BEFORE)
    tables = set(db.inspect(db.engine).get_table_names())
    assert not {"tags", "candidate_tags", "talent_pools", "pool_members"} & tables
    columns = {c["name"] for c in db.inspect(db.engine).get_columns("candidates")}
    assert "version" not in columns
    assert rows("SELECT full_name, phone FROM candidates WHERE id = :id", id=candidate) == [("Sam Sourced", "030 1234")]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "tags_pools.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, ("candidates", "users", "companies"))
