"""Companies and their staff."""

from __future__ import annotations

from sqlalchemy import select

from app.models import User
from tests.api.conftest import assert_problem
from tests.factories import PASSWORD


def _signup(name="Initech", email="boss@initech.example"):
    return {"name": name, "admin": {"email": email, "password": PASSWORD, "full_name": "Bill"}}


def test_company_signup_creates_company_and_admin(api, db):
    response = api.post("/companies", json=_signup())
    assert response.status_code == 201
    body = response.get_json()
    assert body["company"]["name"] == "Initech" and body["company"]["slug"] == "initech"
    assert body["admin"]["role"] == "admin"
    assert body["admin"]["company"]["id"] == body["company"]["id"]
    login = api.post("/auth/token", json={"email": "boss@initech.example", "password": PASSWORD})
    assert login.status_code == 200


def test_company_signup_validation(api, factory):
    problem = assert_problem(api.post("/companies", json={"name": "", "admin": {"email": "x"}}), 422)
    assert {"admin.password", "admin.full_name"} <= set(problem["errors"])
    problem = assert_problem(api.post("/companies", json={**_signup(), "id": 7}), 422)
    assert problem["errors"] == {"id": ["Unknown field."]}
    problem = assert_problem(
        api.post("/companies", json={**_signup(), "admin": {**_signup()["admin"], "role": "x"}}), 422
    )
    assert problem["errors"] == {"admin.role": ["Unknown field."]}
    problem = assert_problem(api.post("/companies", json={"name": " ", "admin": _signup()["admin"]}), 422)
    assert "name" in problem["errors"]
    _, admin = factory.company()
    assert_problem(api.post("/companies", json=_signup(email=admin.email)), 409)


def test_company_signup_can_be_switched_off(app_with):
    from tests.api.conftest import ApiClient

    app = app_with(PUBLIC_COMPANY_SIGNUP=False)
    api = ApiClient(app.test_client())
    assert_problem(api.post("/companies", json=_signup()), 403)


def test_public_profile(api, factory):
    company, _ = factory.company("Umbrella")
    body = api.get(f"/companies/{company.id}").get_json()
    assert body["name"] == "Umbrella" and body["id"] == company.id
    assert_problem(api.get("/companies/999999"), 404)


def test_members_list_is_for_own_staff_only(api, world, token):
    acme, globex = world["acme"], world["globex"]
    company_id = acme["company"].id
    for role in ("admin", "recruiter", "hiring_manager"):
        response = api.get(f"/companies/{company_id}/members", token=token(acme[role]))
        assert response.status_code == 200
        ids = {m["id"] for m in response.get_json()["items"]}
        assert ids == {acme[r].id for r in ("admin", "recruiter", "hiring_manager")}
    assert_problem(api.get(f"/companies/{company_id}/members", token=token(globex["admin"])), 404)
    assert_problem(api.get(f"/companies/{company_id}/members", token=token(world["ada"])), 404)
    assert_problem(api.get(f"/companies/{company_id}/members"), 401)


def test_admin_invites_a_member(api, world, token, db):
    acme = world["acme"]
    company_id = acme["company"].id
    body = {"email": "new.hire@acme.example", "full_name": "New Hire", "role": "recruiter"}
    response = api.post(f"/companies/{company_id}/members", json=body, token=token(acme["admin"]))
    assert response.status_code == 201
    member = response.get_json()
    assert member["role"] == "recruiter" and member["invitation_pending"] is True
    assert member["company"]["id"] == company_id
    user = db.session.get(User, member["id"])
    assert user.company_id == company_id and user.password_hash is None


def test_invite_rules(api, world, token, db):
    acme, globex = world["acme"], world["globex"]
    path = f"/companies/{acme['company'].id}/members"
    body = {"email": "someone@acme.example", "full_name": "Someone", "role": "recruiter"}
    assert_problem(api.post(path, json=body, token=token(acme["recruiter"])), 403)
    assert_problem(api.post(path, json=body, token=token(acme["hiring_manager"])), 403)
    assert_problem(api.post(path, json=body, token=token(globex["admin"])), 404)
    assert_problem(api.post(path, json=body, token=token(world["ada"])), 404)
    problem = assert_problem(api.post(path, json={**body, "role": "candidate"}, token=token(acme["admin"])), 422)
    assert "role" in problem["errors"]
    problem = assert_problem(
        api.post(path, json={**body, "company_id": globex["company"].id}, token=token(acme["admin"])), 422
    )
    assert problem["errors"] == {"company_id": ["Unknown field."]}
    assert_problem(api.post(path, json={**body, "email": world["ada"].email}, token=token(acme["admin"])), 409)
    assert db.session.scalar(select(User).where(User.email == "someone@acme.example")) is None


def test_update_member(api, world, token):
    acme, globex = world["acme"], world["globex"]
    path = f"/companies/{acme['company'].id}/members/{acme['recruiter'].id}"
    response = api.patch(path, json={"role": "admin"}, token=token(acme["admin"]))
    assert response.status_code == 200 and response.get_json()["role"] == "admin"
    assert_problem(api.patch(path, json={"role": "recruiter"}, token=token(acme["hiring_manager"])), 403)
    assert_problem(api.patch(path, json={"role": "recruiter"}, token=token(globex["admin"])), 404)
    other = f"/companies/{acme['company'].id}/members/{globex['recruiter'].id}"
    assert_problem(api.patch(other, json={"active": False}, token=token(acme["admin"])), 404)
    problem = assert_problem(api.patch(path, json={"active": "no"}, token=token(acme["admin"])), 422)
    assert "active" in problem["errors"]
    problem = assert_problem(api.patch(path, json={"company_id": 1}, token=token(acme["admin"])), 422)
    assert problem["errors"] == {"company_id": ["Unknown field."]}


def test_last_admin_cannot_step_down(api, factory, token):
    company, admin = factory.company()
    path = f"/companies/{company.id}/members/{admin.id}"
    problem = assert_problem(api.patch(path, json={"active": False}, token=token(admin)), 409)
    assert "admin" in problem["detail"]
