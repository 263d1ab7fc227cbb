"""Talent pools: CRUD, members, applying a member to a job."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Application, StageChange
from tests.api.conftest import assert_problem


def _pool(api, access, name="Backend"):
    response = api.post("/pools", token=access, json={"name": name, "description": "For later"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_crud_and_tenancy(api, token, world):
    admin = token(world["acme"]["admin"])
    pool_id = _pool(api, admin)
    assert_problem(api.post("/pools", token=admin, json={"name": "backend"}), 409)
    assert_problem(api.post("/pools", token=token(world["acme"]["hiring_manager"]), json={"name": "Y"}), 403)
    listed = api.get("/pools", token=token(world["acme"]["hiring_manager"])).get_json()
    assert [(p["name"], p["members"]) for p in listed["items"]] == [("Backend", 0)]
    assert api.get("/pools", token=token(world["globex"]["admin"])).get_json()["items"] == []
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"name": "Mine"}} if method == "patch" else {}
        assert_problem(getattr(api, method)(f"/pools/{pool_id}", token=token(world["globex"]["admin"]), **kwargs), 404)
    assert api.patch(f"/pools/{pool_id}", token=admin, json={"name": "Backend 2"}).get_json()["name"] == "Backend 2"
    assert api.delete(f"/pools/{pool_id}", token=admin).status_code == 204
    assert_problem(api.get(f"/pools/{pool_id}", token=admin), 404)


def test_members_many_at_once_and_paged(api, token, factory, world, person):
    recruiter = token(world["acme"]["recruiter"])
    pool_id = _pool(api, recruiter)
    ada, _ = person
    bob = factory.application(world["bob"], world["acme"]["job"]).candidate_id
    foreign = factory.application(world["ada"], world["globex"]["job"]).candidate_id
    body = api.post(f"/pools/{pool_id}/members", token=recruiter, json={"candidate_ids": [ada, bob, foreign]})
    assert body.get_json() == {"done": [ada, bob], "unchanged": [], "not_found": [foreign]}
    again = api.post(f"/pools/{pool_id}/members", token=recruiter, json={"candidate_ids": [ada]}).get_json()
    assert again["unchanged"] == [ada]
    first = api.get(f"/pools/{pool_id}/members?limit=1", token=token(world["acme"]["hiring_manager"]))
    assert [m["candidate"]["id"] for m in first.get_json()["items"]] == [bob]
    assert 'rel="next"' in first.headers["Link"]
    cursor = first.get_json()["next_cursor"]
    second = api.get(f"/pools/{pool_id}/members?limit=1&cursor={cursor}", token=recruiter).get_json()
    assert [m["candidate"]["id"] for m in second["items"]] == [ada] and second["next_cursor"] is None
    profile = api.get(f"/candidates/{ada}", token=recruiter).get_json()
    assert [p["name"] for p in profile["pools"]] == ["Backend"]
    removed = api.delete(f"/pools/{pool_id}/members", token=recruiter, json={"candidate_ids": [bob]}).get_json()
    assert removed["done"] == [bob]
    assert api.get(f"/pools/{pool_id}", token=recruiter).get_json()["members"] == 1


def test_apply_a_member_to_a_job_makes_a_sourced_application(api, token, factory, world, person):
    recruiter = token(world["acme"]["recruiter"])
    pool_id = _pool(api, recruiter)
    ada, _ = person
    api.post(f"/pools/{pool_id}/members", token=recruiter, json={"candidate_ids": [ada]})
    other_job = factory.job(world["acme"]["recruiter"])
    response = api.post(f"/pools/{pool_id}/members/{ada}/apply", token=recruiter, json={"job_id": other_job.id})
    assert response.status_code == 201, response.get_json()
    made = db.session.get(Application, response.get_json()["id"])
    assert made.source == "sourced" and made.candidate_id == ada and made.stage == "applied"
    history = db.session.scalars(select(StageChange).where(StageChange.application_id == made.id)).all()
    assert [(h.from_stage, h.to_stage, h.actor_id) for h in history] == [
        (None, "applied", world["acme"]["recruiter"].id)
    ]
    # One application per candidate per job.
    assert_problem(
        api.post(f"/pools/{pool_id}/members/{ada}/apply", token=recruiter, json={"job_id": other_job.id}), 409
    )
    # Another company's (public) job is refused as staff adding does; a non-member, a hiring manager.
    assert_problem(
        api.post(f"/pools/{pool_id}/members/{ada}/apply", token=recruiter, json={"job_id": world["globex"]["job"].id}),
        403,
    )
    bob = factory.application(world["bob"], world["acme"]["job"]).candidate_id
    assert_problem(
        api.post(f"/pools/{pool_id}/members/{bob}/apply", token=recruiter, json={"job_id": other_job.id}), 404
    )
    manager = token(world["acme"]["hiring_manager"])
    assert_problem(api.post(f"/pools/{pool_id}/members/{ada}/apply", token=manager, json={"job_id": other_job.id}), 403)
