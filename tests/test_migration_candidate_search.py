"""Migration 0019: resume texts and the search documents; the full-text machinery comes and goes with them."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import WHEN, round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import insert as _insert
from tests.migration_data import rows as _rows

BEFORE = "0015_candidate_language"
AFTER = "0019_candidate_search"
SEEDED = ("candidate_search", "candidates", "companies")


def _search(q: str) -> list[int]:
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT candidate_id FROM candidate_search WHERE tsv @@ websearch_to_tsquery('english', :q)"
    else:
        sql = "SELECT rowid FROM candidate_search_fts WHERE candidate_search_fts MATCH :q"
    return [row[0] for row in _rows(sql, q=q)]


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme-search", created_at=WHEN)
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
    upgrade(revision=AFTER)
    tables = set(db.inspect(db.engine).get_table_names())
    assert {"resume_texts", "candidate_search"} <= tables
    # The candidates are there; their documents are the sweep's work, and searching finds them.
    assert _rows("SELECT full_name FROM candidates") == [("Ada Lovelace",)]
    _insert_document(person, company)
    assert _search("analytical engine") == [person]
    downgrade(revision=BEFORE)
    tables = set(db.inspect(db.engine).get_table_names())
    assert "resume_texts" not in tables and "candidate_search" not in tables
    assert not any(name.startswith("candidate_search_fts") for name in tables)
    assert _rows("SELECT full_name FROM candidates") == [("Ada Lovelace",)]


def _insert_document(person: int, company: int) -> None:
    from tests.migration_data import run

    run(
        "INSERT INTO candidate_search (candidate_id, company_id, name_email, document, indexed_at) "
        "VALUES (:p, :c, 'Ada Lovelace ada@people.example', 'Notes on the analytical engine', :w)",
        p=person,
        c=company,
        w=WHEN,
    )


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "candidate_search.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, SEEDED)
