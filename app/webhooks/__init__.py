"""Webhooks and the event feed.

Domain events (app/signals.py) write an `events` row and, for each subscribed
active endpoint, a `webhook_deliveries` row in their own transaction
(listeners.py, record.py); after the commit the endpoints are enqueued on the
mail queue (queue.py). The RQ job (jobs.py) sends an endpoint its due
deliveries in order (delivery.py), signed (signing.py), to an address checked
against SSRF (ssrf.py, sender.py). The clock hands on due retries and prunes
old events (tasks.py).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the events to the domain signals and register the periodic tasks (once per process)."""
    from app.webhooks import listeners, tasks  # noqa: F401
