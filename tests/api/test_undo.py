"""Undo through the API: the offer in the application's answer, and taking a move back."""

from __future__ import annotations

import pytest

from app.services import applying
from app.services.candidates import CandidateDetails
from tests.api.conftest import assert_problem


@pytest.fixture
def sourced(world, db):
    """A person the recruiter added (no candidate email stands in the way of undo)."""
    application = applying.add_candidate(
        world["acme"]["recruiter"], world["acme"]["job"].id, details=CandidateDetails(full_name="Sam"), source="sourced"
    )
    db.session.commit()
    return application


def test_the_mover_sees_the_offer_and_takes_the_move_back(api, world, token, sourced):
    access = token(world["acme"]["recruiter"])
    moved = api.post(f"/applications/{sourced.id}/transitions", json={"to": "screening"}, token=access).get_json()
    offer = moved["undo"]
    assert offer["change_id"] == moved["history"][-1]["id"] and offer["until"] > moved["history"][-1]["created_at"]
    # A colleague reading the same application is offered nothing.
    assert api.get(f"/applications/{sourced.id}", token=token(world["acme"]["admin"])).get_json()["undo"] is None

    response = api.post(f"/applications/{sourced.id}/undo", json={"change_id": offer["change_id"]}, token=access)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["stage"] == "applied" and body["version"] == moved["version"] + 1
    assert [(h["to_stage"], h["undo_of"]) for h in body["history"]] == [
        ("applied", None), ("screening", None), ("applied", offer["change_id"]),
    ]  # fmt: skip
    assert body["undo"] is None  # an undo is not undone
    assert_problem(api.post(f"/applications/{sourced.id}/undo", json={}, token=access), 409)


def test_undo_is_refused_to_others_and_after_other_changes(api, world, token, sourced):
    recruiter, admin = token(world["acme"]["recruiter"]), token(world["acme"]["admin"])
    first = api.post(f"/applications/{sourced.id}/transitions", json={"to": "screening"}, token=recruiter).get_json()
    assert_problem(api.post(f"/applications/{sourced.id}/undo", json={}, token=admin), 403)
    assert_problem(
        api.post(f"/applications/{sourced.id}/undo", json={}, token=token(world["acme"]["hiring_manager"])), 403
    )
    assert_problem(
        api.post(f"/applications/{sourced.id}/undo", json={}, token=token(world["globex"]["recruiter"])), 404
    )
    api.post(f"/applications/{sourced.id}/transitions", json={"to": "interview"}, token=admin)
    problem = assert_problem(
        api.post(f"/applications/{sourced.id}/undo", json={"change_id": first["undo"]["change_id"]}, token=recruiter),
        409,
    )
    assert "since" in problem["detail"]


def test_bad_undo_input_is_a_422(api, world, token, sourced):
    access = token(world["acme"]["recruiter"])
    for body in ({"change_id": "x"}, {"version": 0}, {"other": 1}):
        assert_problem(api.post(f"/applications/{sourced.id}/undo", json=body, token=access), 422)


def test_a_move_with_a_reason_from_the_list(api, world, token, sourced, db):
    access = token(world["acme"]["recruiter"])
    reasons = api.get("/rejection-reasons", token=access).get_json()["reasons"]
    assert [r["label"] for r in reasons][:2] == ["Not enough experience", "Skills do not match the role"]
    body = api.post(
        f"/applications/{sourced.id}/transitions", json={"to": "rejected", "reason_id": reasons[2]["id"]}, token=access
    ).get_json()
    assert body["stage"] == "rejected" and body["history"][-1]["reason"] == "Position filled"
    other = api.get("/rejection-reasons", token=token(world["globex"]["admin"])).get_json()["reasons"]
    second = applying.add_candidate(
        world["acme"]["recruiter"], world["acme"]["job"].id, details=CandidateDetails(full_name="Kim"), source="sourced"
    )
    db.session.commit()
    problem = assert_problem(
        api.post(
            f"/applications/{second.id}/transitions", json={"to": "rejected", "reason_id": other[0]["id"]}, token=access
        ),
        422,
    )
    assert "reason_id" in problem["errors"]
