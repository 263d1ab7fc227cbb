"""Webhook endpoints (admins), their delivery log and replays, and the event feed."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.schemas.webhooks import (
    DeliveryListArgs,
    DeliveryOut,
    DeliveryPage,
    EndpointIn,
    EndpointList,
    EndpointOut,
    EndpointPatch,
    EndpointWithSecret,
    EventListArgs,
    EventPage,
)
from app.services import webhooks
from app.webhooks.signing import webhook_id

blp = Blueprint(
    "api_webhooks",
    __name__,
    url_prefix="/api/v1",
    tag="Webhooks",
    description="Signed webhooks (Standard Webhooks) and the event feed",
)

ENDPOINT = f"/webhooks/<{ID}:endpoint_id>"
_DELIVERY_OUT = DeliveryOut()


def endpoint_out(endpoint) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.types,
        "active": endpoint.active,
        "failure_count": endpoint.failure_count,
        "disabled_at": endpoint.disabled_at,
        "created_at": endpoint.created_at,
    }


def with_secret(found: webhooks.WithSecret) -> dict:
    return {**endpoint_out(found.endpoint), "secret": found.secret}


def delivery_out(delivery) -> dict:
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "event_type": delivery.event.type,
        "webhook_id": webhook_id(delivery.event_id),
        "status": delivery.status,
        "attempts": delivery.attempts,
        "due_at": delivery.due_at,
        "response_code": delivery.response_code,
        "duration_ms": delivery.duration_ms,
        "response_snippet": delivery.response_snippet,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }


def event_out(event) -> dict:
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.payload,
    }


@blp.get("/webhooks")
@jwt_required()
@blp.response(200, EndpointList)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_endpoints():
    """The company's webhook endpoints (admins); secrets are never shown again."""
    return {"items": [endpoint_out(e) for e in webhooks.list_endpoints(caller())]}


@blp.post("/webhooks")
@jwt_required()
@blp.arguments(EndpointIn)
@blp.response(201, EndpointWithSecret)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(409, response="CONFLICT", description="The company has the most endpoints it may have.")
@blp.doc(security=BEARER)
def create_endpoint(data):
    """A new endpoint (admins). The answer holds its signing secret, shown this once.

    The URL must be https and resolve to public addresses; a 422 says why one is refused.
    """
    return with_secret(webhooks.create_endpoint(caller(), **data))


@blp.get(ENDPOINT)
@jwt_required()
@blp.response(200, EndpointOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_endpoint(endpoint_id: int):
    """One endpoint (admins)."""
    return endpoint_out(webhooks.get_endpoint(caller(), endpoint_id))


@blp.patch(ENDPOINT)
@jwt_required()
@blp.arguments(EndpointPatch)
@blp.response(200, EndpointOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def update_endpoint(data, endpoint_id: int):
    """Change the URL, description or event types; disable or enable it again (admins)."""
    return endpoint_out(webhooks.update_endpoint(caller(), endpoint_id, **data))


@blp.delete(ENDPOINT)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def delete_endpoint(endpoint_id: int):
    """Delete the endpoint and its delivery log (admins)."""
    webhooks.delete_endpoint(caller(), endpoint_id)
    return no_content()


@blp.post(f"{ENDPOINT}/rotate-secret")
@jwt_required()
@blp.response(200, EndpointWithSecret)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def rotate_secret(endpoint_id: int):
    """A new signing secret, in force at once and shown this once (admins)."""
    return with_secret(webhooks.rotate_secret(caller(), endpoint_id))


@blp.post(f"{ENDPOINT}/test")
@jwt_required()
@blp.response(202, DeliveryOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The endpoint is disabled.")
@blp.doc(security=BEARER)
def test_endpoint(endpoint_id: int):
    """Send the endpoint a `webhook.ping` event (admins); follow it in the delivery log."""
    return delivery_out(webhooks.send_test(caller(), endpoint_id))


@blp.get(f"{ENDPOINT}/deliveries")
@jwt_required()
@blp.arguments(DeliveryListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, DeliveryPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_deliveries(endpoint_id: int, **args):
    """The endpoint's delivery log, newest first (admins)."""
    page = webhooks.deliveries(caller(), endpoint_id, **args)
    return page_response(page, lambda d: _DELIVERY_OUT.dump(delivery_out(d)))


@blp.post(f"{ENDPOINT}/deliveries/<{ID}:delivery_id>/replay")
@jwt_required()
@blp.response(202, DeliveryOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The endpoint is disabled.")
@blp.doc(security=BEARER)
def replay_delivery(endpoint_id: int, delivery_id: int):
    """Send the same event again, with the same `webhook-id`, as a new delivery (admins)."""
    return delivery_out(webhooks.replay(caller(), endpoint_id, delivery_id))


@blp.get("/events")
@jwt_required()
@blp.arguments(EventListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, EventPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_events(**args):
    """The company's events in the order they happened (recruiters and admins), kept EVENT_RETENTION_DAYS.

    Page with `after`; an empty page's `next_cursor` is the `after` given, to poll again later.
    """
    found = webhooks.feed(caller(), **args)
    response = current_app.json.response(
        {"items": [event_out(e) for e in found.items], "next_cursor": found.next_cursor}
    )
    if found.items and found.next_cursor:
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "after"] + [("after", found.next_cursor)]
        response.headers["Link"] = f'<{request.path}?{urlencode(query)}>; rel="next"'
    return response
