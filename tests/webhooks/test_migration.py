"""Migration 0023: events, endpoints and deliveries, and the trigger that fans an event out to its endpoints."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows

BEFORE = "0025_audit_log"
AFTER = "0023_webhooks"
WHEN = "2026-01-01 09:00:00"
TABLES = ("webhook_deliveries", "events", "webhook_endpoints", "companies")


def _endpoint(company: int, types: str, active: bool = True) -> int:
    return _insert(
        "webhook_endpoints", company_id=company, url="https://93.184.215.14/h", description="", event_types=types,
        active=active, secret="whsec_x", failure_count=0, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


def _event(company: int, type_: str) -> int:
    return _insert(
        "events", company_id=company, type=type_, occurred_at=WHEN, object_type="job", object_id=1, payload="{}"
    )


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme", created_at=WHEN)
    other = _insert("companies", name="Globex", slug="globex", created_at=WHEN)
    upgrade(revision=AFTER)
    assert {"events", "webhook_endpoints", "webhook_deliveries"} <= set(db.inspect(db.engine).get_table_names())
    every = _endpoint(company, "")
    jobs_only = _endpoint(company, ",job.closed,job.opened,")
    off = _endpoint(company, "", active=False)
    _endpoint(other, "")
    opened = _event(company, "job.opened")
    created = _event(company, "application.created")
    ping = _event(company, "webhook.ping")
    fanned = _rows("SELECT event_id, endpoint_id, company_id, status, attempts FROM webhook_deliveries ORDER BY id")
    assert fanned == [
        (opened, every, company, "pending", 0),
        (opened, jobs_only, company, "pending", 0),
        (created, every, company, "pending", 0),
    ]  # not the disabled endpoint, not another company's, never a ping
    assert off and ping

    downgrade(revision=BEFORE)
    assert not {"events", "webhook_endpoints", "webhook_deliveries"} & set(db.inspect(db.engine).get_table_names())
    assert _rows("SELECT name FROM companies ORDER BY id") == [("Acme",), ("Globex",)]


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "webhooks.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, _check_round_trip, TABLES)
