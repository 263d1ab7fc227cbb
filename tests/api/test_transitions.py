"""Stage moves: who may move what, illegal and stale moves."""

from __future__ import annotations

import pytest

from app.services import applications
from tests.api.conftest import assert_problem


@pytest.fixture
def submitted(world, factory):
    return factory.application(world["ada"], world["acme"]["job"])


def _move(api, application_id, token, **body):
    return api.post(f"/applications/{application_id}/transitions", json=body, token=token)


@pytest.mark.parametrize("role", ["recruiter", "admin"])
def test_editors_walk_the_pipeline_to_hired(api, world, token, submitted, role):
    access = token(world["acme"][role])
    for stage in ("screening", "interview", "offer", "hired"):
        response = _move(api, submitted.id, access, to=stage, note=f"to {stage}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["stage"] == stage
    assert body["allowed_transitions"] == [] and body["version"] == 5
    assert [h["to_stage"] for h in body["history"]] == ["applied", "screening", "interview", "offer", "hired"]
    problem = assert_problem(_move(api, submitted.id, access, to="rejected", reason="late"), 409)
    assert problem["current_stage"] == "hired" and problem["allowed"] == []


def test_hiring_manager_may_not_move(api, world, token, submitted):
    access = token(world["acme"]["hiring_manager"])
    for body in ({"to": "screening"}, {"to": "rejected", "reason": "no"}, {"to": "withdrawn"}):
        assert_problem(_move(api, submitted.id, access, **body), 403)
    assert api.get(f"/applications/{submitted.id}", token=access).get_json()["stage"] == "applied"


def test_candidate_may_only_withdraw_their_own(api, world, token, submitted, factory):
    ada = token(world["ada"])
    for stage in ("screening", "hired"):
        problem = assert_problem(_move(api, submitted.id, ada, to=stage), 403)
        assert "withdraw" in problem["detail"]
    assert_problem(_move(api, submitted.id, ada, to="rejected", reason="I changed my mind"), 403)
    # Someone else's application does not exist for Bob.
    assert_problem(_move(api, submitted.id, token(world["bob"]), to="withdrawn"), 404)
    # Staff cannot withdraw on the candidate's behalf.
    assert_problem(_move(api, submitted.id, token(world["acme"]["admin"]), to="withdrawn"), 403)
    response = _move(api, submitted.id, ada, to="withdrawn")
    assert response.status_code == 200 and response.get_json()["stage"] == "withdrawn"
    assert_problem(_move(api, submitted.id, ada, to="withdrawn"), 409)


def test_other_company_cannot_see_the_application(api, world, token, submitted):
    for role in ("admin", "recruiter", "hiring_manager"):
        assert_problem(_move(api, submitted.id, token(world["globex"][role]), to="screening"), 404)
    assert_problem(_move(api, 999999, token(world["acme"]["admin"]), to="screening"), 404)


def test_rejection_needs_a_reason(api, world, token, submitted):
    access = token(world["acme"]["recruiter"])
    problem = assert_problem(_move(api, submitted.id, access, to="rejected"), 422)
    assert "reason" in problem["errors"]
    assert_problem(_move(api, submitted.id, access, to="rejected", reason="   "), 422)
    response = _move(api, submitted.id, access, to="rejected", reason="Not enough experience")
    assert response.status_code == 200 and response.get_json()["history"][-1]["reason"] == "Not enough experience"


def test_illegal_move_names_the_stage_and_the_options(api, world, token, submitted):
    problem = assert_problem(_move(api, submitted.id, token(world["acme"]["admin"]), to="offer"), 409)
    assert problem["type"] == "/problems/illegal-transition"
    assert problem["current_stage"] == "applied"
    assert problem["allowed"] == ["screening", "rejected", "withdrawn"]


def test_stale_move_is_refused(api, world, token, submitted):
    access = token(world["acme"]["recruiter"])
    version = api.get(f"/applications/{submitted.id}", token=access).get_json()["version"]
    assert _move(api, submitted.id, access, to="screening", version=version).status_code == 200
    problem = assert_problem(_move(api, submitted.id, access, to="interview", version=version), 409)
    assert problem["type"] == "/problems/stale-update"
    assert problem["current_stage"] == "screening" and problem["version"] == version + 1
    assert _move(api, submitted.id, access, to="interview", version=version + 1).status_code == 200


def test_body_is_checked(api, world, token, submitted):
    access = token(world["acme"]["admin"])
    problem = assert_problem(_move(api, submitted.id, access, to="promoted"), 422)
    assert "to" in problem["errors"]
    assert_problem(_move(api, submitted.id, access), 422)
    problem = assert_problem(_move(api, submitted.id, access, to="screening", actor_id=1), 422)
    assert problem["errors"] == {"actor_id": ["Unknown field."]}
    assert_problem(_move(api, submitted.id, access, to="screening", version="1"), 422)
    assert_problem(_move(api, submitted.id, access, to="screening", note=["x"]), 422)
    assert_problem(_move(api, submitted.id, access, to="screening", note="x" * 5001), 422)
    assert applications.get_application(world["acme"]["admin"], submitted.id).stage == "applied"
