"""Webhook endpoints, their delivery log and replays, and the event feed.

Endpoints are the company admins'; the feed is read by recruiters and admins.
Every query is scoped to the caller's company: another company's endpoint or
delivery is not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import DeliveryStatus, Event, Role, User, WebhookDelivery, WebhookEndpoint
from app.models.base import utcnow
from app.services import audit
from app.services.access import EDITORS, require_member, require_role, require_user
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor, paginate_desc
from app.services.validation import Checker
from app.webhooks import catalog, sealing, signing, ssrf
from app.webhooks.record import record_ping, schedule

URL_MAX = 2000
DESCRIPTION_MAX = 500
MAX_ENDPOINTS = 20
FIELDS = {"url", "description", "event_types", "active"}


@dataclass(frozen=True)
class WithSecret:
    """An endpoint and its secret, shown this once (on create and on rotate)."""

    endpoint: WebhookEndpoint
    secret: str


def _admin_company(actor: User) -> int:
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    require_role(actor, Role.ADMIN, action="manage webhooks")
    return actor.company_id


def _check(check: Checker, fields: dict, *, creating: bool) -> dict:
    clean: dict = {}
    for name in sorted(set(fields) - FIELDS):
        check.add(name, "Unknown field.")
    if creating or "url" in fields:
        url = check.line("url", fields.get("url"), required=True, max_len=URL_MAX)
        if url:
            try:
                ssrf.resolve(url)
            except ssrf.Refused as refused:
                check.add("url", str(refused))
            clean["url"] = url
    if "description" in fields:
        clean["description"] = check.line("description", fields["description"] or "", max_len=DESCRIPTION_MAX) or ""
    if "event_types" in fields:
        types = fields["event_types"]
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            check.add("event_types", "Must be a list of event types.")
        else:
            unknown = sorted(set(types) - set(catalog.EVENT_TYPES))
            if unknown:
                check.add("event_types", f"Unknown event types: {', '.join(unknown)}.")
            clean["event_types"] = catalog.stored(types)
    if "active" in fields:
        if not isinstance(fields["active"], bool):
            check.add("active", "Must be true or false.")
        clean["active"] = fields["active"]
    return clean


def _audit(action: str, actor: User, endpoint: WebhookEndpoint, **details) -> None:
    audit.record(
        action, actor=actor, object_type="webhook", object_id=endpoint.id, details={"url": endpoint.url, **details}
    )


def list_endpoints(actor: User) -> list[WebhookEndpoint]:
    """The company's endpoints, oldest first (at most MAX_ENDPOINTS: one statement)."""
    company_id = _admin_company(actor)
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.company_id == company_id).order_by(WebhookEndpoint.id)
    return list(db.session.scalars(stmt))


def get_endpoint(actor: User, endpoint_id: int) -> WebhookEndpoint:
    company_id = _admin_company(actor)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.company_id != company_id:
        raise NotFound("That webhook endpoint was not found.")
    return endpoint


def create_endpoint(actor: User, **fields) -> WithSecret:
    company_id = _admin_company(actor)
    check = Checker()
    clean = _check(check, fields, creating=True)
    check.raise_if_any()
    count = db.session.scalar(
        select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.company_id == company_id)
    )
    if count >= MAX_ENDPOINTS:
        raise Conflict(f"A company has at most {MAX_ENDPOINTS} webhook endpoints.")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        company_id=company_id, secret=sealing.seal(secret), **{"description": "", "event_types": "", **clean}
    )
    db.session.add(endpoint)
    db.session.flush()
    _audit("webhook.created", actor, endpoint)
    return WithSecret(endpoint, secret)


def update_endpoint(actor: User, endpoint_id: int, **fields) -> WebhookEndpoint:
    """Change the URL, description, types or `active`; enabling again sends what waited, in order."""
    endpoint = get_endpoint(actor, endpoint_id)
    check = Checker()
    clean = _check(check, fields, creating=False)
    check.raise_if_any()
    enabling = clean.get("active") is True and not endpoint.active
    for key, value in clean.items():
        setattr(endpoint, key, value)
    if clean.get("active") is False and endpoint.disabled_at is None:
        endpoint.disabled_at = utcnow()
    if enabling:
        endpoint.disabled_at = None
        endpoint.failure_count = 0
        schedule(db.session(), {endpoint.company_id})
    db.session.flush()
    _audit("webhook.updated", actor, endpoint, changed=sorted(clean))
    return endpoint


