"""Rate limits per client address that both front doors share (one count, whichever door is used)."""

from __future__ import annotations

from flask import current_app

from app.extensions import limiter


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


# Each sign-up costs an argon2 hash (tens of milliseconds of CPU and 64 MiB by
# default): a client looping on it slows every other request. Web and API
# sign-ups from one address count together.
register_limit = limiter.shared_limit(_register_limit, scope="register", methods=["POST"])
