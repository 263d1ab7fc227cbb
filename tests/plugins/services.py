"""Fixtures for the real services the suite talks to: Redis and an SMTP server."""

from __future__ import annotations

import os
import socket
import uuid

import pytest


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (for 'service is down' tests)."""
    return _closed_port()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis; a missing server is a skip, which CI counts as a failure."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable at {url}: {error}")
    return url


@pytest.fixture
def redis_prefix(redis_url) -> str:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    import redis

    prefix = f"ats-test-{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    # RQ's own keys start with rq: and carry the prefix inside (queue names), or
    # its RQ-safe form with "-" for ":" (job and worker ids).
    marks = (prefix, prefix.replace(":", "-"))
    keys = {key for mark in marks for key in client.scan_iter(match=f"*{mark}*", count=1000)}
    if keys:
        client.delete(*keys)
    for registry in ("rq:queues", "rq:workers"):
        stale = [member for member in client.smembers(registry) if any(mark.encode() in member for mark in marks)]
        if stale:
            client.srem(registry, *stale)


class SMTPSink:
    """A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

    def __init__(self, port: int | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.refuse = False
        self.greetings = 0  # EHLO/HELO seen: one per connection
        sink = self

        class Handler:
            async def handle_EHLO(self, server, session, envelope, hostname, responses):
                sink.greetings += 1
                session.host_name = hostname
                return responses

            async def handle_DATA(self, server, session, envelope):
                if sink.refuse:
                    return "451 Temporary failure, try again later"
                from email import message_from_bytes, policy

                sink.messages.append(
                    (
                        envelope.mail_from,
                        list(envelope.rcpt_tos),
                        message_from_bytes(envelope.content, policy=policy.default),
                    )
                )
                return "250 OK"

        self.host = "127.0.0.1"
        self.port = port or _closed_port()
        self.controller = Controller(Handler(), hostname=self.host, port=self.port)

    def start(self) -> SMTPSink:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        """Stop the server; stopping one already stopped does nothing."""
        if getattr(self, "running", False):
            self.running = False
            self.controller.stop()


@pytest.fixture
def smtp_server():
    from app.mail.backends import close_kept_connection

    sink = SMTPSink().start()
    yield sink
    close_kept_connection()
    sink.stop()


@pytest.fixture
def redis_app(app, make_app, redis_url, redis_prefix):
    """An app on the test database with Redis (cache, sessions, blocklist, queue) under this test's prefix.

    Its context is pushed for the test, so `db` and `count_statements` use it.
    """
    from app.extensions import db

    made = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    with made.app_context():
        yield made
        db.session.rollback()


@pytest.fixture(autouse=True)
def _limiter_storage_healthy():
    """The limiter is one object for every app in the process: after a test where its Redis was down
    it would stay on its in-memory fallback (until its next check) for the apps of the tests after."""
    yield
    from app.extensions import limiter

    limiter._storage_dead = False
