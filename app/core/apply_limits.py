"""Rate limits on applying, per network address and per email address.

Counted in Flask-Limiter's own storage (Redis when configured, else memory),
under keys of their own, so both doors and every kind of applicant share them.
The limits are settings: APPLY_RATE_LIMIT_IP and APPLY_RATE_LIMIT_EMAIL.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import parse_many

from app.errors import TooManyRequests
from app.extensions import limiter


def check(ip: str | None, email: str | None) -> None:
    """Count one application attempt; refuse when either limit is spent."""
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return
    strategy = limiter.limiter
    # The address is hashed: the limiter's keys are not a list of who applied.
    keyed = [("ip", "APPLY_RATE_LIMIT_IP", ip)]
    if email:
        keyed.append(("email", "APPLY_RATE_LIMIT_EMAIL", hashlib.sha256(email.encode()).hexdigest()[:32]))
    for scope, setting, value in keyed:
        if not value:
            continue
        for item in parse_many(current_app.config[setting]):
            if not strategy.hit(item, current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "apply", scope, value):
                field = "email" if scope == "email" else "form"
                raise TooManyRequests(
                    "Too many applications were sent from here in a short time; please try again later.",
                    errors={field: ["Too many applications in a short time; please try again in an hour."]},
                )
