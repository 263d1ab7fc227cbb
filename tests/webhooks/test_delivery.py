"""End to end with the real parts: Redis (RQ), the worker, a loopback HTTP receiver, SMTP for the admins' email."""

from __future__ import annotations

from sqlalchemy import select

from app.core import periodic
from app.extensions import db
from app.models import Event, WebhookDelivery, WebhookEndpoint
from app.services import applications, webhooks
from app.webhooks import tasks
from tests.mail.conftest import work
from tests.webhooks.conftest import body

# Each application here is a new person's: subscribing to application events keeps candidate.created out.
APPLICATION_EVENTS = ["application.created", "application.stage_changed", "application.rejected"]


def _endpoint(admin, url: str, **fields) -> tuple[int, str]:
    made = webhooks.create_endpoint(admin, url=url, **fields)
    db.session.commit()
    return made.endpoint.id, made.secret


def _deliveries(endpoint_id: int) -> list[WebhookDelivery]:
    db.session.expire_all()
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id).order_by(WebhookDelivery.id)
    return list(db.session.scalars(stmt))


def _apply(app, factory, job, name: str) -> int:
    candidate = factory.candidate(name)
    response = app.test_client().post(f"/_test/apply/{job.id}/{candidate.id}")
    assert response.status_code == 201
    return response.get_json()["id"]


def _due_and_work(app) -> None:
    """What the clock and the worker do once: hand on what is due, and send it."""
    periodic.tick(app, periodic.Registry())  # no task: just proves the tick runs with an empty registry
    tasks.hand_on_due(app)
    work(app)


def test_an_application_arrives_signed_with_the_api_payload(hook_app, factory, receiver):
    tenant = factory.tenant()
    endpoint_id, secret = _endpoint(tenant["admin"], receiver.url, event_types=["application.created"])
    application_id = _apply(hook_app, factory, tenant["job"], "Ada Lovelace")
    assert receiver.requests == []  # nothing leaves before the worker runs

    work(hook_app)
    (request,) = receiver.requests
    (verified,) = receiver.verified(secret)  # the standardwebhooks package checks the signature
    assert verified["type"] == "application.created"
    assert verified["data"]["id"] == application_id
    assert verified["data"]["candidate"]["full_name"] == "Ada Lovelace"
    assert verified["data"]["stage"] == "applied"
    event = db.session.scalars(select(Event).where(Event.type == "application.created")).one()
    assert request["headers"]["webhook-id"] == f"evt_{event.id}"
    assert request["headers"]["Content-Type"] == "application/json"
    (delivery,) = _deliveries(endpoint_id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    assert delivery.response_snippet == '{"ok": true}' and delivery.duration_ms is not None


def test_a_tampered_body_fails_verification(hook_app, factory, receiver):
    import pytest
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    tenant = factory.tenant()
    _, secret = _endpoint(tenant["admin"], receiver.url, event_types=APPLICATION_EVENTS)
    _apply(hook_app, factory, tenant["job"], "Ada")
    work(hook_app)
    (request,) = receiver.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request["body"].replace(b"Ada", b"Eve"), headers)


def test_receiver_down_then_up_every_event_arrives_in_order_with_stable_ids(hook_app, factory, receiver):
    hook_app.config["WEBHOOK_RETRY_SCHEDULE"] = ",".join(["0"] * 20)
    tenant = factory.tenant()
    recruiter = tenant["recruiter"]
    receiver.stop()  # down: connections are refused
    endpoint_id, secret = _endpoint(tenant["admin"], receiver.url, event_types=APPLICATION_EVENTS)
    first = _apply(hook_app, factory, tenant["job"], "Ada")
    second = _apply(hook_app, factory, tenant["job"], "Bob")
    for application_id, to in ((first, "screening"), (second, "screening"), (first, "interview"), (first, "rejected")):
        applications.move_stage(recruiter, application_id, to, reason="Not now" if to == "rejected" else None)
        db.session.commit()
    work(hook_app)
    _due_and_work(hook_app)
    rows = _deliveries(endpoint_id)
    assert len(rows) == 6 and all(row.status == "pending" for row in rows)
    # Each commit's job tried the head once (retries are due at once here), then the due task did;
    # the head holds the rest back.
    assert rows[0].attempts == 7 and all(row.attempts == 0 for row in rows[1:])
    assert "ConnectionRefusedError" in rows[0].last_error

    receiver.start()  # up again, on the same port; its first answer is an error
    receiver.status = 500
    _due_and_work(hook_app)
    assert len(receiver.requests) == 1
    receiver.status = 200
    _due_and_work(hook_app)

    received = receiver.verified(secret)
    assert [r["webhook-id"] for r in received[:2]] == [received[0]["webhook-id"]] * 2  # the retry repeats the id
    unique = list(dict.fromkeys(r["webhook-id"] for r in received))
    events = list(db.session.scalars(select(Event).where(Event.type.like("application.%")).order_by(Event.id)))
    assert unique == [f"evt_{e.id}" for e in events]
    assert [(r["type"], r["data"]["id"]) for r in received[1:]] == [
        ("application.created", first),
        ("application.created", second),
        ("application.stage_changed", first),
        ("application.stage_changed", second),
        ("application.stage_changed", first),
        ("application.rejected", first),
    ]
    assert [r["data"]["stage"] for r in received[1:] if r["data"]["id"] == first] == [
        "applied",
        "screening",
        "interview",
        "rejected",
    ]
    rows = _deliveries(endpoint_id)
    assert [row.status for row in rows] == ["delivered"] * 6
    assert rows[0].attempts == 9 and rows[0].response_code == 200
    assert db.session.get(WebhookEndpoint, endpoint_id).failure_count == 0


