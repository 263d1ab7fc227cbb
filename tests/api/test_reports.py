"""The reports API: staff only, tenant-scoped, filters checked (problem+json)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import applications

REPORTS = ("funnel", "time-in-stage", "time-to-hire", "sources", "overview")


@pytest.fixture
def tenant(factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    return tenant


def _get(client, path, user, **params):
    from app.api.auth import issue_tokens

    token = issue_tokens(user)["access_token"]
    return client.get(f"/api/v1/reports/{path}", query_string=params, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_answers_staff(client, tenant, name):
    response = _get(client, name, tenant["hiring_manager"])
    assert response.status_code == 200, response.get_json()


def test_funnel_over_http(client, tenant):
    body = _get(client, "funnel", tenant["recruiter"], job_id=tenant["job"].id).get_json()
    assert [s["reached"] for s in body["stages"]] == [1, 1, 0, 0, 0]
    assert body["stages"][1]["conversion"] == 1.0


def test_bad_filters_are_problems(client, tenant):
    response = _get(client, "funnel", tenant["admin"], **{"from": "2026-02-01", "to": "2026-01-01"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {"to": ["Must be on or after the start date."]}
    response = _get(client, "sources", tenant["admin"], **{"from": "01/02/2026"})
    assert response.status_code == 422 and "from" in response.get_json()["errors"]
    assert _get(client, "overview", tenant["admin"], colour="red").status_code == 422


def test_candidates_and_other_companies_see_nothing(client, tenant, factory):
    assert _get(client, "funnel", factory.candidate()).status_code == 404
    other = factory.tenant()
    assert _get(client, "funnel", other["recruiter"], job_id=tenant["job"].id).status_code == 404
    assert _get(client, "funnel", other["recruiter"]).get_json()["applications"] == 0
