"""The company's audit log (admins; API keys with `audit:read`)."""

from __future__ import annotations

from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, Blueprint
from app.api.lists import LINK_HEADER, page_response
from app.api.schemas.audit import AuditEventOut, AuditListArgs, AuditPage
from app.services import audit

blp = Blueprint(
    "api_audit", __name__, url_prefix="/api/v1", tag="Audit log", description="Security-relevant actions (admins)"
)
_OUT = AuditEventOut()


def filters_from(args: dict) -> audit.Filters:
    return audit.Filters(
        action=args.get("action"),
        actor_id=args.get("actor_id"),
        object_type=args.get("object_type"),
        object_id=args.get("object_id"),
        since=args.get("from_"),
        until=args.get("to"),
    )


@blp.get("/audit-events")
@jwt_required()
@blp.arguments(AuditListArgs, location="query", unknown=RAISE)
@blp.response(200, AuditPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def list_events(args):
    """The company's audit log, newest first, with filters (admins). `seq` and `hash` appear once sealed."""
    page = audit.page_events(caller(), filters_from(args), limit=args.get("limit"), cursor=args.get("cursor"))
    return page_response(page, _OUT.dump)
