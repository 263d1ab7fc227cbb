"""A person with everything a record can hold: resume, answers, notes, emails, a reply, tags, a pool."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, CandidateTag, Tag
from app.services import applications, applying, messages, pools, replies
from app.services.candidates import CandidateDetails
from app.services.resumes import ResumeUpload
from tests.api.conftest import api, token, world  # noqa: F401 (fixtures)
from tests.search.documents import reportlab_pdf

NAME = "Zenobia Quillfeather"
EMAIL = "zenobia.quillfeather@people.example"
RESUME_WORD = "xylophonist"
NOTE_WORD = "marmalade"


@dataclass
class Person:
    candidate_id: int
    application_id: int
    resume_key: str


def make_person(tenant, *, name: str = NAME, email: str = EMAIL, job=None) -> Person:
    recruiter = tenant["recruiter"]
    application = applying.add_candidate(
        recruiter,
        (job or tenant["job"]).id,
        details=CandidateDetails(full_name=name, email=email, phone="+44 20 7946 0958"),
        source="sourced",
        note=f"Met {name} at the {NOTE_WORD} fair",
        resume=ResumeUpload("cv.pdf", reportlab_pdf(f"{name}\nProfessional {RESUME_WORD} and data engineer")),
    )
    db.session.commit()
    applications.add_note(recruiter, application.id, f"{name} asked about {NOTE_WORD}")
    messages.send(recruiter, application.id, subject=f"Hello {name}", body=f"Dear {name}, about the {NOTE_WORD}")
    tag = Tag(company_id=application.company_id, name="Shortlist", key=f"shortlist-{application.id}")
    db.session.add(tag)
    db.session.flush()
    db.session.add(CandidateTag(candidate_id=application.candidate_id, tag_id=tag.id))
    db.session.commit()
    reply_token = replies.new_token()
    from app.models import ReplyAddress

    address = ReplyAddress(application_id=application.id, company_id=application.company_id, token=reply_token)
    db.session.add(address)
    db.session.commit()
    replies.store(
        [replies.Target(address.id, application.id, application.company_id)],
        replies.Reply(
            from_address=email,
            from_name=name,
            subject=f"Re: Hello {name}",
            text=f"Thanks, {name} here, the {NOTE_WORD} is fine",
            message_id=f"<{application.id}.reply@people.example>",
            in_reply_to=None,
            attachments=[replies.Attachment("portfolio.pdf", reportlab_pdf(f"{name} portfolio {RESUME_WORD}"))],
        ),
    )
    from app.search.tasks import sweep

    sweep()
    key = db.session.scalar(select(Application.resume_key).where(Application.id == application.id))
    return Person(application.candidate_id, application.id, key)


def pool_of(tenant, candidate_id: int, name: str = "Silver medallists") -> int:
    pool = pools.create_pool(tenant["recruiter"], name=name)
    pools.add_members(tenant["recruiter"], pool.id, [candidate_id])
    db.session.commit()
    return pool.id


@pytest.fixture
def person(factory):
    tenant = factory.tenant()
    return tenant, make_person(tenant)
