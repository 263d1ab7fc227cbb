"""Jobs: the board, staff views, edits and deletion."""

from __future__ import annotations

import base64

from app.models import Job
from tests.api.conftest import assert_problem


def test_board_is_public_and_filtered(api, factory):
    _, admin = factory.company()
    factory.job(admin, title="Python developer", location="Berlin", remote=True, employment_type="contract")
    factory.job(admin, title="Designer", description="We like python too", location="Paris")
    factory.job(admin, status="draft", title="Secret python role")
    titles = lambda resp: {j["title"] for j in resp.get_json()["items"]}  # noqa: E731
    assert titles(api.get("/jobs")) == {"Python developer", "Designer"}
    assert titles(api.get("/jobs?q=python")) == {"Python developer", "Designer"}
    assert titles(api.get("/jobs?location=berl")) == {"Python developer"}
    assert titles(api.get("/jobs?remote=true")) == {"Python developer"}
    assert titles(api.get("/jobs?employment_type=contract")) == {"Python developer"}
    assert titles(api.get("/jobs?q=100%25")) == set()
    other, other_admin = factory.company()
    factory.job(other_admin, title="Elsewhere")
    assert titles(api.get(f"/jobs?company_id={other.id}")) == {"Elsewhere"}
    job = api.get("/jobs").get_json()["items"][0]
    assert job["company"]["id"] == other.id


def test_board_pages_with_a_cursor_and_link_header(api, factory):
    _, admin = factory.company()
    made = [factory.job(admin, title=f"Job {n}").id for n in range(5)]
    seen: list[int] = []
    path = "/jobs?limit=2&remote=false"
    while path:
        response = api.get(path)
        body = response.get_json()
        seen += [j["id"] for j in body["items"]]
        if body["next_cursor"]:
            link = response.headers["Link"]
            assert link.endswith('>; rel="next"') and "remote=false" in link and "limit=2" in link
            path = link[len("</api/v1") : link.index(">")]
        else:
            assert "Link" not in response.headers
            path = None
    assert seen == sorted(made, reverse=True)


def test_list_arguments_are_checked(api, factory, token):
    assert_problem(api.get("/jobs?limit=0"), 422)
    assert_problem(api.get("/jobs?limit=101"), 422)
    assert_problem(api.get("/jobs?limit=ten"), 422)
    assert_problem(api.get("/jobs?cursor=garbage"), 422)
    for forged in (b"id:99999999999999999999999", b"id:2147483648", b"id:-1"):
        assert_problem(api.get("/jobs?cursor=" + base64.urlsafe_b64encode(forged).decode()), 422)
    assert_problem(api.get("/jobs?employment_type=gig"), 422)
    assert_problem(api.get("/jobs?company_id=-1"), 422)
    assert_problem(api.get("/jobs?q=%00"), 422)
    problem = assert_problem(api.get("/jobs?titel=python"), 422)  # a typo must not list everything
    assert problem["errors"] == {"titel": ["Unknown field."]}
    assert_problem(api.get("/jobs?status=draft"), 403)
    assert_problem(api.get("/jobs?status=draft", token=token(factory.candidate())), 403)


def test_staff_see_their_own_drafts(api, world, token, factory):
    acme, globex = world["acme"], world["globex"]
    draft = factory.job(acme["recruiter"], status="draft", title="Draft")
    for role in ("admin", "recruiter", "hiring_manager"):
        items = api.get("/jobs?status=draft", token=token(acme[role])).get_json()["items"]
        assert [j["id"] for j in items] == [draft.id]
    assert api.get("/jobs?status=draft", token=token(globex["admin"])).get_json()["items"] == []
    assert api.get(f"/jobs/{draft.id}", token=token(acme["hiring_manager"])).status_code == 200
    assert_problem(api.get(f"/jobs/{draft.id}", token=token(globex["admin"])), 404)
    assert_problem(api.get(f"/jobs/{draft.id}", token=token(world["ada"])), 404)
    assert_problem(api.get(f"/jobs/{draft.id}"), 404)
    assert api.get(f"/jobs/{acme['job'].id}").status_code == 200
    assert_problem(api.get("/jobs/2147483647"), 404)
    assert_problem(api.get("/jobs/99999999999"), 404)


