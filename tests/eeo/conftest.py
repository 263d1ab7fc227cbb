"""A company with a compliance member, and applications whose survey answers carry a marker word."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Application, EeoResponse
from app.services import applications, applying
from app.services.candidates import CandidateDetails
from tests.api.conftest import api, token, world  # noqa: F401 (fixtures)

MARKER = "Zzyzxian"  # an answer option no other page could print by chance


@pytest.fixture
def compliance(factory, world):  # noqa: F811
    acme = world["acme"]
    return factory.staff(acme["company"], acme["admin"], "compliance")


def add_applicant(tenant: dict, n: int, *, job=None) -> Application:
    """A person added by the recruiter (no login: quick to make)."""
    return applying.add_candidate(
        tenant["recruiter"],
        (job or tenant["job"]).id,
        details=CandidateDetails(full_name=f"Person {n}", email=f"person{n}.{tenant['company'].id}@people.example"),
        source="sourced",
    )


STAGES = ("screening", "interview", "offer", "hired")


def move_to(tenant: dict, application: Application, category: str) -> None:
    """Walk the standard pipeline up to the category."""
    for stage in STAGES[: STAGES.index(category) + 1]:
        applications.move_stage(tenant["recruiter"], application.id, stage)


@pytest.fixture
def marked(world) -> Application:  # noqa: F811
    """One application of acme whose stored answers hold MARKER (written as the table holds it)."""
    acme = world["acme"]
    application = add_applicant(acme, 1)
    db.session.add(
        EeoResponse(company_id=application.company_id, application_id=application.id,
                    answers={"gender": "Woman", "origin": MARKER})
    )  # fmt: skip
    db.session.commit()
    return application
