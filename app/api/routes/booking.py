"""Booking requests: interview times offered to an application's candidate, who books one by link.

The candidate's link is never in an answer: it goes to their email only.
"""

from __future__ import annotations

from flask import current_app
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.schemas.booking import BookingRequestIn, BookingRequestListArgs, BookingRequestOut, BookingRequestPage
from app.models import BookingRequest
from app.services import booking

blp = Blueprint(
    "api_booking",
    __name__,
    url_prefix="/api/v1",
    tag="Booking",
    description="Interview times offered to candidates, who book one through a private link",
)

APPLICATION = f"/applications/<{ID}:application_id>/booking-requests"
REQUEST = f"/booking-requests/<{ID}:request_id>"


def _iso(value):
    return value.isoformat() if value is not None else None


def request_out(request: BookingRequest) -> dict:
    """BookingRequestOut."""
    return {
        "id": request.id,
        "application_id": request.application_id,
        "kind_id": request.kind_id,
        "title": request.title,
        "status": request.effective_status,
        "timezone": request.timezone,
        "duration_minutes": request.duration_minutes,
        "location": request.location,
        "video_url": request.video_url,
        "interviewer_ids": list(request.interviewer_ids or []),
        "expires_at": _iso(request.expires_at),
        "created_at": _iso(request.created_at),
        "created_by_id": request.created_by_id,
        "booked_slot_id": request.booked_slot_id,
        "booked_at": _iso(request.booked_at),
        "interview_id": request.interview_id,
        "slots": [
            {"id": s.id, "starts_at": _iso(s.starts_at), "ends_at": _iso(s.ends_at), "status": s.status}
            for s in request.slots
        ],
    }


@blp.post(APPLICATION)
@jwt_required()
@blp.arguments(BookingRequestIn, unknown=RAISE)
@blp.response(201, BookingRequestOut)
@blp.alt_response(403, response="FORBIDDEN", description="Hiring managers do not offer times.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(
    409,
    response="CONFLICT",
    description="The application is closed, the person has no email address, or an interviewer is busy then.",
)
@blp.doc(security=BEARER)
def offer_times(data, application_id: int):
    """Offer interview times to the application's candidate (recruiters and admins of the company).

    The person gets an email with a private link listing the times in their own
    time zone; the first time picked is booked, the interview scheduled with its
    invites, and the other times released.
    """
    offered = booking.offer(caller(), application_id, **data)
    response = current_app.json.response(request_out(offered.request))
    response.status_code = 201
    return response


@blp.get(APPLICATION)
@jwt_required()
@blp.arguments(BookingRequestListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, BookingRequestPage, headers=LINK_HEADER)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def list_booking_requests(application_id: int, **args):
    """The application's booking requests, newest first (staff of its company)."""
    return page_response(booking.list_for_application(caller(), application_id, **args), request_out)


@blp.get(REQUEST)
@jwt_required()
@blp.response(200, BookingRequestOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def get_booking_request(request_id: int):
    """One booking request with its times (staff of its company)."""
    return current_app.json.response(request_out(booking.get_request(caller(), request_id)))


@blp.delete(REQUEST)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN", description="Hiring managers do not withdraw links.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The request is booked, withdrawn or expired already.")
@blp.doc(security=BEARER)
def cancel_booking_request(request_id: int):
    """Withdraw the link: it stops working at once and its times are released (recruiters and admins).

    A time already booked stays booked: cancel its interview instead.
    """
    booking.cancel(caller(), request_id)
    return no_content()
