"""Prometheus metrics (prometheus_client) and the `/metrics` scrape.

Request counts and latencies are recorded per *endpoint name* (never the raw
path, which would carry ids and tokens and grow without bound). Under gunicorn
each worker process writes its samples to files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py sets it up and cleans it at start), and a scrape merges them
with prometheus_client's MultiProcessCollector. The mail queue and the periodic
tasks are read at scrape time: one SQL statement over the outbox, one Redis
round trip over the tasks' last runs.

Who may scrape: with METRICS_TOKEN set, a request bearing `Authorization: Bearer
<token>`; without it, only a request from a loopback or private address that
came through no proxy (no X-Forwarded-For). Anyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

REQUESTS = Counter(
    "ats_http_requests_total",
    "HTTP requests answered, by endpoint name, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "ats_http_request_duration_seconds",
    "Time to answer an HTTP request, by endpoint name.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def init_app(app: Flask) -> None:
    @app.after_request
    def _observe(response: Response) -> Response:
        # The start time is taken by the first before_request hook (app/core/logging.py), so a
        # request another hook answered early (a rate limit) is still timed.
        endpoint = request.endpoint or "unmatched"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        started = g.get("request_started")
        if started is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        return response


class OperationsCollector:
    """Gauges computed at scrape time from the database and Redis."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        yield from self._mail()
        yield from self._periodic()

    def _mail(self):
        from app.extensions import db
        from app.models import MessageStatus, OutboxMessage

        depth = GaugeMetricFamily("ats_mail_pending_messages", "Outbox messages waiting to be sent.")
        age = GaugeMetricFamily("ats_mail_oldest_pending_age_seconds", "Age of the oldest pending outbox message.")
        count, oldest = db.session.execute(
            select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status == MessageStatus.PENDING.value
            )
        ).one()
        if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC from an aggregate
            from datetime import UTC

            oldest = oldest.replace(tzinfo=UTC)
        depth.add_metric([], count)
        age.add_metric([], max(0.0, time.time() - oldest.timestamp()) if oldest is not None else 0.0)
        yield depth
        yield age

    def _periodic(self):
        import redis

        from app.core.periodic import read_states, registry

        tasks = list(registry)
        lag = GaugeMetricFamily(
            "ats_periodic_task_lag_seconds",
            "How long a periodic task's next run is overdue (0 until it is due).",
            labels=["task"],
        )
        last = GaugeMetricFamily(
            "ats_periodic_task_last_run_timestamp_seconds",
            "When a periodic task last started (Unix time).",
            labels=["task"],
        )
        failed = GaugeMetricFamily(
            "ats_periodic_task_last_run_failed", "1 if the task's last run raised an error.", labels=["task"]
        )
        try:
            states = read_states(self.app, tasks)
        except redis.RedisError:
            states = {}
        now = time.time()
        for task in tasks:
            state = states.get(task.name)
            if state is None or state.started is None:
                continue
            lag.add_metric([task.name], state.lag(task.interval(self.app), now) or 0.0)
            last.add_metric([task.name], state.started)
            failed.add_metric([task.name], 0.0 if state.ok else 1.0)
        yield lag
        yield last
        yield failed


def allowed(app: Flask) -> bool:
    token = app.config.get("METRICS_TOKEN") or ""
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def scrape(app: Flask) -> Response:
    if not allowed(app):
        abort(403)
    registry = CollectorRegistry()
    registry.register(OperationsCollector(app))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY) + generate_latest(registry)
    response = Response(body, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
