"""Offers' fixtures: a company that requires offers to hire, an application at the offer stage, helpers."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import applications, offers
from tests.api.conftest import api, token  # noqa: F401 - fixtures
from tests.mail.conftest import mail_app  # noqa: F401 - fixture

TERMS = {"salary_amount": "85000.50", "currency": "EUR", "start_date": "2027-01-15", "terms": "25 days leave.\nGym."}


@pytest.fixture
def hiring(factory) -> dict:
    """A company requiring offers (one member of each role, a second recruiter), an application at `offer`."""
    company, admin = factory.company(hire_requires_offer=True)
    recruiter = factory.staff(company, admin, "recruiter")
    other = factory.staff(company, admin, "recruiter")
    manager = factory.staff(company, admin, "hiring_manager")
    job = factory.job(recruiter)
    person = factory.candidate("Ada Lovelace")
    application = factory.application(person, job)
    for stage in ("screening", "interview", "offer"):
        applications.move_stage(recruiter, application.id, stage)
    db.session.commit()
    return {"company": company, "admin": admin, "recruiter": recruiter, "other": other, "manager": manager,
            "job": job, "candidate": person, "application": application}  # fmt: skip


def make_offer(world: dict, *, status: str = "sent", **terms):
    """An offer on the world's application brought to `status` through the service (committed)."""
    recruiter, admin = world["recruiter"], world["admin"]
    offer = offers.create_offer(recruiter, world["application"].id, **{**TERMS, **terms})
    steps = {
        "awaiting_approval": [lambda o: offers.submit(recruiter, o.id)],
        "approved": [lambda o: offers.submit(recruiter, o.id), lambda o: offers.approve(admin, o.id)],
        "sent": [lambda o: offers.submit(recruiter, o.id), lambda o: offers.approve(admin, o.id),
                 lambda o: offers.send(recruiter, o.id)],
    }  # fmt: skip
    if status == "accepted":
        for step in steps["sent"]:
            step(offer)
        offers.respond(world["application"], offer.id, accept=True)
    else:
        for step in steps.get(status, []):
            step(offer)
    db.session.commit()
    return offer
