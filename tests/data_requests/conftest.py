"""A candidate account with applications in two companies, a resume, answers, a staff note and an email."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.extensions import db
from app.models import Application, User
from app.services import applications, messages
from app.services.resumes import ResumeUpload
from tests.search.documents import reportlab_pdf

NOTE_WORD = "marmalade"


@dataclass
class Person:
    user: User
    tenants: list[dict]
    applications: list[Application]


def make_person(factory) -> Person:
    user = factory.candidate("Ada Lovelace")
    tenants = [factory.tenant(), factory.tenant()]
    made = []
    for n, tenant in enumerate(tenants):
        application = applications.apply(
            user, tenant["job"].id, cover_letter=f"Cover letter {n}", consent=True,
            resume=ResumeUpload(f"cv{n}.pdf", reportlab_pdf(f"Ada resume {n}")),
        )  # fmt: skip
        db.session.commit()
        applications.add_note(tenant["recruiter"], application.id, f"Staff think {NOTE_WORD}")
        messages.send(tenant["recruiter"], application.id, subject="Hello Ada", body="Dear Ada, thanks")
        db.session.commit()
        made.append(application)
    return Person(user, tenants, made)


@pytest.fixture
def person(app, factory) -> Person:
    return make_person(factory)


def mailed(app, to: str, path: str) -> list[str]:
    """The tokens of `/path/<token>` links delivered to `to` by the memory backend, oldest first."""
    from app.mail.backends import sent_messages

    found = []
    for message in sent_messages(app):
        if message["To"].addresses[0].addr_spec == to:
            found += re.findall(rf"/{path}/([A-Za-z0-9_-]+)", message.get_body(("plain",)).get_content())
    return found


def subjects_to(app, to: str) -> list[str]:
    from app.mail.backends import sent_messages

    return [str(m["Subject"]) for m in sent_messages(app) if m["To"].addresses[0].addr_spec == to]
