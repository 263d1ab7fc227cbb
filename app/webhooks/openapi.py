"""The webhooks in the OpenAPI document: the envelope, the headers and one entry per event type.

OpenAPI 3.0 has no `webhooks` section (3.1 does), so they go under the
`x-webhooks` extension that documentation tools read, each as the POST the
receiver gets.
"""

from __future__ import annotations

from app.webhooks.catalog import APPLICATION, CANDIDATE, EVENT_TYPES, JOB, PING

_OBJECT_SCHEMAS = {
    APPLICATION: "ApplicationOut",
    CANDIDATE: "CandidateDetailsOut",
    JOB: "JobOut",
    "interview": "InterviewOut",
    "offer": "OfferOut",
}

HEADERS = [
    ("webhook-id", "`evt_<event id>`: the same on every retry and replay; drop repeats by it."),
    ("webhook-timestamp", "Unix seconds when this attempt was signed; refuse old ones (5 minutes)."),
    (
        "webhook-signature",
        'Space-separated `v1,<base64>`: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}", '
        "keyed with the base64-decoded part of the endpoint's `whsec_` secret (Standard Webhooks).",
    ),
]


def _envelope(name: str, description: str, data: dict, types: list[str]) -> dict:
    return {
        "type": "object",
        "description": description,
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"type": "string", "enum": types},
            "timestamp": {"type": "string", "format": "date-time", "description": "When it happened (UTC)."},
            "data": data,
        },
    }


def document(spec) -> None:
    """Register the envelopes and add `x-webhooks` (called once the API's schemas are registered)."""
    from app.api.schemas.profiles import CandidateDetailsOut

    if "CandidateDetailsOut" not in spec.components.schemas:  # no route answers with it alone
        spec.components.schema("CandidateDetailsOut", schema=CandidateDetailsOut)
    ping_data = {
        "type": "object",
        "properties": {"endpoint_id": {"type": "integer"}, "url": {"type": "string"}, "sent_by": {"type": "string"}},
    }
    spec.components.schema(
        "WebhookPing", _envelope("WebhookPing", "A test event (`POST /webhooks/{id}/test`).", ping_data, [PING])
    )
    for object_type, schema in _OBJECT_SCHEMAS.items():
        types = sorted(t for t, (kind, _) in EVENT_TYPES.items() if kind == object_type)
        spec.components.schema(
            f"Webhook{object_type.title()}Event",
            _envelope(
                object_type,
                f"An event about a {object_type}: `data` is the {object_type} as the API renders it then.",
                {"$ref": f"#/components/schemas/{schema}"},
                types,
            ),
        )
    parameters = [
        {"name": name, "in": "header", "required": True, "description": text, "schema": {"type": "string"}}
        for name, text in HEADERS
    ]
    hooks = {}
    for event_type, (object_type, description) in sorted({**EVENT_TYPES, PING: ("ping", "A test event.")}.items()):
        ref = "WebhookPing" if event_type == PING else f"Webhook{object_type.title()}Event"
        hooks[event_type] = {
            "post": {
                "summary": event_type,
                "description": description,
                "parameters": parameters,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
                },
                "responses": {
                    "200": {"description": "Any 2xx: received. Anything else, or no answer in 10 s, is retried."}
                },
            }
        }
    spec.options["x-webhooks"] = hooks
