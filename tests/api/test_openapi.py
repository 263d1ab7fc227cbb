"""The OpenAPI document and the interactive docs."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

EXPECTED = {
    "/api/v1/auth/register": {"post"},
    "/api/v1/auth/token": {"post"},
    "/api/v1/auth/refresh": {"post"},
    "/api/v1/auth/revoke": {"post"},
    "/api/v1/me": {"get"},
    "/api/v1/companies": {"post"},
    "/api/v1/companies/{company_id}": {"get", "patch"},
    "/api/v1/companies/{company_id}/logo": {"put", "delete"},
    "/api/v1/companies/{company_id}/members": {"get", "post"},
    "/api/v1/companies/{company_id}/members/{user_id}": {"patch"},
    "/api/v1/companies/{company_id}/privacy-notice": {"get", "put"},
    "/api/v1/jobs": {"get", "post"},
    "/api/v1/jobs/{job_id}": {"get", "patch", "delete"},
    "/api/v1/jobs/{job_id}/applications": {"get", "post"},
    "/api/v1/jobs/{job_id}/questions": {"get", "put"},
    "/api/v1/jobs/{job_id}/form": {"get"},
    "/api/v1/applications": {"get"},
    "/api/v1/candidates": {"get"},
    "/api/v1/candidates/export.csv": {"get"},
    "/api/v1/applications/{application_id}": {"get"},
    "/api/v1/applications/{application_id}/transitions": {"post"},
    "/api/v1/applications/{application_id}/history": {"get"},
    "/api/v1/applications/{application_id}/resume": {"get"},
    "/api/v1/applications/{application_id}/notes": {"get", "post"},
    "/api/v1/applications/{application_id}/undo": {"post"},
    "/api/v1/stage-templates": {"get", "post"},
    "/api/v1/stage-templates/{template_id}": {"get", "patch", "delete"},
    "/api/v1/jobs/{job_id}/pipeline": {"get", "put"},
    "/api/v1/rejection-reasons": {"get", "post"},
    "/api/v1/rejection-reasons/{reason_id}": {"patch", "delete"},
    "/api/v1/api-keys": {"get", "post"},
    "/api/v1/api-keys/{key_id}": {"get", "delete"},
    "/api/v1/audit-events": {"get"},
    "/api/v1/applications/bulk": {"post"},
    "/api/v1/applications/bulk/{batch_id}/undo": {"post"},
    "/api/v1/applications/{application_id}/status-link": {"post", "delete"},
    "/api/v1/email-templates": {"get"},
    "/api/v1/email-templates/{key}": {"get", "put", "delete"},
    "/api/v1/email-templates/{key}/preview": {"post"},
}
# Replies by email.
EXPECTED |= {
    "/api/v1/applications/{application_id}/replies": {"get"},
    "/api/v1/applications/{application_id}/replies/{reply_id}/attachments/{key}": {"get"},
    "/api/v1/applications/{application_id}/reply-address": {"delete"},
}
EXPECTED |= {
    "/api/v1/applications/{application_id}/messages": {"get", "post"},
    "/api/v1/applications/{application_id}/messages/{message_id}/cancel": {"post"},
    "/api/v1/applications/{application_id}/messages/{message_id}/send-now": {"post"},
    "/api/v1/applications/{application_id}/activity": {"get"},
}
# Notifications and the caller's settings.
EXPECTED |= {
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/{notification_id}/read": {"post"},
    "/api/v1/notifications/read-all": {"post"},
    "/api/v1/me/settings": {"get", "patch"},
}
EXPECTED |= {
    f"/api/v1/reports/{name}": {"get"} for name in ("funnel", "time-in-stage", "time-to-hire", "sources", "overview")
}
# Webhooks and the event feed.
EXPECTED |= {
    "/api/v1/webhooks": {"get", "post"},
    "/api/v1/webhooks/{endpoint_id}": {"get", "patch", "delete"},
    "/api/v1/webhooks/{endpoint_id}/rotate-secret": {"post"},
    "/api/v1/webhooks/{endpoint_id}/test": {"post"},
    "/api/v1/webhooks/{endpoint_id}/deliveries": {"get"},
    "/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay": {"post"},
    "/api/v1/events": {"get"},
    "/api/v1/candidates/{candidate_id}": {"get", "patch"},
    "/api/v1/candidates/{candidate_id}/tags": {"post", "delete"},
    "/api/v1/tags": {"get", "post"},
    "/api/v1/tags/{tag_id}": {"patch", "delete"},
    "/api/v1/tags/{tag_id}/merge": {"post"},
    "/api/v1/pools": {"get", "post"},
    "/api/v1/pools/{pool_id}": {"get", "patch", "delete"},
    "/api/v1/pools/{pool_id}/members": {"get", "post", "delete"},
    "/api/v1/pools/{pool_id}/members/{candidate_id}/apply": {"post"},
}
# Duplicate candidates, merges and their undo.
EXPECTED |= {
    "/api/v1/duplicates": {"get"},
    "/api/v1/duplicates/{proposal_id}/dismiss": {"post"},
    "/api/v1/candidates/{candidate_id}/duplicates": {"get"},
    "/api/v1/candidates/{candidate_id}/merge-preview": {"get"},
    "/api/v1/candidates/{candidate_id}/merge": {"post"},
    "/api/v1/merges/{merge_id}/undo": {"post"},
}
# Retention, erasure, legal holds and withdrawn consent.
EXPECTED |= {
    "/api/v1/retention-policy": {"get", "put"},
    "/api/v1/retention-policy/preview": {"get"},
    "/api/v1/retention-runs": {"get", "post"},
    "/api/v1/candidates/{candidate_id}/erase": {"post"},
    "/api/v1/candidates/{candidate_id}/legal-hold": {"put", "delete"},
    "/api/v1/candidates/{candidate_id}/consent-withdrawal": {"post"},
}
# Interviews, interview plans, the caller's interviews and calendar feed.
EXPECTED |= {
    "/api/v1/applications/{application_id}/interviews": {"get", "post"},
    "/api/v1/interviews/{interview_id}": {"get", "patch", "delete"},
    "/api/v1/jobs/{job_id}/interview-plan": {"get", "put"},
    "/api/v1/me/interviews": {"get"},
    "/api/v1/me/calendar-feed": {"post", "delete"},
}
# Interview scorecards and feedback.
EXPECTED |= {
    "/api/v1/interviews/{interview_id}/feedback": {"get", "post", "put"},
    "/api/v1/applications/{application_id}/feedback": {"get"},
    "/api/v1/jobs/{job_id}/scorecards": {"get"},
}
# Self-booking: interview times offered to the candidate.
EXPECTED |= {
    "/api/v1/applications/{application_id}/booking-requests": {"get", "post"},
    "/api/v1/booking-requests/{request_id}": {"get", "delete"},
}
# Offers, their approvers and the offer letter template.
EXPECTED |= {
    "/api/v1/applications/{application_id}/offers": {"get", "post"},
    "/api/v1/offers/{offer_id}": {"get", "patch"},
    **{f"/api/v1/offers/{{offer_id}}/{step}": {"post"} for step in ("submit", "approve", "send", "withdraw")},
    "/api/v1/offers/{offer_id}/letter": {"get"},
    "/api/v1/jobs/{job_id}/offer-approvers": {"get", "put"},
    "/api/v1/offer-letter-template": {"get", "put", "delete"},
}
# Candidate imports.
EXPECTED |= {
    "/api/v1/candidate-imports": {"get", "post"},
    "/api/v1/candidate-imports/{import_id}": {"get"},
    "/api/v1/candidate-imports/{import_id}/confirm": {"post"},
    "/api/v1/candidate-imports/{import_id}/report.csv": {"get"},
}
# Equal-opportunity data: the survey questions and the aggregate report.
EXPECTED |= {
    "/api/v1/eeo/questions": {"get", "put"},
    "/api/v1/eeo/report": {"get"},
}


def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_spec_lists_every_endpoint(client):
    spec = _spec(client)
    assert spec["openapi"].startswith("3.")
    assert {path: set(ops) - {"parameters"} for path, ops in spec["paths"].items()} == EXPECTED


def test_spec_is_a_valid_openapi_document(client):
    validate(_spec(client))


def test_spec_documents_errors_and_auth(client):
    spec = _spec(client)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert set(default["content"]) == {"application/problem+json"}
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert {} in spec["paths"]["/api/v1/jobs"]["get"]["security"]
    apply = spec["paths"]["/api/v1/jobs/{job_id}/applications"]["post"]["requestBody"]["content"]
    assert set(apply) == {"application/json", "multipart/form-data"}
    apply_security = spec["paths"]["/api/v1/jobs/{job_id}/applications"]["post"]["security"]
    assert {} in apply_security and {"bearerAuth": []} in apply_security  # guests apply without a token
    header = spec["components"]["parameters"]["Idempotency-Key"]
    assert header["in"] == "header" and header["schema"]["maxLength"] == 255
    ref = {"$ref": "#/components/parameters/Idempotency-Key"}
    assert ref in spec["paths"]["/api/v1/applications/{application_id}/notes"]["post"]["parameters"]
    assert ref not in spec["paths"]["/api/v1/auth/token"]["post"].get("parameters", [])  # no caller to scope it
    register = spec["components"]["schemas"]["RegisterIn"]
    assert "role" not in register["properties"] and "company_id" not in register["properties"]


def test_spec_is_the_same_for_every_app(client, make_app):
    other = make_app().test_client()
    assert _spec(client) == _spec(other)


def test_docs_are_served_without_a_cdn_or_inline_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assert "<script>" not in html  # works under a CSP without 'unsafe-inline'
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3 and all(url.startswith(("/static/vendor/swagger-ui/", "/api/static/")) for url in assets)
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200 and asset.data
        asset.close()


def test_webhooks_section_describes_the_envelope_and_every_event_type(client):
    from app.webhooks.catalog import EVENT_TYPES, PING

    spec = _spec(client)
    hooks = spec["x-webhooks"]
    assert set(hooks) == {*EVENT_TYPES, PING}
    created = hooks["application.created"]["post"]
    assert {p["name"] for p in created["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    ref = created["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    envelope = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert envelope["required"] == ["type", "timestamp", "data"]
    assert envelope["properties"]["data"] == {"$ref": "#/components/schemas/ApplicationOut"}
    job = hooks["job.closed"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert spec["components"]["schemas"][job.rsplit("/", 1)[1]]["properties"]["data"]["$ref"].endswith("/JobOut")
