"""The webhooks API and the event feed: roles, tenancy, SSRF refusals on save, paging."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import WebhookDelivery
from app.services import applications, jobs
from tests.api.conftest import assert_problem

PUBLIC = "https://93.184.215.14/hooks"  # a public address, written as one: no DNS look-up needed


@pytest.fixture
def acme(world, token):
    return {**world["acme"], "admin_token": token(world["acme"]["admin"])}


def _create(api, tok, **body):
    return api.post("/webhooks", token=tok, json={"url": PUBLIC, **body})


def test_create_shows_the_secret_once_and_admins_only(api, world, acme, token):
    created = _create(api, acme["admin_token"], description="CRM", event_types=["job.opened", "application.created"])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) >= 6 + 32
    assert body["event_types"] == ["application.created", "job.opened"] and body["active"] is True
    read = api.get(f"/webhooks/{body['id']}", token=acme["admin_token"]).get_json()
    assert "secret" not in read and read["url"] == PUBLIC
    listed = api.get("/webhooks", token=acme["admin_token"]).get_json()["items"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    rotated = api.post(f"/webhooks/{body['id']}/rotate-secret", token=acme["admin_token"]).get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != body["secret"]

    recruiter = token(world["acme"]["recruiter"])
    assert_problem(_create(api, recruiter), 403)
    assert_problem(api.get("/webhooks", token=recruiter), 403)
    assert_problem(_create(api, acme["admin_token"], event_types=["nope"]), 422)
    assert_problem(_create(api, acme["admin_token"], colour="red"), 422)


def test_another_companys_endpoint_and_delivery_are_not_found(api, world, acme, token):
    endpoint = _create(api, acme["admin_token"]).get_json()
    api.post(f"/webhooks/{endpoint['id']}/test", token=acme["admin_token"])
    (delivery_id,) = db.session.scalars(select(WebhookDelivery.id))
    other = token(world["globex"]["admin"])
    base = f"/webhooks/{endpoint['id']}"
    assert_problem(api.get(base, token=other), 404)
    assert_problem(api.patch(base, token=other, json={"description": "x"}), 404)
    assert_problem(api.delete(base, token=other), 404)
    assert_problem(api.post(f"{base}/rotate-secret", token=other), 404)
    assert_problem(api.post(f"{base}/test", token=other), 404)
    assert_problem(api.get(f"{base}/deliveries", token=other), 404)
    assert_problem(api.post(f"{base}/deliveries/{delivery_id}/replay", token=other), 404)
    # Globex's own endpoint cannot reach Acme's delivery either.
    theirs = _create(api, other).get_json()
    assert_problem(api.post(f"/webhooks/{theirs['id']}/deliveries/{delivery_id}/replay", token=other), 404)
    assert [e["id"] for e in api.get("/webhooks", token=other).get_json()["items"]] == [theirs["id"]]


def test_delivery_log_pages_newest_first_and_replay_adds_a_delivery(api, acme):
    endpoint = _create(api, acme["admin_token"]).get_json()
    for _ in range(3):
        assert api.post(f"/webhooks/{endpoint['id']}/test", token=acme["admin_token"]).status_code == 202
    base = f"/webhooks/{endpoint['id']}/deliveries"
    first = api.get(f"{base}?limit=2", token=acme["admin_token"]).get_json()
    second = api.get(f"{base}?limit=2&cursor={first['next_cursor']}", token=acme["admin_token"]).get_json()
    ids = [d["id"] for d in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3 and second["next_cursor"] is None
    oldest = second["items"][0]
    assert oldest["status"] == "pending" and oldest["event_type"] == "webhook.ping"
    replayed = api.post(f"{base}/{oldest['id']}/replay", token=acme["admin_token"])
    assert replayed.status_code == 202
    assert replayed.get_json()["webhook_id"] == oldest["webhook_id"] and replayed.get_json()["id"] > ids[0]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://10.0.0.1/hooks", "private"),
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://169.254.169.254/latest/meta-data", "metadata"),
        ("https://[::1]/hooks", "loopback"),
        ("https://224.0.0.1/hooks", "multicast"),
        ("http://93.184.215.14/hooks", "https"),
        ("ftp://93.184.215.14/hooks", "https://"),
        ("https://user:pw@93.184.215.14/hooks", "password"),
        ("https://localhost/hooks", "resolves to"),
    ],
)
def test_urls_that_are_refused_on_save_say_why(api, acme, url, why):
    problem = assert_problem(_create(api, acme["admin_token"], url=url), 422)
    assert why in " ".join(problem["errors"]["url"])


def test_settings_allow_http_and_listed_internal_hosts(app, api, factory, token):
    app.config.update(WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOWED_HOSTS="127.0.0.1/32, intranet.example")
    tenant = factory.tenant()
    admin = token(tenant["admin"])
    assert api.post("/webhooks", token=admin, json={"url": "http://127.0.0.1:9/hooks"}).status_code == 201
    refused = assert_problem(api.post("/webhooks", token=admin, json={"url": "http://10.0.0.1/hooks"}), 422)
    assert "private" in refused["errors"]["url"][0]


def test_the_feed_pages_in_order_filters_by_type_and_stays_in_the_company(api, world, acme, token):
    recruiter = world["acme"]["recruiter"]
    job = world["acme"]["job"]
    application = applications.apply(world["ada"], job.id, consent=True)
    applications.move_stage(recruiter, application.id, "screening")
    jobs.update_job(recruiter, job.id, title="Senior engineer")
    jobs.set_job_status(recruiter, job.id, "closed")
    applications.apply(world["bob"], world["globex"]["job"].id, consent=True)
    db.session.commit()

    tok = token(recruiter)
    first = api.get("/events?limit=2", token=tok).get_json()
    rest = api.get(f"/events?after={first['next_cursor']}", token=tok).get_json()
    types = [e["type"] for e in first["items"] + rest["items"]]
    assert types[-4:] == ["application.created", "application.stage_changed", "job.updated", "job.closed"]
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert ids == sorted(ids)
    created = next(e for e in rest["items"] + first["items"] if e["type"] == "application.created")
    assert created["data"]["id"] == application.id and created["object_type"] == "application"
    assert all(e["data"].get("company", e["data"].get("job", {}).get("company"))["id"] == world["acme"]["company"].id
               for e in first["items"] + rest["items"] if e["object_type"] != "candidate")  # fmt: skip
    # Polling at the end: nothing new, the same cursor back.
    tail = api.get(f"/events?after={rest['next_cursor']}", token=tok).get_json()
    assert tail == {"items": [], "next_cursor": rest["next_cursor"]}
    only = api.get("/events?type=job.closed", token=tok).get_json()["items"]
    assert [e["type"] for e in only] == ["job.closed"] and only[0]["data"]["status"] == "closed"

    assert_problem(api.get("/events", token=token(world["acme"]["hiring_manager"])), 403)
    assert_problem(api.get("/events?type=nope", token=tok), 422)
    assert_problem(api.get("/events?after=garbage", token=tok), 422)
    globex = api.get("/events", token=token(world["globex"]["admin"])).get_json()["items"]
    assert {e["type"] for e in globex} <= {"application.created", "candidate.created", "job.created", "job.opened"}
    assert all(e["id"] not in ids for e in globex)
