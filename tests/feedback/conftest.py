"""A company whose application has interviews with scorecards, interviewers of each role, and another company."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.extensions import db
from app.models import Application, Interview, User
from app.services import interviews
from tests.api.conftest import api, token  # noqa: F401 - fixtures

SCORECARD = [{"name": "Skills", "attributes": ["Python", "SQL"]}, {"name": "Values", "attributes": ["Ownership"]}]
RATINGS = {"Skills/Python": 4, "Skills/SQL": 3, "Values/Ownership": None}


@dataclass
class Panel:
    tenant: dict
    other: dict
    application: Application
    technical: Interview
    culture: Interview
    alice: User  # hiring manager, interviews in both
    bob: User  # hiring manager, interviews in the technical one
    outsider: User  # hiring manager of the company, interviews nobody


def schedule(recruiter: User, application_id: int, interviewer_ids: list[int], *, title: str = "Technical",
             day: int = 1, scorecard=None) -> Interview:  # fmt: skip
    interview = interviews.schedule(
        recruiter,
        application_id,
        starts_at=f"2030-03-0{day}T10:00Z",
        ends_at=f"2030-03-0{day}T11:00Z",
        timezone="UTC",
        title=title,
        interviewer_ids=interviewer_ids,
    )
    interview.scorecard = SCORECARD if scorecard is None else scorecard
    db.session.commit()
    return interview


@pytest.fixture
def panel(factory) -> Panel:
    tenant = factory.tenant()
    other = factory.tenant()
    alice = factory.staff(tenant["company"], tenant["admin"], "hiring_manager")
    bob = factory.staff(tenant["company"], tenant["admin"], "hiring_manager")
    application = factory.application(factory.candidate("Ada"), tenant["job"])
    recruiter = tenant["recruiter"]
    technical = schedule(recruiter, application.id, [alice.id, bob.id, recruiter.id])
    culture = schedule(recruiter, application.id, [alice.id], title="Culture", day=2)
    return Panel(tenant, other, application, technical, culture, alice, bob, tenant["hiring_manager"])
