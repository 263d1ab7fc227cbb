"""Migration 0037: the narrow ranking tsvector comes and goes (PostgreSQL); SQLite's schema is unchanged."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite, run
from tests.migration_data import insert as _insert
from tests.migration_data import rows as _rows

BEFORE = "0035_imports"
AFTER = "0037_search_rank"
SEEDED = ("candidate_search", "candidates", "companies")


def _columns() -> set[str]:
    return {c["name"] for c in db.inspect(db.engine).get_columns("candidate_search")}


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme-rank", created_at=WHEN)
    person = _insert(
        "candidates",
        company_id=company,
        full_name="Ada Lovelace",
        email="ada@people.example",
        links="{}",
        source="sourced",
        created_at=WHEN,
        updated_at=WHEN,
    )
    run(
        "INSERT INTO candidate_search (candidate_id, company_id, name_email, document, indexed_at) "
        "VALUES (:p, :c, 'Ada Lovelace ada@people.example', :d, :w)",
        p=person,
        c=company,
        d="Analytical engine. " + "filler " * 300 + "difference engine",
        w=WHEN,
    )
    postgres = db.engine.dialect.name == "postgresql"
    upgrade(revision=AFTER)
    assert ("rank_tsv" in _columns()) is postgres
    if postgres:
        # Existing rows get the column: the name and the head of the document, not its tail.
        sql = "SELECT candidate_id FROM candidate_search WHERE rank_tsv @@ websearch_to_tsquery('english', :q)"
        assert _rows(sql, q="lovelace analytical") == [(person,)]
        assert _rows(sql, q="difference") == []
        assert _rows(sql.replace("rank_tsv", "tsv"), q="difference") == [(person,)]
    downgrade(revision=BEFORE)
    assert "rank_tsv" not in _columns()
    assert _rows("SELECT full_name FROM candidates") == [("Ada Lovelace",)]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "search_rank.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, SEEDED)
