"""Tenancy with API keys: a key holding every scope reaches nothing of another company.

Every operation a key may call that names an object is tried, straight from the
URL map, so an operation added later is covered without being listed here.
"""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.api.auth import issue_tokens
from app.api.key_auth import required_scope
from app.extensions import db
from app.models import Application, BookingRequest, Job, Note, RejectionReason
from app.services import api_keys, booking, offers, pipelines, pools, rejection_reasons, tags
from tests.api.conftest import ApiClient

STAGES = [
    {"name": "New", "category": "applied"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]
PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
BODIES = {
    "POST": {"to": "screening", "body": "x", "name": "x", "label": "x", "job_id": 1, "candidate_ids": [1]},
    "PATCH": {"title": "Taken over", "label": "Taken over", "name": "Taken over"},
    "PUT": {"stages": [], "questions": [], "text": "x"},
}


@pytest.fixture
def theirs(world, factory) -> dict[str, int]:
    globex = world["globex"]
    draft = factory.job(globex["recruiter"], status="draft")  # open jobs are public
    application = factory.application(world["bob"], globex["job"])
    template = pipelines.create_template(globex["admin"], name="Theirs", stages=STAGES)
    reason = rejection_reasons.create_reason(globex["admin"], label="Theirs")
    tag = tags.create_tag(globex["admin"], name="Theirs")
    pool = pools.create_pool(globex["admin"], name="Theirs")
    pools.add_members(globex["admin"], pool.id, [application.candidate_id])
    offered = booking.offer(
        globex["recruiter"], application.id, slots=["2040-01-10T14:00"], timezone="UTC",
        interviewer_ids=[globex["hiring_manager"].id],
    )  # fmt: skip
    offer = offers.create_offer(
        globex["recruiter"], application.id, salary_amount="1000", currency="EUR", start_date="2027-01-01"
    )
    db.session.commit()
    return {
        "job_id": draft.id,
        "application_id": application.id,
        "template_id": template.id,
        "reason_id": reason.id,
        "candidate_id": application.candidate_id,
        "tag_id": tag.id,
        "pool_id": pool.id,
        "request_id": offered.request.id,
        "offer_id": offer.id,
    }


def _operations():
    for rule in current_app.url_map.iter_rules():
        names = PARAM.findall(rule.rule)
        if not names:
            continue
        blueprint = rule.endpoint.rpartition(".")[0]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if required_scope(blueprint, method) is not None:
                yield method, rule.rule, names


def _reaches_nothing_of(api, credential: str, theirs: dict[str, int]) -> None:
    """Every operation naming one of their objects answers not found (or, for a bad body, 422), changing nothing."""
    tried = 0
    for method, rule, names in _operations():
        if not set(names) <= set(theirs):
            continue  # a sub-object (an attachment, a batch): its parent is covered by another operation
        path = PARAM.sub(lambda m: str(theirs[m.group(1)]), rule).removeprefix("/api/v1")
        response = api.request(method, path, token=credential, json=BODIES.get(method))
        tried += 1
        if method == "GET":
            assert response.status_code == 404, (method, rule, response.status_code)
        else:
            assert response.status_code in (404, 422), (method, rule, response.status_code, response.get_json())
    assert tried >= 25
    db.session.expire_all()
    application = db.session.get(Application, theirs["application_id"])
    assert application.stage == "applied" and application.version == 1
    assert db.session.get(Job, theirs["job_id"]).title != "Taken over"
    assert db.session.get(RejectionReason, theirs["reason_id"]).label == "Theirs"
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0
    assert db.session.get(BookingRequest, theirs["request_id"]).status == "open"


def test_a_key_with_every_scope_reaches_nothing_of_another_company(api, world, theirs):
    key = api_keys.create_key(world["acme"]["admin"], name="All", scopes=list(api_keys.SCOPES)).secret
    db.session.commit()
    _reaches_nothing_of(api, key, theirs)


def test_an_admin_token_read_from_the_kept_identity_reaches_nothing_of_another_company(redis_app, world, theirs):
    """With Redis the caller comes from the identity cache (app/identity_cache.py): the same answers."""
    api = ApiClient(redis_app.test_client())
    access = issue_tokens(world["acme"]["admin"])["access_token"]
    assert api.get("/me", token=access).status_code == 200  # now kept
    _reaches_nothing_of(api, access, theirs)