def test_create_job(api, world, token):
    acme = world["acme"]
    body = {"title": "Backend engineer", "location": "Remote", "remote": True, "salary_min": 50000,
            "salary_max": 70000, "salary_currency": "eur", "employment_type": "full_time"}  # fmt: skip
    response = api.post("/jobs", json=body, token=token(acme["recruiter"]))
    assert response.status_code == 201
    job = response.get_json()
    assert job["status"] == "draft" and job["company"]["id"] == acme["company"].id
    assert job["salary_currency"] == "EUR"
    response = api.post("/jobs", json={"title": "Open now", "status": "open"}, token=token(acme["admin"]))
    assert response.get_json()["status"] == "open" and response.get_json()["opened_at"]


def test_create_job_rules(api, world, token):
    acme = world["acme"]
    assert_problem(api.post("/jobs", json={"title": "X"}), 401)
    assert_problem(api.post("/jobs", json={"title": "X"}, token=token(acme["hiring_manager"])), 403)
    assert_problem(api.post("/jobs", json={"title": "X"}, token=token(world["ada"])), 403)
    problem = assert_problem(
        api.post("/jobs", json={"title": "X", "company_id": world["globex"]["company"].id}, token=token(acme["admin"])),
        422,
    )
    assert problem["errors"] == {"company_id": ["Unknown field."]}
    bad = {"title": 3, "remote": "yes", "salary_min": "10", "salary_max": 1.5, "status": "live"}
    problem = assert_problem(api.post("/jobs", json=bad, token=token(acme["admin"])), 422)
    assert set(problem["errors"]) == {"title", "remote", "salary_min", "salary_max", "status"}
    problem = assert_problem(
        api.post("/jobs", json={"title": "X", "salary_min": 10, "salary_max": 5}, token=token(acme["admin"])), 422
    )
    assert "salary_max" in problem["errors"]
    assert_problem(api.post("/jobs", json={"title": "X", "salary_min": 10**12}, token=token(acme["admin"])), 422)
    assert_problem(api.post("/jobs", json={"title": "X", "remote": 1}, token=token(acme["admin"])), 422)


def test_update_job(api, world, token):
    acme, globex = world["acme"], world["globex"]
    path = f"/jobs/{acme['job'].id}"
    response = api.patch(path, json={"title": "Renamed", "status": "closed"}, token=token(acme["recruiter"]))
    assert response.status_code == 200
    assert response.get_json()["title"] == "Renamed" and response.get_json()["closed_at"]
    assert_problem(api.patch(path, json={"title": "No"}, token=token(acme["hiring_manager"])), 403)
    # Closed now: another company cannot see it at all.
    assert_problem(api.patch(path, json={"title": "No"}, token=token(globex["admin"])), 404)
    open_job = globex["job"]
    assert_problem(api.patch(f"/jobs/{open_job.id}", json={"title": "No"}, token=token(acme["admin"])), 403)
    assert_problem(api.patch(f"/jobs/{open_job.id}", json={"title": "No"}, token=token(world["ada"])), 403)
    assert_problem(api.patch(path, json={"status": "archived"}, token=token(acme["admin"])), 422)
    assert_problem(api.patch(path, json={"company_id": 1}, token=token(acme["admin"])), 422)
    assert_problem(api.patch(path, json={"title": None}, token=token(acme["admin"])), 422)


def test_delete_job(api, world, token, factory, db):
    acme, globex = world["acme"], world["globex"]
    draft = factory.job(acme["recruiter"], status="draft")
    assert_problem(api.delete(f"/jobs/{draft.id}", token=token(globex["admin"])), 404)
    assert_problem(api.delete(f"/jobs/{draft.id}", token=token(acme["hiring_manager"])), 403)
    response = api.delete(f"/jobs/{draft.id}", token=token(acme["recruiter"]))
    assert response.status_code == 204 and response.get_data() == b""
    assert db.session.get(Job, draft.id) is None
    factory.application(world["ada"], acme["job"])
    problem = assert_problem(api.delete(f"/jobs/{acme['job'].id}", token=token(acme["admin"])), 409)
    assert "close it" in problem["detail"]
    assert_problem(api.delete(f"/jobs/{globex['job'].id}", token=token(acme["admin"])), 403)
