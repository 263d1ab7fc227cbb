"""Migration 0012: outbox messages keep a template and a snapshot; going back, unrendered ones fail visibly."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows

BEFORE = "0013_email_templates"
AFTER = "0012_mail_snapshot"
WHEN = "2026-01-01 09:00:00"


def _message(n: int, **values) -> int:
    return _insert(
        "outbox_messages",
        kind="password_reset",
        to_address=f"p{n}@people.example",
        to_name=f"Person {n}",
        subject="Reset your password",
        message_id=f"<m{n}@test>",
        attempts=0,
        created_at=WHEN,
        updated_at=WHEN,
        **values,
    )


def _check_round_trip() -> None:
    sent_before = _message(1, text_body="Hello", html_body="<p>Hello</p>", status="sent")
    upgrade(revision=AFTER)
    columns = {c["name"]: c for c in db.inspect(db.engine).get_columns("outbox_messages")}
    assert {"template", "context"} <= set(columns) and columns["text_body"]["nullable"]
    assert _rows("SELECT text_body, template, context FROM outbox_messages") == [("Hello", None, None)]
    snapshot = {"name": "Pat", "expires_hours": 2, "link": "https://x.example/r"}
    waiting = _message(2, status="pending", template="password_reset", context=json.dumps(snapshot))
    failed = _message(3, status="failed", template="nope", context="{}", last_error="Rendering failed")

    downgrade(revision=BEFORE)
    columns = {c["name"]: c for c in db.inspect(db.engine).get_columns("outbox_messages")}
    assert "context" not in columns and "template" not in columns and not columns["text_body"]["nullable"]
    rows = {row[0]: row[1:] for row in _rows("SELECT id, status, text_body, last_error FROM outbox_messages")}
    assert rows[sent_before] == ("sent", "Hello", None)
    # The older code cannot render it: it fails with the reason instead of going out empty.
    assert rows[waiting][:2] == ("failed", "") and "downgraded" in rows[waiting][2]
    assert rows[failed] == ("failed", "", "Rendering failed")


def test_upgrade_and_downgrade_with_data_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "mail_snapshot.db", BEFORE, lambda: _check_round_trip())


@pytest.mark.postgres
def test_upgrade_and_downgrade_with_data_on_postgres(app):
    round_trip_on_postgres(BEFORE, lambda: _check_round_trip(), ("outbox_messages",))
