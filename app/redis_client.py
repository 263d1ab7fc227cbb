"""One Redis client (and connection pool) per app: sessions, token blocklist, mail queue, public cache.

Timeouts keep a dead or hung Redis from holding a request: connecting gives up
after 2 s, any reply after 2 s, and a failed command is retried once on a fresh
connection (a pooled connection left over from before a Redis restart fails
once, then the retry reconnects). Every caller treats RedisError as "Redis is
down" and carries on without it, or answers 503 (app/core/unavailable.py).
The mail worker has a client of its own (app/mail/worker.py): RQ waits for jobs
with blocking commands that need a longer read timeout.
"""

from __future__ import annotations

import redis
from flask import Flask
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

_EXTENSION_KEY = "redis_client"

CONNECT_TIMEOUT = 2
READ_TIMEOUT = 2


def new_client(url: str, *, socket_timeout: float = READ_TIMEOUT) -> redis.Redis:
    """A client with bounded waits: one quick retry, then the error goes to the caller."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=socket_timeout,
        retry=Retry(ExponentialWithJitterBackoff(cap=0.1, base=0.01), retries=1),
    )


def redis_client(app: Flask) -> redis.Redis | None:
    """The app's client, or None without REDIS_URL."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get(_EXTENSION_KEY)
    if client is None:
        client = new_client(url)
        app.extensions[_EXTENSION_KEY] = client
    return client
