"""The audit log through the API: admins read their company's, with filters; keys need `audit:read`."""

from __future__ import annotations

import io

from app.extensions import db
from app.services import api_keys, audit
from tests.api.conftest import assert_problem, pdf_bytes


def test_admins_read_their_companys_log_newest_first_with_filters(api, world, token):
    acme = world["acme"]
    admin = token(acme["admin"])
    made = api.post("/api-keys", json={"name": "Sync", "scopes": ["jobs:read"]}, token=admin).get_json()
    api.delete(f"/api-keys/{made['id']}", token=admin)
    body = api.get("/audit-events", token=admin).get_json()
    actions = [item["action"] for item in body["items"]]
    assert actions[:2] == ["api_key.revoked", "api_key.created"]
    assert body["items"][0]["object_id"] == str(made["id"]) and body["items"][0]["actor_id"] == acme["admin"].id
    assert body["items"][0]["ip"] == "127.0.0.1" and body["items"][0]["seq"] is None
    only = api.get("/audit-events", query_string={"action": "api_key.created"}, token=admin).get_json()["items"]
    assert [item["action"] for item in only] == ["api_key.created"]
    audit.seal_all()
    sealed = api.get("/audit-events", token=admin).get_json()["items"][0]
    assert sealed["seq"] >= 1 and len(sealed["hash"]) == 64
    globex_actions = [
        i["action"] for i in api.get("/audit-events", token=token(world["globex"]["admin"])).get_json()["items"]
    ]
    assert "api_key.created" not in globex_actions


def test_only_admins_and_keys_with_the_scope_read_it(api, world, token):
    acme = world["acme"]
    assert_problem(api.get("/audit-events", token=token(acme["recruiter"])), 403)
    without = api_keys.create_key(acme["admin"], name="No", scopes=["jobs:read"]).secret
    with_scope = api_keys.create_key(acme["admin"], name="Yes", scopes=["audit:read"]).secret
    db.session.commit()
    assert assert_problem(api.get("/audit-events", token=without), 403)["required_scope"] == "audit:read"
    items = api.get("/audit-events", token=with_scope).get_json()["items"]
    assert {"api_key.created"} <= {item["action"] for item in items}


def test_bad_filters_are_422(api, world, token):
    admin = token(world["acme"]["admin"])
    assert "action" in assert_problem(api.get("/audit-events?action=nope", token=admin), 422)["errors"]
    query = {"from": "2026-05-02T00:00:00Z", "to": "2026-05-01T00:00:00Z"}
    assert_problem(api.get("/audit-events", query_string=query, token=admin), 422)


def test_sign_ins_and_resume_downloads_are_recorded_with_the_address(api, world, token, client):
    acme = world["acme"]
    client.post("/api/v1/auth/token", json={"email": acme["recruiter"].email, "password": "wrong"},
                environ_base={"REMOTE_ADDR": "203.0.113.7"})  # fmt: skip
    created = api.post(
        f"/jobs/{acme['job'].id}/applications",
        token=token(world["ada"]),
        data={"consent": "true", "resume": (io.BytesIO(pdf_bytes("ada")), "cv.pdf")},
        content_type="multipart/form-data",
    ).get_json()
    download = api.get(f"/applications/{created['id']}/resume", token=token(acme["recruiter"]))
    assert download.status_code == 200 and download.get_data().startswith(b"%PDF")
    download.close()
    items = api.get("/audit-events", token=token(acme["admin"])).get_json()["items"]
    download = next(item for item in items if item["action"] == "resume.downloaded")
    assert download["object_id"] == str(created["id"]) and download["actor_id"] == acme["recruiter"].id
    failed = next(item for item in items if item["action"] == "auth.sign_in_failed")
    assert failed["ip"] == "203.0.113.7" and failed["actor_label"] == acme["recruiter"].email
