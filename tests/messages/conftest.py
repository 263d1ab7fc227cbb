"""The API tests' fixtures (a JSON client, tokens, two companies), and an app that sends through the worker."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.api.conftest import api, token, world  # noqa: F401 - fixtures
from tests.mail.conftest import mail_settings

DOMAIN = "replies.example"


@pytest.fixture
def mail_app(app, make_app, redis_url, redis_prefix, smtp_server):
    """Redis for the queue, SMTP to aiosmtpd, replies on: the real worker sends what a request queued."""
    made = make_app(**mail_settings(redis_url, redis_prefix, smtp_server), MAIL_REPLY_DOMAIN=DOMAIN)
    with made.app_context():
        yield made
        db.session.rollback()
