"""Replies by email: an application's replies, and revoking its reply address."""

from __future__ import annotations

from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.schemas.replies import ReplyListArgs, ReplyOut, ReplyPage
from app.downloads import attachment
from app.services import replies

blp = Blueprint(
    "api_replies",
    __name__,
    url_prefix="/api/v1",
    tag="Replies",
    description="Replies people send to the emails about their application",
)

APPLICATION = f"/applications/<{ID}:application_id>"
_REPLY_OUT = ReplyOut()


@blp.get(f"{APPLICATION}/replies")
@jwt_required()
@blp.arguments(ReplyListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ReplyPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_replies(application_id: int, **args):
    """Replies received for the application, newest first (staff of its company, hiring managers included)."""
    return page_response(replies.page_for_application(caller(), application_id, **args), _REPLY_OUT.dump)


@blp.get(f"{APPLICATION}/replies/<{ID}:reply_id>/attachments/<key>")
@jwt_required()
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(
    security=BEARER,
    responses={
        "200": {
            "description": "The file, as an attachment (a PDF, DOCX or image, as found from its bytes)",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def reply_attachment(application_id: int, reply_id: int, key: str):
    """A file kept from a reply (staff of the application's company)."""
    found = replies.attachment_file(caller(), application_id, reply_id, key)
    return attachment(found.file, found.filename, found.content_type, found.size)


@blp.delete(f"{APPLICATION}/reply-address")
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN", description="Hiring managers do not manage reply addresses.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The application has no working reply address.")
@blp.doc(security=BEARER)
def revoke_reply_address(application_id: int):
    """Revoke the application's reply address (recruiters and admins of the company).

    Replies to it are refused from now on (550); the next email about the
    application carries a new address.
    """
    replies.revoke(caller(), application_id)
    return no_content()
