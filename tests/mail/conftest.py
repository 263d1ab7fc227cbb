"""Fixtures for the mail tests: an app wired to the real Redis and SMTP server, a burst worker."""

from __future__ import annotations

import signal

import pytest
from flask import Flask

from app.extensions import csrf, db
from app.models import User
from app.services import applications


def mail_settings(redis_url: str, redis_prefix: str, smtp_server) -> dict:
    """Redis for the queue, SMTP to the test's aiosmtpd server, immediate retries and sweeps."""
    return {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": redis_prefix,
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": smtp_server.port,
        "MAIL_MAX_ATTEMPTS": 3,
        "MAIL_RETRY_INTERVALS": "0",
        "MAIL_SWEEP_GRACE": 0,
    }


@pytest.fixture
def mail_app(app, make_app, redis_url, redis_prefix, smtp_server):
    """An app on the test database with the RQ queue on the real Redis and SMTP to aiosmtpd.

    Retries are immediate (interval 0) so one burst of the worker runs every attempt.
    """
    made = make_app(**mail_settings(redis_url, redis_prefix, smtp_server))
    add_test_routes(made)
    with made.app_context():
        yield made
        db.session.rollback()
    # RQ's keys for this queue are removed with the redis_prefix fixture's.


def add_test_routes(app: Flask) -> None:
    """A request that applies, so the real commit-after-request path runs (the web pages come later)."""

    @csrf.exempt
    def apply_view(job_id: int, user_id: int):
        application = applications.apply(db.session.get(User, user_id), job_id, consent=True)
        return {"id": application.id}, 201

    app.add_url_rule("/_test/apply/<int:job_id>/<int:user_id>", "test_apply", apply_view, methods=["POST"])


def work(app: Flask) -> bool:
    """Run the real mail worker in burst mode until the queue is empty."""
    from app.mail.worker import run_worker

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return run_worker(app, burst=True)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def login(client, user: User) -> None:
    """Sign a user in the way Flask-Login remembers it: the session's _user_id."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
