"""Guest applications for tests, through the service, with the private link they were mailed."""

from __future__ import annotations

import itertools
import re

from app import signals
from app.services import applying
from app.services.candidates import CandidateDetails

_serial = itertools.count(1)


def apply_as_guest(job_id: int, *, email: str | None = None, name: str = "Guest Person", **kwargs):
    """(submission, token): the token the confirmation carried (None when nothing was sent)."""
    sent: list[str] = []

    def keep(_sender, status_token=None, **_extra):
        if status_token:
            sent.append(status_token)

    email = email or f"guest{next(_serial)}@people.example"
    with signals.application_submitted.connected_to(keep), signals.application_repeated.connected_to(keep):
        submission = applying.submit(
            None,
            job_id,
            details=CandidateDetails(full_name=name, email=email),
            consent=kwargs.pop("consent", True),
            **kwargs,
        )
    return submission, (sent[-1] if sent else None)


def guest_link(job_id: int, **kwargs) -> str:
    _submission, token = apply_as_guest(job_id, **kwargs)
    return token


def mailed_links(to: str) -> list[str]:
    """The status link tokens in the messages delivered to `to` (the memory backend), oldest first.

    What was delivered, not the outbox row: once sent, the row keeps no link.
    """
    from flask import current_app

    from app.mail.backends import sent_messages

    tokens = []
    for message in sent_messages(current_app):
        if message["To"].addresses[0].addr_spec == to:
            tokens += re.findall(r"/status/([A-Za-z0-9_-]+)", message.get_body(("plain",)).get_content())
    return tokens
