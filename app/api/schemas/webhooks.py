"""Webhook endpoints, their deliveries, and the event feed."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas.common import PageArgs, StrictBool, Text, page_schema
from app.webhooks.catalog import EVENT_TYPES

EVENT_TYPE_NAMES = sorted(EVENT_TYPES)
# Every kind of object an event can be about (application, candidate, interview, job, offer).
OBJECT_TYPES = sorted({object_type for object_type, _description in EVENT_TYPES.values()})
_TYPES = fields.List(
    fields.String(validate=validate.OneOf(EVENT_TYPE_NAMES)),
    metadata={"description": "The event types to send; empty: every type."},
)


class EndpointIn(ma.Schema):
    url = Text(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "https, resolving to a public address (checked again at every send)."},
    )
    description = Text(validate=validate.Length(max=500))
    event_types = _TYPES


class EndpointPatch(ma.Schema):
    url = Text(validate=validate.Length(min=1, max=2000))
    description = Text(validate=validate.Length(max=500))
    event_types = _TYPES
    active = StrictBool(metadata={"description": "Enabling again sends what waited, in order."})


class EndpointOut(ma.Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    description = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    failure_count = fields.Integer(required=True, metadata={"description": "Failed attempts in a row."})
    disabled_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class EndpointWithSecret(EndpointOut):
    secret = fields.String(
        required=True, metadata={"description": "`whsec_...`: shown this once. Verify signatures with it."}
    )


class EndpointList(ma.Schema):
    items = fields.List(fields.Nested(EndpointOut), required=True)


class DeliveryOut(ma.Schema):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    event_type = fields.String(required=True)
    webhook_id = fields.String(required=True, metadata={"description": "The `webhook-id` header: same on retries."})
    status = fields.String(required=True, validate=validate.OneOf(["pending", "delivered", "failed"]))
    attempts = fields.Integer(required=True)
    due_at = fields.DateTime(required=True, metadata={"description": "When the next attempt goes (pending)."})
    response_code = fields.Integer(required=True, allow_none=True)
    duration_ms = fields.Integer(required=True, allow_none=True)
    response_snippet = fields.String(required=True, allow_none=True, metadata={"description": "At most 1 kB."})
    last_error = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)


class DeliveryListArgs(PageArgs):
    """`limit` and `cursor`: newest deliveries first."""


DeliveryPage = page_schema(DeliveryOut, "DeliveryPage")


class EventOut(ma.Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPE_NAMES))
    occurred_at = fields.DateTime(required=True)
    object_type = fields.String(required=True, validate=validate.OneOf(OBJECT_TYPES))
    object_id = fields.Integer(required=True)
    data = fields.Dict(required=True, metadata={"description": "The object as the API renders it then."})


class EventListArgs(ma.Schema):
    after = Text(
        validate=validate.Length(max=200),
        metadata={"description": "A `next_cursor`: events after it. Without it, from the oldest kept."},
    )
    type = fields.String(validate=validate.OneOf(EVENT_TYPE_NAMES))
    limit = fields.Integer(validate=validate.Range(1, 100), metadata={"description": "Default 20, at most 100."})


class EventPage(ma.Schema):
    items = fields.List(fields.Nested(EventOut), required=True)
    next_cursor = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `after` for what follows; on an empty page, poll it again later."},
    )
