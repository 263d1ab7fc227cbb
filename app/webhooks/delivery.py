"""Sending an endpoint its due deliveries, one at a time and in order.

A job is about an endpoint, not a delivery: it takes the endpoint with a lease
(a conditional UPDATE of `busy_until`, so two workers never send to one endpoint
at once), then sends the oldest pending delivery, and the next, until one fails
or none is due. A failed attempt waits for its next due time
(WEBHOOK_RETRY_SCHEDULE) and holds back the later ones: an endpoint receives
its events in the order they happened. After the last attempt the delivery
fails for good and the next goes. The due task (app/webhooks/tasks.py) hands
on endpoints whose head has come due, so losing Redis loses no retry.

No transaction is held open while the endpoint is called.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from app.models.base import utcnow
from app.webhooks import sealing, sender, signing

log = logging.getLogger(__name__)

BATCH = 200  # deliveries per job at most; the due task hands on the rest


def schedule(app) -> list[int]:
    """Seconds to wait after each failed attempt (attempts in all: one more than its length)."""
    raw = app.config["WEBHOOK_RETRY_SCHEDULE"]
    return [int(part) for part in raw.split(",") if part.strip()] if isinstance(raw, str) else list(raw)


def _claim(endpoint_id: int, seconds: float):
    table = WebhookEndpoint.__table__
    now = utcnow()
    with db.engine.begin() as conn:
        return conn.execute(
            update(table)
            .where(
                table.c.id == endpoint_id,
                table.c.active.is_(True),
                or_(table.c.busy_until.is_(None), table.c.busy_until < now),
            )
            .values(busy_until=now + timedelta(seconds=seconds))
            .returning(table.c.url, table.c.secret, table.c.company_id)
        ).first()


def _release(endpoint_id: int) -> None:
    table = WebhookEndpoint.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == endpoint_id).values(busy_until=None))


def _head(endpoint_id: int):
    """The endpoint's oldest pending delivery with its event, or None."""
    d, e = WebhookDelivery.__table__, Event.__table__
    with db.engine.connect() as conn:
        return conn.execute(
            select(d.c.id, d.c.event_id, d.c.attempts, d.c.due_at, e.c.type, e.c.occurred_at, e.c.payload)
            .join(e, e.c.id == d.c.event_id)
            .where(d.c.endpoint_id == endpoint_id, d.c.status == DeliveryStatus.PENDING.value)
            .order_by(d.c.id)
            .limit(1)
        ).first()


def deliver(endpoint_id: int) -> int:
    """Send the endpoint its due deliveries in order; how many went through."""
    app = current_app._get_current_object()
    timeout = float(app.config["WEBHOOK_TIMEOUT"])
    lease = max(60.0, 3 * timeout)
    endpoint = _claim(endpoint_id, lease)
    if endpoint is None:
        return 0  # disabled, deleted, or another worker is sending to it
    sent, started = 0, time.monotonic()
    try:
        for _ in range(BATCH):
            if time.monotonic() - started > lease - timeout - 5:
                break  # the lease must outlast the last send; the due task hands on the rest
            head = _head(endpoint_id)
            if head is None or head.due_at > utcnow():
                break
            msg_id = signing.webhook_id(head.event_id)
            payload = signing.body(head.type, head.occurred_at, head.payload)
            try:
                secret = sealing.open_(endpoint.secret, app)
            except sealing.SecretUnreadable as error:  # a failed attempt, recorded like any other; nothing sent
                log.error("webhook endpoint #%s: %s", endpoint_id, error)
                _record(app, endpoint_id, endpoint, head, sender.Outcome(False, None, 0, None, str(error)))
                break
            headers = signing.headers(secret, msg_id, int(time.time()), payload)
            outcome = sender.post(endpoint.url, headers, payload, timeout)
            if not _record(app, endpoint_id, endpoint, head, outcome):
                break
            sent += 1
    finally:
        _release(endpoint_id)
    return sent


