"""Health endpoints for load balancers and orchestrators, and the metrics scrape."""

from __future__ import annotations

from flask import current_app, jsonify

from app.extensions import limiter
from app.public import bp


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Liveness: the process answers. No dependency is checked, so a database outage never restarts it."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Readiness: database reachable and migrated, Redis and a mail worker alive when configured."""
    from app.core.health import readiness

    ready, checks = readiness(current_app)
    response = jsonify(status="ready" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
@limiter.exempt
def metrics():
    """Prometheus text format; see app/core/metrics.py for who may read it."""
    from app.core.metrics import scrape

    return scrape(current_app)
