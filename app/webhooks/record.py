"""Writing events in the transaction of the change, and handing their deliveries on after it.

`record([...])` inserts the events: one INSERT for any number of them. A trigger
on `events` (migration 0023_webhooks) writes, in the same statement, a
`webhook_deliveries` row for each active endpoint of the company subscribed to
the event's type: one INSERT ... SELECT run by the database, so an event costs
the request one statement whatever the endpoints. The INSERT also answers
whether the company has an active endpoint; when one has, the company is
remembered on the session and, once its outermost transaction commits, handed
to the queue (app/webhooks/queue.py). Without Redis nothing is sent from the
request: the clock's due task (`flask tick`) sends the deliveries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import insert, literal_column

from app.after_commit import run_after_commit
from app.extensions import db
from app.models import Event, WebhookDelivery
from app.models.base import utcnow

log = logging.getLogger(__name__)

_PENDING = "webhook_company_ids"
_BATCH = "webhook_event_batch"


@dataclass(frozen=True)
class NewEvent:
    company_id: int
    type: str
    object_type: str
    object_id: int
    payload: dict


@contextmanager
def batched() -> Iterator[None]:
    """Collect the events recorded inside and write them in one INSERT at the end (a bulk undo)."""
    session = db.session()
    if _BATCH in session.info:  # already collecting: the outer block writes them
        yield
        return
    session.info[_BATCH] = []
    try:
        yield
    except BaseException:
        session.info.pop(_BATCH, None)
        raise
    record(session.info.pop(_BATCH))


def record(events: list[NewEvent]) -> list[int]:
    """Write the events (and, by the trigger, their deliveries) in the current transaction; their ids.

    Inside `batched()` they are only collected (and no ids are returned).
    """
    if not events:
        return []
    pending = db.session().info.get(_BATCH)
    if pending is not None:
        pending.extend(events)
        return []
    now = utcnow()
    rows = [
        {
            "company_id": e.company_id,
            "type": e.type,
            "occurred_at": now,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "payload": e.payload,
        }
        for e in events
    ]
    session = db.session()
    result = session.execute(_INSERT, rows).all()
    schedule(session, {row.company_id for row in result if row.listened})
    return [row.id for row in result]


def record_ping(company_id: int, endpoint_id: int, payload: dict) -> int:
    """A `webhook.ping` event for one endpoint (the trigger never fans pings out) and its delivery."""
    from app.webhooks.catalog import PING

    now = utcnow()
    session = db.session()
    event = Event(
        company_id=company_id, type=PING, occurred_at=now, object_type="webhook", object_id=endpoint_id, payload=payload
    )
    session.add(event)
    session.flush()
    session.add(WebhookDelivery(company_id=company_id, event_id=event.id, endpoint_id=endpoint_id, due_at=now))
    session.flush()
    schedule(session, {company_id})
    return event.id


def schedule(session, company_ids: set[int]) -> None:
    """Send these companies' due deliveries once `session` commits."""
    if company_ids:
        session.info.setdefault(_PENDING, set()).update(company_ids)


def _dispatch_committed(app: Flask, company_ids: set[int]) -> None:
    try:
        dispatch(app, sorted(company_ids))
    except Exception:  # the data is committed; the due task picks the deliveries up
        log.exception("webhooks: handing on %d company(ies) failed; the due task will", len(company_ids))


# RETURNING names its columns unqualified in SQLAlchemy's rendering, so the correlated test is written out.
_LISTENED = literal_column(
    "EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.company_id = events.company_id AND w.active)"
).label("listened")


# Built once: building the INSERT ... RETURNING and its cache key cost about as much as sending it.
_INSERT = insert(Event.__table__).returning(Event.__table__.c.id, Event.__table__.c.company_id, _LISTENED)

run_after_commit(_PENDING, _dispatch_committed)


def dispatch(app: Flask, company_ids: list[int]) -> int:
    """Enqueue one job per company on Redis; without REDIS_URL the due task sends them (returns 0)."""
    from app.webhooks import queue

    if app.config.get("REDIS_URL"):
        return queue.enqueue(app, company_ids)
    return 0
