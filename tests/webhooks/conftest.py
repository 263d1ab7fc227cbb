"""Fixtures for the webhook tests: a real HTTP receiver on loopback, an app wired to Redis and SMTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from app.extensions import db
from tests.api.conftest import api, token, world  # noqa: F401 (the API tests' fixtures)
from tests.mail.conftest import add_test_routes, mail_settings


class Receiver:
    """A threaded http.server on 127.0.0.1 that keeps each POST; `status` is what it answers.

    `stop()` closes the port (the receiver is down: connections are refused); `start()` opens it
    again on the same port.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                answer = b'{"ok": true}' if receiver.status < 300 else b"x" * 5000
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def verified(self, secret: str) -> list[dict]:
        """Every request, its signature checked by the standardwebhooks package (raises if one is wrong)."""
        hook = Webhook(secret)
        out = []
        for request in self.requests:
            headers = {k.lower(): v for k, v in request["headers"].items()}
            out.append({**hook.verify(request["body"], headers), "webhook-id": headers["webhook-id"]})
        return out


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def webhook_settings(**extra) -> dict:
    """Loopback allowed (the test's receiver), plain http, immediate retries."""
    return {
        "WEBHOOK_ALLOW_HTTP": True,
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1/32",
        "WEBHOOK_TIMEOUT": 5,
        "WEBHOOK_RETRY_SCHEDULE": "0,0,0,0,0,0,0,0,0",
        **extra,
    }


@pytest.fixture
def hook_app(app, make_app, redis_url, redis_prefix, smtp_server):
    """Redis for the queue (the real worker sends mail and webhooks), SMTP to aiosmtpd, loopback allowed."""
    made = make_app(**mail_settings(redis_url, redis_prefix, smtp_server), **webhook_settings())
    add_test_routes(made)
    with made.app_context():
        yield made
        db.session.rollback()


def body(request: dict) -> dict:
    return json.loads(request["body"])
