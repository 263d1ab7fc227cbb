"""Rate limits per client address that both front doors share (one count, whichever door is used)."""

from __future__ import annotations

import time

from flask import Response, current_app

from app.extensions import limiter


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


# Each sign-up costs an argon2 hash (tens of milliseconds of CPU and 64 MiB by
# default): a client looping on it slows every other request. Web and API
# sign-ups from one address count together.
register_limit = limiter.shared_limit(_register_limit, scope="register", methods=["POST"])


def inject_headers(response: Response) -> Response:
    """X-RateLimit-* on every limited answer; Retry-After only on a 429 that has none.

    Flask-Limiter's own injection is off (RATELIMIT_HEADERS_ENABLED): it sets
    Retry-After on every limited answer, overwriting the one a 409 or a 503
    gives, and it would now reach every API answer.
    """
    current = limiter.current_limit if limiter.enabled else None
    if current is None:
        return response
    try:  # reading the counts asks the limiter's storage (Redis), which may be down: answer without them
        remaining, reset_at = current.remaining, current.reset_at
    except Exception:
        return response
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Reset"] = str(reset_at)
    if response.status_code == 429 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
    return response
