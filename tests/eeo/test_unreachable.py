"""The answers reach no page, API answer or export but the aggregate report; compliance staff reach nothing else.

Every GET route of /api/v1 and /dashboard is walked straight from the URL map, so a route added later is
covered too: as a recruiter, a hiring manager and an admin, with the ids of an application whose stored
answers hold a marker word, the word never appears. As compliance, every route naming a candidate, an
application, a job or anything about them is refused.
"""

from __future__ import annotations

import re

import pytest
from flask import current_app

from app.api.auth import issue_tokens
from app.extensions import db
from tests.eeo.conftest import MARKER
from tests.web.conftest import login

PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
REPORT = {"/api/v1/eeo/report", "/dashboard/eeo"}
# Open to anyone (the public job board's API, the spec): checked below to answer a visitor too.
PUBLIC = {
    "/api/v1/openapi.json",
    "/api/v1/jobs",
    "/api/v1/jobs/<job_id>",
    "/api/v1/jobs/<job_id>/form",
    "/api/v1/companies/<company_id>",
    "/api/v1/companies/<company_id>/privacy-notice",
}
# What compliance staff may open besides: their report, the questions it is about, their own account.
COMPLIANCE_MAY = REPORT | {"/api/v1/eeo/questions", "/api/v1/me", "/api/v1/auth/revoke"}


def _rules(method: str):
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or method not in (rule.methods or set()):
            continue
        if rule.rule.startswith(("/api/v1", "/dashboard")):
            yield rule.rule


def _samples(world, application) -> dict[str, str]:
    acme = world["acme"]
    ids = {
        "application_id": application.id,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "company_id": acme["company"].id,
        "user_id": acme["recruiter"].id,
    }
    return {name: str(value) for name, value in ids.items()}


def _bare(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([A-Za-z_]+)>", r"<\1>", rule)


def _url(rule: str, samples: dict[str, str]) -> str:
    return PARAM.sub(lambda m: samples.get(m.group(1), "1"), rule)


def _query(url: str, samples: dict[str, str]) -> str:
    """Lists filtered to the marked application's job and candidate where they take filters."""
    return f"{url}?job_id={samples['job_id']}&candidate_id={samples['candidate_id']}&limit=100"


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "admin"])
def test_no_reviewer_route_shows_the_answers(app, world, marked, role):
    user = world["acme"][role]
    samples = _samples(world, marked)
    web = app.test_client()
    assert login(web, user).status_code == 302
    bearer = {"Authorization": f"Bearer {issue_tokens(user)['access_token']}"}
    db.session.commit()
    walked = 0
    for rule in _rules("GET"):
        if rule in REPORT:
            continue
        url = _query(_url(rule, samples), samples)
        is_api = rule.startswith("/api/")
        response = (web if not is_api else app.test_client()).get(url, headers=bearer if is_api else {})
        body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/")) else ""
        assert MARKER not in body, (role, url, response.status_code)
        walked += 1
    assert walked > 100
    # And the report itself never shows an individual's answers either.
    report = app.test_client().get("/api/v1/eeo/report", headers=bearer)
    assert MARKER not in report.get_data(as_text=True)


def test_the_walk_can_fail(app, world, marked):
    """The check above sees the word when a page does show it (here: the report's questions made to show it)."""
    from app.services import eeo

    eeo.set_questions(world["acme"]["admin"], [{"key": "origin", "label": "Origin", "options": [MARKER, "Other"]}])
    db.session.commit()
    token = issue_tokens(world["acme"]["admin"])["access_token"]
    db.session.commit()
    response = app.test_client().get("/api/v1/eeo/questions", headers={"Authorization": f"Bearer {token}"})
    assert MARKER in response.get_data(as_text=True)


def test_compliance_is_refused_everywhere_else(app, world, marked, compliance):
    samples = _samples(world, marked)
    web = app.test_client()
    assert login(web, compliance).status_code == 302
    bearer = {"Authorization": f"Bearer {issue_tokens(compliance)['access_token']}"}
    db.session.commit()
    let_in = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        for rule in _rules(method):
            if rule in COMPLIANCE_MAY:
                continue
            url = _url(rule, samples)
            if _bare(rule) in PUBLIC:
                assert method != "GET" or app.test_client().get(url).status_code == 200, url
                continue
            if rule.startswith("/api/"):
                response = app.test_client().open(url, method=method, headers=bearer, json={})
            else:
                response = web.open(url, method=method, data={})
            if (method == "GET" and response.status_code not in (401, 403, 404)) or (
                method != "GET" and response.status_code < 400
            ):
                let_in.append(f"{method} {url} {response.status_code}")
            assert MARKER not in response.get_data(as_text=True), url
    assert let_in == [], "\n".join(let_in)
