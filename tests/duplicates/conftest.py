"""Fixtures of the duplicates tests: people added by staff (records with applications), the API helpers."""

from __future__ import annotations

import itertools

import pytest

from app.extensions import db
from app.models import Candidate
from app.services import applying
from app.services.candidates import CandidateDetails
from tests.api.conftest import api, app_with, token, world  # noqa: F401 (fixtures)

_n = itertools.count(1)


@pytest.fixture
def add(factory):
    """add(tenant, name, email=None, phone=None, linkedin=None, job=None, note=None) -> the Candidate made."""

    def make(tenant, name, *, email=None, phone=None, linkedin=None, job=None, note=None, location=None):
        job = job or factory.job(tenant["recruiter"], title=f"Role {next(_n)}")
        details = CandidateDetails(
            full_name=name, email=email, phone=phone, location=location,
            links={"linkedin": linkedin} if linkedin else {},
        )  # fmt: skip
        application = applying.add_candidate(tenant["recruiter"], job.id, details=details, source="sourced", note=note)
        db.session.commit()
        return db.session.get(Candidate, application.candidate_id)

    return make
