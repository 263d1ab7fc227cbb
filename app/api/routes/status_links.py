"""An application's private status link, managed by the company's recruiters and admins.

The person follows their application through the link without an account.
Staff never see it: a new one goes by email, and the previous one stops working.
"""

from __future__ import annotations

from flask import current_app

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import no_content
from app.api.schemas.applications import StatusLinkSentOut
from app.services import status_links

blp = Blueprint(
    "api_status_links",
    __name__,
    url_prefix="/api/v1",
    tag="Status links",
    description="Private status links of applications",
)

STATUS_LINK = f"/applications/<{ID}:application_id>/status-link"
SENT = "A new status link is on its way to the person's email address; the previous one no longer works."


@blp.post(STATUS_LINK)
@jwt_required()
@blp.response(202, StatusLinkSentOut)
@blp.alt_response(403, response="FORBIDDEN", description="Hiring managers do not manage status links.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The person has no email address.")
@blp.doc(security=BEARER)
def send_status_link(application_id: int):
    """Issue a new private status link and email it to the person (recruiters and admins of the company).

    The link itself is never in the answer; the previous link stops working,
    revoked or not.
    """
    status_links.reissue(caller(), application_id)
    response = current_app.json.response({"status": "sent", "detail": SENT})
    response.status_code = 202
    return response


@blp.delete(STATUS_LINK)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN", description="Hiring managers do not manage status links.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The application has no working status link.")
@blp.doc(security=BEARER)
def revoke_status_link(application_id: int):
    """Revoke the application's status link: it stops working at once (recruiters and admins of the company)."""
    status_links.revoke(caller(), application_id)
    return no_content()
