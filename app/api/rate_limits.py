"""Rate limits on every API request: per credential (a key or a token), and per client address.

Counted in the limiter's storage (Redis when configured, so every web process
shares the counts). Answers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining`
and `X-RateLimit-Reset`; a refusal is a 429 problem with `Retry-After`.
The credential is counted by a digest of what was sent, before it is checked:
a forged one only fills its own bucket and the address limit still applies.
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter


def _credential() -> str:
    header = request.headers.get("Authorization", "")
    if not header:
        return f"address:{get_remote_address()}"
    return "credential:" + hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()[:32]


def _credential_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["API_ADDRESS_RATE_LIMIT"]


per_credential = limiter.shared_limit(_credential_limit, scope="api-credential", key_func=_credential)
per_address = limiter.shared_limit(_address_limit, scope="api-address")


def apply(app: Flask) -> None:
    """Both limits on every operation of the API's blueprints (one count across the whole API)."""
    app.config.setdefault("API_RATE_LIMIT", "600 per minute")
    app.config.setdefault("API_ADDRESS_RATE_LIMIT", "1200 per minute")
    for blueprint in app.blueprints.values():
        if not (blueprint.url_prefix or "").startswith("/api/v1"):
            continue
        per_credential(blueprint)
        per_address(blueprint)
