"""API keys: made by admins, shown once, limited to scopes and to their company, revocable at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiKey, Note, StageChange
from app.models.base import utcnow
from app.services.api_keys import SCOPES
from tests.api.conftest import assert_problem


@pytest.fixture
def submitted(world, factory):
    return factory.application(world["ada"], world["acme"]["job"])


def _make(api, token, admin, scopes, **extra):
    response = api.post("/api-keys", json={"name": "Sync", "scopes": scopes, **extra}, token=token(admin))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_admin_makes_a_key_shown_once_and_listed_without_it(api, world, token):
    admin = world["acme"]["admin"]
    made = _make(api, token, admin, ["jobs:read", "applications:read", "jobs:read"])
    assert made["key"].startswith(made["prefix"] + "_") and made["prefix"].startswith("ats_")
    assert made["scopes"] == ["jobs:read", "applications:read"] and made["state"] == "active"
    row = db.session.get(ApiKey, made["id"])
    assert made["key"] not in (row.secret_hash, row.prefix) and len(row.secret_hash) == 64
    listed = api.get("/api-keys", token=token(admin)).get_json()["items"]
    assert [item["id"] for item in listed] == [made["id"]]
    assert "key" not in listed[0] and "key" not in api.get(f"/api-keys/{made['id']}", token=token(admin)).get_json()


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_only_admins_manage_keys(api, world, token, role):
    member = token(world["acme"][role])
    assert_problem(api.post("/api-keys", json={"name": "x", "scopes": ["jobs:read"]}, token=member), 403)
    assert_problem(api.get("/api-keys", token=member), 403)


def test_bad_key_requests_are_refused_by_field(api, world, token):
    admin = token(world["acme"]["admin"])
    body = assert_problem(api.post("/api-keys", json={"name": "", "scopes": ["jobs:fly"]}, token=admin), 422)
    assert set(body["errors"]) >= {"scopes.0", "name"} or set(body["errors"]) >= {"scopes", "name"}
    body = assert_problem(api.post("/api-keys", json={"name": "x", "scopes": []}, token=admin), 422)
    assert "scopes" in body["errors"]
    body = assert_problem(
        api.post("/api-keys", json={"name": "x", "scopes": ["jobs:read"], "expires_in_days": 0}, token=admin), 422
    )
    assert "expires_in_days" in body["errors"]


def test_a_key_reads_within_its_scope_and_is_told_the_scope_it_lacks(api, world, token, submitted):
    made = _make(api, token, world["acme"]["admin"], ["jobs:read"])
    key = made["key"]
    jobs = api.get("/jobs", token=key)
    assert jobs.status_code == 200 and world["acme"]["job"].id in [job["id"] for job in jobs.get_json()["items"]]
    body = assert_problem(api.post("/jobs", json={"title": "New"}, token=key), 403)
    assert "jobs:write" in body["detail"] and body["required_scope"] == "jobs:write"
    body = assert_problem(api.get(f"/applications/{submitted.id}", token=key), 403)
    assert body["required_scope"] == "applications:read"


def test_a_key_cannot_sign_in_manage_keys_or_members(api, world, token):
    key = _make(api, token, world["acme"]["admin"], list(SCOPES))["key"]
    members = f"/companies/{world['acme']['company'].id}/members"
    for method, path in (("GET", "/api-keys"), ("POST", "/auth/revoke"), ("GET", members), ("GET", "/email-templates")):
        assert "API key" in assert_problem(api.request(method, path, token=key), 403)["detail"], path


def test_a_key_never_reaches_another_company(api, world, token, factory):
    key = _make(api, token, world["acme"]["admin"], ["jobs:read", "applications:read"])["key"]
    theirs = factory.application(world["bob"], world["globex"]["job"])
    draft = factory.job(world["globex"]["recruiter"], status="draft")  # open jobs are public
    assert_problem(api.get(f"/jobs/{draft.id}", token=key), 404)
    assert_problem(api.get(f"/applications/{theirs.id}", token=key), 404)
    listed = api.get("/jobs?status=draft", token=key).get_json()["items"]
    assert draft.id not in [job["id"] for job in listed]


def test_revoked_expired_and_forged_keys_are_401(api, world, token):
    admin = world["acme"]["admin"]
    revoked = _make(api, token, admin, ["jobs:read"])
    assert api.get("/jobs", token=revoked["key"]).status_code == 200
    assert api.delete(f"/api-keys/{revoked['id']}", token=token(admin)).get_json()["state"] == "revoked"
    assert "revoked" in assert_problem(api.get("/jobs", token=revoked["key"]), 401)["detail"]

    expired = _make(api, token, admin, ["jobs:read"])
    db.session.get(ApiKey, expired["id"]).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "expired" in assert_problem(api.get("/jobs", token=expired["key"]), 401)["detail"]

    good = _make(api, token, admin, ["jobs:read"])["key"]
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    assert_problem(api.get("/jobs", token=forged), 401)
    assert_problem(api.get("/jobs", token="ats_nothing"), 401)


def test_a_key_stops_when_its_admin_leaves_unless_it_names_a_member(api, world, token):
    acme = world["acme"]
    key = _make(api, token, acme["admin"], ["jobs:read"])["key"]
    acme["admin"].active = False
    db.session.commit()
    assert "On-Behalf-Of" in assert_problem(api.get("/jobs", token=key), 401)["detail"]
    on_behalf = api.get("/jobs", token=key, headers={"On-Behalf-Of": acme["recruiter"].email})
    assert on_behalf.status_code == 200


def test_changes_made_with_a_key_name_the_key_and_the_acting_member(api, world, token, submitted):
    acme = world["acme"]
    made = _make(api, token, acme["admin"], ["applications:write", "applications:read"])
    key = made["key"]
    moved = api.post(f"/applications/{submitted.id}/transitions", json={"to": "screening"}, token=key)
    assert moved.status_code == 200, moved.get_json()
    as_recruiter = api.post(
        f"/applications/{submitted.id}/notes",
        json={"body": "Called"},
        token=key,
        headers={"On-Behalf-Of": str(acme["recruiter"].id)},
    )
    assert as_recruiter.status_code == 201, as_recruiter.get_json()
    bulk = api.post("/applications/bulk", json={"action": "note", "ids": [submitted.id], "note": "Bulk"}, token=key)
    assert bulk.status_code == 200, bulk.get_json()
    db.session.expire_all()
    change = db.session.scalar(select(StageChange).where(StageChange.to_stage == "screening"))
    assert (change.actor_id, change.api_key_id) == (acme["admin"].id, made["id"])
    notes = {n.body: (n.author_id, n.api_key_id) for n in db.session.scalars(select(Note))}
    assert notes["Called"] == (acme["recruiter"].id, made["id"])
    assert notes["Bulk"] == (acme["admin"].id, made["id"])
    # A token's changes name no key.
    api.post(f"/applications/{submitted.id}/notes", json={"body": "By hand"}, token=token(acme["recruiter"]))
    assert db.session.scalar(select(Note.api_key_id).where(Note.body == "By hand")) is None


def test_the_acting_member_keeps_their_own_role(api, world, token, submitted):
    acme = world["acme"]
    key = _make(api, token, acme["admin"], ["applications:write"])["key"]
    as_manager = {"On-Behalf-Of": str(acme["hiring_manager"].id)}
    response = api.post(
        f"/applications/{submitted.id}/transitions", json={"to": "screening"}, token=key, headers=as_manager
    )
    assert_problem(response, 403)


@pytest.mark.parametrize("who", ["other_company", "candidate", "nobody"])
def test_on_behalf_of_must_name_an_active_member(api, world, token, who):
    key = _make(api, token, world["acme"]["admin"], ["jobs:read"])["key"]
    value = {
        "other_company": str(world["globex"]["recruiter"].id),
        "candidate": world["ada"].email,
        "nobody": "nobody@example.com",
    }[who]
    assert "On-Behalf-Of" in assert_problem(api.get("/jobs", token=key, headers={"On-Behalf-Of": value}), 403)["detail"]


def test_use_is_recorded_to_the_minute(api, world, token):
    made = _make(api, token, world["acme"]["admin"], ["jobs:read"])
    assert made["last_used_at"] is None
    api.get("/jobs", token=made["key"])
    db.session.expire_all()
    first = db.session.get(ApiKey, made["id"]).last_used_at
    assert first is not None
    api.get("/jobs", token=made["key"])
    db.session.expire_all()
    assert db.session.get(ApiKey, made["id"]).last_used_at == first  # not rewritten within the minute


def test_idempotency_keys_are_scoped_to_the_api_key(api, world, token, submitted):
    key = _make(api, token, world["acme"]["admin"], ["applications:write"])["key"]
    headers = {"Idempotency-Key": "note-1"}
    path = f"/applications/{submitted.id}/notes"
    first = api.post(path, json={"body": "Once"}, token=key, headers=headers)
    again = api.post(path, json={"body": "Once"}, token=key, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert db.session.scalar(select(db.func.count()).select_from(Note).where(Note.body == "Once")) == 1


def test_the_openapi_document_names_each_operations_scope(api):
    spec = api.get("/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    jobs = spec["paths"]["/api/v1/jobs"]
    assert jobs["get"]["x-required-scope"] == "jobs:read" and jobs["post"]["x-required-scope"] == "jobs:write"
    assert {"apiKey": []} in jobs["get"]["security"]
    assert "x-required-scope" not in spec["paths"]["/api/v1/api-keys"]["post"]


def test_api_requests_are_limited_per_credential_with_headers(app_with):
    from app.api.auth import issue_tokens
    from app.services import api_keys as keys
    from tests.factories import Factory

    app = app_with(API_RATE_LIMIT="3 per minute", API_ADDRESS_RATE_LIMIT="100 per minute")
    tenant = Factory().tenant()
    key = keys.create_key(tenant["admin"], name="Busy", scopes=["jobs:read"]).secret
    db.session.commit()
    client = app.test_client()
    answers = [client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {key}"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3" and answers[1].headers["X-RateLimit-Remaining"] == "1"
    refused = answers[3]
    assert refused.mimetype == "application/problem+json" and int(refused.headers["Retry-After"]) > 0
    with app.test_request_context():
        other = issue_tokens(tenant["recruiter"])["access_token"]
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_api_requests_are_limited_per_address(app_with):
    app = app_with(API_RATE_LIMIT="100 per minute", API_ADDRESS_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [client.get("/api/v1/jobs", headers={"Authorization": f"Bearer forged{n}"}).status_code for n in range(3)]
    assert codes[-1] == 429
