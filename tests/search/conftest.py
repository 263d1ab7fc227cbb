"""A company of people with real resumes and notes, indexed by the worker's code, and a rival company."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import applying
from app.services.candidates import CandidateDetails
from app.services.resumes import ResumeUpload
from tests.search.documents import docx_file, fpdf_pdf, image_only_pdf, reportlab_pdf

PEOPLE = {
    "margarethe": (
        "Margarethe Kowalczyk",
        "Senior data engineer\nStreaming pipelines with Kafka and Python",
        reportlab_pdf,
        None,
    ),
    "tobias": (
        "Tobias Lindqvist",
        "Machine learning researcher\nPython and Rust, published on compilers",
        fpdf_pdf,
        "Strong Rust background, ask about the compiler work",
    ),
    "ingrid": (
        "Ingrid Okonkwo",
        "Frontend developer\nTypeScript, React and accessibility audits",
        docx_file,
        None,
    ),
    "rafael": ("Rafael Mendoza", None, None, "Met him at the Golang meetup in Lisbon"),
    "scan": ("Petronella Vasquez", None, "scan", None),
}


def add(actor, job, key, name, resume_text, maker, note):
    if maker == "scan":
        resume = ResumeUpload("scan.pdf", image_only_pdf())
    elif maker is not None:
        resume = ResumeUpload(f"{key}.pdf", maker(f"{name}\n{resume_text}"))
    else:
        resume = None
    application = applying.add_candidate(
        actor,
        job.id,
        details=CandidateDetails(full_name=name, email=f"{key}@people.example"),
        source="sourced",
        note=note,
        resume=resume,
    )
    db.session.commit()
    return application.candidate_id


@pytest.fixture
def people(factory):
    """{key: candidate id} in company A; B has a person whose resume shares A's words."""
    from app.search.tasks import sweep

    a = factory.tenant()
    b = factory.tenant()
    ids = {key: add(a["recruiter"], a["job"], key, *spec) for key, spec in PEOPLE.items()}
    ids["rival"] = add(
        b["recruiter"],
        b["job"],
        "rival",
        "Zebulon Kowalczyk",
        "Streaming pipelines with Kafka, Python and TypeScript; Golang; accessibility",
        reportlab_pdf,
        None,
    )
    sweep()
    return {"a": a, "b": b, "ids": ids}


@pytest.fixture
def app_with_redis(app, make_app, redis_url, redis_prefix):
    """An app whose after-commit hand-off goes to the real Redis, under this test's own prefix."""
    made = make_app(REDIS_URL=redis_url, REDIS_KEY_PREFIX=redis_prefix)
    with made.app_context():
        yield made
        db.session.rollback()
