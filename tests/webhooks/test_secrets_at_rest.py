"""Signing secrets encrypted at rest: never stored plain, still signing, rotated keys, a wrong key."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app.extensions import db
from app.models import WebhookDelivery, WebhookEndpoint
from app.services import webhooks
from app.webhooks import sealing
from app.webhooks.cli import webhooks_cli
from tests.mail.conftest import work
from tests.migration_data import insert as _insert
from tests.migration_data import round_trip_on_postgres, round_trip_on_sqlite
from tests.migration_data import rows as _rows

KEY_A, KEY_B, KEY_C = "a" * 40, "b" * 40, "c" * 40


def _stored(endpoint_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(WebhookEndpoint.secret).where(WebhookEndpoint.id == endpoint_id))


def _apply(app, factory, job) -> None:
    candidate = factory.candidate("Ada")
    assert app.test_client().post(f"/_test/apply/{job.id}/{candidate.id}").status_code == 201


def test_the_column_never_holds_the_secret_and_deliveries_still_verify(hook_app, factory, receiver):
    tenant = factory.tenant()
    made = webhooks.create_endpoint(tenant["admin"], url=receiver.url, event_types=["application.created"])
    db.session.commit()
    stored = _stored(made.endpoint.id)
    assert stored.startswith("fernet:") and made.secret not in stored
    assert made.secret.removeprefix("whsec_") not in stored
    _apply(hook_app, factory, tenant["job"])
    work(hook_app)
    (verified,) = receiver.verified(made.secret)  # Standard Webhooks, with the secret shown at creation
    assert verified["type"] == "application.created"

    rotated = webhooks.rotate_secret(tenant["admin"], made.endpoint.id)
    db.session.commit()
    assert rotated.secret != made.secret and rotated.secret.startswith("whsec_")
    assert (
        rotated.secret not in _stored(made.endpoint.id) and sealing.open_(_stored(made.endpoint.id)) == rotated.secret
    )


def test_a_rotated_key_still_reads_the_old_secrets_and_reencrypt_moves_them(hook_app, factory, receiver):
    hook_app.config.update(WEBHOOK_SECRET_KEY=KEY_A, WEBHOOK_SECRET_OLD_KEYS="")
    tenant = factory.tenant()
    made = webhooks.create_endpoint(tenant["admin"], url=receiver.url, event_types=["application.created"])
    db.session.commit()
    under_a = _stored(made.endpoint.id)

    hook_app.config.update(WEBHOOK_SECRET_KEY=KEY_B, WEBHOOK_SECRET_OLD_KEYS=f" {KEY_C}, {KEY_A} ")
    _apply(hook_app, factory, tenant["job"])
    work(hook_app)
    (verified,) = receiver.verified(made.secret)  # opened with the old key, signed as before
    assert verified["type"] == "application.created"

    result = hook_app.test_cli_runner().invoke(webhooks_cli, ["reencrypt"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 webhook secret(s)" in result.output
    under_b = _stored(made.endpoint.id)
    assert under_b != under_a and under_b.startswith("fernet:")
    hook_app.config.update(WEBHOOK_SECRET_OLD_KEYS="")  # the old key dropped: the new one alone opens it
    assert sealing.open_(under_b, hook_app) == made.secret
    with pytest.raises(sealing.SecretUnreadable):
        sealing.open_(under_a, hook_app)


def test_a_wrong_key_records_a_failed_delivery_and_sends_nothing(hook_app, factory, receiver):
    hook_app.config.update(WEBHOOK_SECRET_KEY=KEY_A, WEBHOOK_SECRET_OLD_KEYS="")
    tenant = factory.tenant()
    made = webhooks.create_endpoint(tenant["admin"], url=receiver.url, event_types=["application.created"])
    db.session.commit()
    hook_app.config.update(WEBHOOK_SECRET_KEY=KEY_B)  # changed without listing the old one
    _apply(hook_app, factory, tenant["job"])  # the request itself never opens the secret
    work(hook_app)
    assert receiver.requests == []
    db.session.expire_all()
    (delivery,) = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == made.endpoint.id))
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.response_code is None
    assert "cannot be decrypted with WEBHOOK_SECRET_KEY" in delivery.last_error
    assert made.secret not in delivery.last_error

    result = hook_app.test_cli_runner().invoke(webhooks_cli, ["reencrypt"])
    assert result.exit_code == 1 and f"#{made.endpoint.id}" in result.output
    hook_app.config.update(WEBHOOK_SECRET_OLD_KEYS=KEY_A)  # the old key listed again: it goes out
    from app.webhooks import tasks

    tasks.hand_on_due(hook_app)
    work(hook_app)
    (verified,) = receiver.verified(made.secret)
    assert verified["type"] == "application.created"


def test_the_key_defaults_to_one_derived_from_secret_key(app):
    app.config.update(WEBHOOK_SECRET_KEY=None, WEBHOOK_SECRET_OLD_KEYS="")
    sealed = sealing.seal("whsec_abc", app)
    assert sealing.open_(sealed, app) == "whsec_abc"
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough!"
    with pytest.raises(sealing.SecretUnreadable, match="WEBHOOK_SECRET_KEY"):
        sealing.open_(sealed, app)
    with pytest.raises(sealing.SecretUnreadable):
        sealing.open_("whsec_plain", app)


# The migration: plain secrets sealed on upgrade, opened again on downgrade.
BEFORE, AFTER, WHEN = "0029_booking", "0030_integrations", "2026-01-01 09:00:00"


def _check_round_trip() -> None:
    company = _insert("companies", name="Acme", slug="acme", created_at=WHEN)
    ids = [
        _insert(
            "webhook_endpoints",
            company_id=company,
            url="https://93.184.215.14/h",
            description="",
            event_types="",
            active=True,
            secret=f"whsec_secret{n}",
            failure_count=0,
            created_at=WHEN,
            updated_at=WHEN,
        )
        for n in (1, 2)
    ]
    upgrade(revision=AFTER)
    stored = _rows("SELECT id, secret FROM webhook_endpoints ORDER BY id")
    assert [row[0] for row in stored] == ids
    assert all(row[1].startswith("fernet:") and "whsec_" not in row[1] for row in stored)
    assert [sealing.open_(row[1]) for row in stored] == ["whsec_secret1", "whsec_secret2"]
    event = _insert(
        "events", company_id=company, type="job.opened", occurred_at=WHEN, object_type="job", object_id=1, payload="{}"
    )
    fanned = _rows("SELECT endpoint_id FROM webhook_deliveries WHERE event_id = :e ORDER BY endpoint_id", e=event)
    assert fanned == [(ids[0],), (ids[1],)]  # the events trigger survived the column's change
    downgrade(revision=BEFORE)
    assert _rows("SELECT id, secret FROM webhook_endpoints ORDER BY id") == [
        (ids[0], "whsec_secret1"),
        (ids[1], "whsec_secret2"),
    ]


def test_migration_seals_and_opens_secrets_on_sqlite(make_app, tmp_path):
    round_trip_on_sqlite(make_app, tmp_path / "secrets.db", BEFORE, _check_round_trip)


@pytest.mark.postgres
def test_migration_seals_and_opens_secrets_on_postgres(app):
    round_trip_on_postgres(
        BEFORE, _check_round_trip, ("webhook_deliveries", "events", "webhook_endpoints", "companies")
    )