def _record(app, endpoint_id: int, endpoint, head, outcome: sender.Outcome) -> bool:
    """Store the attempt's outcome (and disable the endpoint after too many failures); True on success."""
    d, ep = WebhookDelivery.__table__, WebhookEndpoint.__table__
    now = utcnow()
    attempts = head.attempts + 1
    values = {
        "attempts": attempts,
        "response_code": outcome.status,
        "duration_ms": outcome.duration_ms,
        "response_snippet": outcome.snippet,
        "last_error": outcome.error,
        "updated_at": now,
    }
    session = db.session
    if outcome.ok:
        values.update(status=DeliveryStatus.DELIVERED.value, delivered_at=now)
        session.execute(update(d).where(d.c.id == head.id).values(**values))
        session.execute(update(ep).where(ep.c.id == endpoint_id, ep.c.failure_count != 0).values(failure_count=0))
        session.commit()
        return True
    waits = schedule(app)
    if attempts > len(waits):
        values["status"] = DeliveryStatus.FAILED.value
    else:
        values["due_at"] = now + timedelta(seconds=waits[attempts - 1])
    session.execute(update(d).where(d.c.id == head.id).values(**values))
    failures = session.execute(
        update(ep)
        .where(ep.c.id == endpoint_id)
        .values(failure_count=ep.c.failure_count + 1)
        .returning(ep.c.failure_count)
    ).scalar_one()
    log.info(
        "webhook delivery #%s to endpoint #%s failed (attempt %d): %s", head.id, endpoint_id, attempts, outcome.error
    )
    if failures >= int(app.config["WEBHOOK_DISABLE_AFTER"]):
        _disable(endpoint_id, endpoint, failures, outcome.error or "")
    session.commit()
    return False


def _disable(endpoint_id: int, endpoint, failures: int, last_error: str) -> None:
    """Turn the endpoint off and tell the company's admins, through the mail outbox (same transaction)."""
    from app.mail.outbox import add_messages
    from app.models import Role, User

    ep = WebhookEndpoint.__table__
    done = db.session.execute(
        update(ep)
        .where(ep.c.id == endpoint_id, ep.c.active.is_(True))
        .values(active=False, disabled_at=utcnow())
        .returning(ep.c.id)
    ).first()
    if done is None:
        return
    log.warning("webhook endpoint #%s disabled after %d failures in a row", endpoint_id, failures)
    admins = db.session.scalars(
        select(User).where(User.company_id == endpoint.company_id, User.role == Role.ADMIN.value, User.active.is_(True))
    )
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/dashboard/webhooks/{endpoint_id}"
    add_messages(
        [
            {
                "kind": "webhook_disabled",
                "to_address": admin.email,
                "to_name": admin.full_name,
                "company_id": endpoint.company_id,
                "template": "webhook_disabled",
                "subject": "Webhook endpoint disabled: {url}",
                "context": {
                    "staff_name": admin.full_name,
                    "url": endpoint.url,
                    "failures": failures,
                    "last_error": last_error[:300],
                    "link": link,
                },
            }
            for admin in admins
        ]
    )


def _due(stmt, column):
    """Only rows with a pending delivery due now whose endpoint is active and idle."""
    d, ep = WebhookDelivery.__table__, WebhookEndpoint.__table__
    now = utcnow()
    return (
        stmt.join(ep, ep.c.id == d.c.endpoint_id)
        .where(
            d.c.status == DeliveryStatus.PENDING.value,
            d.c.due_at <= now,
            ep.c.active.is_(True),
            or_(ep.c.busy_until.is_(None), ep.c.busy_until < now),
        )
        .group_by(column)
        .order_by(column)
    )


def due_endpoints(company_id: int) -> list[int]:
    d = WebhookDelivery.__table__
    stmt = _due(select(d.c.endpoint_id).where(d.c.company_id == company_id), d.c.endpoint_id)
    with db.engine.connect() as conn:
        return list(conn.scalars(stmt))


def due_companies(limit: int = 500) -> list[int]:
    d = WebhookDelivery.__table__
    with db.engine.connect() as conn:
        return list(conn.scalars(_due(select(d.c.company_id), d.c.company_id).limit(limit)))


def deliver_company(company_id: int) -> int:
    """Send each of the company's endpoints with a due delivery what is due; how many went through."""
    return sum(deliver(endpoint_id) for endpoint_id in due_endpoints(company_id))


def deliver_quietly(company_id: int) -> int:
    """In-process delivery (the due task without Redis): never raises; what is left waits for the next run."""
    try:
        return deliver_company(company_id)
    except Exception:
        log.exception("webhooks: delivering for company #%s crashed; the due task tries again", company_id)
        return 0