def test_disabled_after_failures_in_a_row_and_the_admins_are_told(hook_app, factory, receiver, smtp_server):
    hook_app.config["WEBHOOK_DISABLE_AFTER"] = 3
    tenant = factory.tenant()
    endpoint_id, _ = _endpoint(tenant["admin"], receiver.url, event_types=APPLICATION_EVENTS)
    work(hook_app)
    smtp_server.messages.clear()
    receiver.status = 503
    _apply(hook_app, factory, tenant["job"], "Ada")
    work(hook_app)
    _due_and_work(hook_app)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert endpoint.active and endpoint.failure_count == 2
    _due_and_work(hook_app)

    db.session.expire_all()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert not endpoint.active and endpoint.disabled_at is not None and endpoint.failure_count == 3
    (delivery,) = _deliveries(endpoint_id)
    assert delivery.status == "pending" and delivery.response_code == 503 and len(delivery.response_snippet) == 1024
    alerts = [(rcpts, m) for _s, rcpts, m in smtp_server.messages if m["Subject"].startswith("Webhook endpoint")]
    ((recipients, alert),) = alerts  # the admin only, once
    assert recipients == [tenant["admin"].email]
    assert alert["Subject"] == f"Webhook endpoint disabled: {receiver.url}"
    assert "failed 3 times in a row" in alert.get_body(("plain",)).get_content()

    # Disabled: nothing more is sent, new events do not wait for it; enabling again sends what waited.
    _apply(hook_app, factory, tenant["job"], "Bob")
    _due_and_work(hook_app)
    assert len(receiver.requests) == 3 and len(_deliveries(endpoint_id)) == 1
    receiver.status = 204
    webhooks.update_endpoint(tenant["admin"], endpoint_id, active=True)
    db.session.commit()
    work(hook_app)
    assert [body(r)["type"] for r in receiver.requests[3:]] == ["application.created"]
    assert _deliveries(endpoint_id)[0].status == "delivered"


def test_a_url_that_turns_private_is_refused_at_send_time(hook_app, factory, receiver):
    tenant = factory.tenant()
    endpoint_id, _ = _endpoint(tenant["admin"], receiver.url, event_types=APPLICATION_EVENTS)
    hook_app.config["WEBHOOK_ALLOWED_HOSTS"] = ""  # the host is no longer allowed when the worker sends
    _apply(hook_app, factory, tenant["job"], "Ada")
    work(hook_app)
    assert receiver.requests == []
    (delivery,) = _deliveries(endpoint_id)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error.startswith("Refused: 127.0.0.1 is a loopback address")


def test_replay_and_ping_reuse_ids_through_the_worker(hook_app, factory, receiver):
    tenant = factory.tenant()
    admin = tenant["admin"]
    endpoint_id, secret = _endpoint(admin, receiver.url, event_types=APPLICATION_EVENTS)
    _apply(hook_app, factory, tenant["job"], "Ada")
    work(hook_app)
    (first,) = _deliveries(endpoint_id)
    webhooks.replay(admin, endpoint_id, first.id)
    db.session.commit()
    webhooks.send_test(admin, endpoint_id)
    db.session.commit()
    work(hook_app)
    received = receiver.verified(secret)
    assert [r["type"] for r in received] == ["application.created", "application.created", "webhook.ping"]
    assert received[0]["webhook-id"] == received[1]["webhook-id"] != received[2]["webhook-id"]
    assert received[2]["data"]["endpoint_id"] == endpoint_id
    assert [d.status for d in _deliveries(endpoint_id)] == ["delivered"] * 3
