"""Booking requests: interview times offered to a candidate, who picks one through a private link."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import RAISE, fields, validate

from app.api.schemas.common import Id, PageArgs, StrictInt, Text, page_schema
from app.models.booking import BOOKING_STATUSES, SLOT_STATUSES

TIME = "ISO 8601; with an offset, or without one and read in `timezone` (e.g. `2027-03-01T14:30`)."


class SlotIn(ma.Schema):
    class Meta:
        unknown = RAISE

    starts_at = Text(required=True, validate=validate.Length(max=40), metadata={"description": TIME})
    ends_at = Text(
        validate=validate.Length(max=40),
        metadata={"description": f"{TIME} Left out: the start plus `duration_minutes`."},
    )


class BookingRequestIn(ma.Schema):
    slots = fields.List(
        fields.Nested(SlotIn),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "1 to 20 times, in the future, none overlapping another."},
    )
    timezone = Text(
        required=True,
        validate=validate.Length(max=64),
        metadata={"description": "The IANA zone the times are planned in (e.g. `Europe/Paris`)."},
    )
    title = Text(validate=validate.Length(max=200), metadata={"description": "Default: the kind's name."})
    kind_id = Id(metadata={"description": "A step of the job's interview plan: its defaults fill the rest."})
    interviewer_ids = fields.List(
        StrictInt(), metadata={"description": "Staff of the company; default: the kind's interviewers."}
    )
    location = Text(validate=validate.Length(max=300))
    video_url = Text(validate=validate.Length(max=500))
    duration_minutes = StrictInt(metadata={"description": "Length of each time without an end (default 60)."})
    expires_at = Text(
        validate=validate.Length(max=40),
        metadata={"description": f"{TIME} Default and latest: the start of the last time offered."},
    )


class SlotOut(ma.Schema):
    id = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(SLOT_STATUSES),
        metadata={"description": "`released` once another time was booked or the request withdrawn."},
    )


class BookingRequestOut(ma.Schema):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    kind_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(BOOKING_STATUSES),
        metadata={"description": "`open` until a time is booked, the request is withdrawn or it expires."},
    )
    timezone = fields.String(required=True)
    duration_minutes = fields.Integer(required=True)
    location = fields.String(required=True)
    video_url = fields.String(required=True)
    interviewer_ids = fields.List(fields.Integer(), required=True)
    expires_at = fields.DateTime(required=True)
    created_at = fields.DateTime(required=True)
    created_by_id = fields.Integer(required=True, allow_none=True)
    booked_slot_id = fields.Integer(required=True, allow_none=True)
    booked_at = fields.DateTime(required=True, allow_none=True)
    interview_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The interview the booked time made."}
    )
    slots = fields.List(fields.Nested(SlotOut), required=True)


class BookingRequestListArgs(PageArgs):
    """`limit` and `cursor`: newest first."""


BookingRequestPage = page_schema(BookingRequestOut, "BookingRequestPage")
