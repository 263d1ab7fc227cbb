"""One Redis client (and connection pool) per app: sessions, token blocklist, mail queue, public cache."""

from __future__ import annotations

import redis
from flask import Flask

_EXTENSION_KEY = "redis_client"


def redis_client(app: Flask) -> redis.Redis | None:
    """The app's client, or None without REDIS_URL. Short timeouts: a dead Redis fails fast."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get(_EXTENSION_KEY)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        app.extensions[_EXTENSION_KEY] = client
    return client
