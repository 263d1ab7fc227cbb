"""The RQ job: it gets a message id, nothing else, and reloads the row itself."""

from __future__ import annotations

from flask import has_app_context


def deliver_job(message_id: int) -> str:
    """Deliver one outbox message inside an app context.

    The mail worker (`python worker.py`) pushes its app's context around every
    job; under a plain `rq worker` an app is built from the environment.
    """
    from app.mail.delivery import deliver

    if has_app_context():
        return deliver(message_id)
    from app import create_app

    with create_app().app_context():
        return deliver(message_id)
