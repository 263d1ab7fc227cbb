"""The webhooks' periodic work, run by the clock (`flask tick`): due deliveries, and retention."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import delete, select

from app.core.periodic import periodic
from app.extensions import db
from app.models import Event, WebhookDelivery
from app.models.base import utcnow

PRUNE_BATCH = 5000


@periodic("webhooks.due", every="WEBHOOK_DUE_INTERVAL")
def hand_on_due(app: Flask) -> int:
    """Enqueue every company with a delivery that has come due; without Redis, send them here."""
    from app.webhooks import delivery, queue

    ids = delivery.due_companies()
    if app.config.get("REDIS_URL"):
        return queue.enqueue(app, ids)
    return sum(delivery.deliver_quietly(company_id) for company_id in ids)


@periodic("webhooks.prune", every=3600)
def prune(app: Flask) -> int:
    """Delete events (and their deliveries) older than EVENT_RETENTION_DAYS; how many events went."""
    cutoff = utcnow() - timedelta(days=int(app.config["EVENT_RETENTION_DAYS"]))
    total = 0
    while True:
        ids = list(db.session.scalars(select(Event.id).where(Event.occurred_at < cutoff).limit(PRUNE_BATCH)))
        if not ids:
            break
        db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(ids)))
        db.session.execute(delete(Event).where(Event.id.in_(ids)))
        db.session.commit()
        total += len(ids)
    return total