def delete_endpoint(actor: User, endpoint_id: int) -> None:
    """Delete the endpoint and its delivery log."""
    endpoint = get_endpoint(actor, endpoint_id)
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    _audit("webhook.deleted", actor, endpoint)
    db.session.delete(endpoint)
    db.session.flush()


def rotate_secret(actor: User, endpoint_id: int) -> WithSecret:
    """A new secret, in force at once (the next attempt is signed with it)."""
    endpoint = get_endpoint(actor, endpoint_id)
    secret = signing.new_secret()
    endpoint.secret = sealing.seal(secret)
    db.session.flush()
    _audit("webhook.secret_rotated", actor, endpoint)
    return WithSecret(endpoint, secret)


def send_test(actor: User, endpoint_id: int) -> WebhookDelivery:
    """A `webhook.ping` event sent to this endpoint only, after what already waits for it."""
    endpoint = get_endpoint(actor, endpoint_id)
    if not endpoint.active:
        raise Conflict("The endpoint is disabled; enable it first.")
    payload = {"endpoint_id": endpoint.id, "url": endpoint.url, "sent_by": actor.full_name}
    event_id = record_ping(endpoint.company_id, endpoint.id, payload)
    return db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)).one()


def deliveries(
    actor: User, endpoint_id: int, *, limit: int | None = None, cursor: str | None = None
) -> Page[WebhookDelivery]:
    """The endpoint's delivery log, newest first, each with its event (keyset-paged)."""
    endpoint = get_endpoint(actor, endpoint_id)
    stmt = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.company_id == endpoint.company_id)
        .options(joinedload(WebhookDelivery.event))
    )
    return paginate_desc(db.session, stmt, WebhookDelivery.id, limit=limit, cursor=cursor)


def replay(actor: User, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    """A new delivery of the same event to the same endpoint (the same `webhook-id`), due now."""
    endpoint = get_endpoint(actor, endpoint_id)
    original = db.session.get(WebhookDelivery, delivery_id)
    if original is None or original.endpoint_id != endpoint.id or original.company_id != endpoint.company_id:
        raise NotFound("That delivery was not found.")
    if not endpoint.active:
        raise Conflict("The endpoint is disabled; enable it first.")
    now = utcnow()
    again = WebhookDelivery(
        company_id=endpoint.company_id,
        event_id=original.event_id,
        endpoint_id=endpoint.id,
        status=DeliveryStatus.PENDING.value,
        due_at=now,
    )
    db.session.add(again)
    db.session.flush()
    schedule(db.session(), {endpoint.company_id})
    return again


@dataclass(frozen=True)
class Feed:
    items: list[Event]
    next_cursor: str | None


def feed(actor: User, *, after: str | None = None, type: str | None = None, limit: int | None = None) -> Feed:
    """The company's events in the order they happened, after `after` (recruiters and admins).

    `next_cursor` is where to go on from: the last event's, or `after` itself on an empty page
    (poll it again later for newer events).
    """
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    require_role(actor, *EDITORS, action="read the event feed")
    size = clamp_limit(limit)
    last = decode_cursor(after)
    check = Checker()
    if type is not None and type not in catalog.EVENT_TYPES:
        check.add("type", f"Not an event type; one of {', '.join(catalog.EVENT_TYPES)}.")
    check.raise_if_any()
    stmt = select(Event).where(Event.company_id == actor.company_id, Event.type != catalog.PING)
    if last is not None:
        stmt = stmt.where(Event.id > last)
    if type is not None:
        stmt = stmt.where(Event.type == type)
    items = list(db.session.scalars(stmt.order_by(Event.id).limit(size)))
    return Feed(items, encode_cursor(items[-1].id) if items else after)
