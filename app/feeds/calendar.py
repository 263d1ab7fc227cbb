"""The private calendar feed: `GET /calendar/<token>.ics`, no session, the token is the key."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from app.mail import calendar
from app.services import calendar_feeds

bp = Blueprint("calendar_feed", __name__)


def _event(event: calendar_feeds.FeedEvent, organizer: str, base: str):
    link = f"{base}/dashboard/applications/{event.application_id}"
    lines = [f"{event.title} with {event.candidate_name} for {event.job_title}", link]
    if event.video_url:
        lines.append(f"Video call: {event.video_url}")
    snapshot = {
        "uid": event.uid,
        "sequence": event.sequence,
        "stamp": event.updated_at.isoformat(),
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "timezone": event.timezone,
        "summary": f"{event.title}: {event.candidate_name} ({event.job_title})",
        "location": event.location,
        "video_url": event.video_url,
        "description": "\n".join(lines),
        "organizer_name": "",
        "attendees": [],
        "cancelled": event.status == "cancelled",
    }
    return calendar.event(snapshot, organizer)


@bp.get("/calendar/<string:token>.ics")
def feed(token: str):
    """The staff member's interviews (the last 30 days and all to come), for their calendar app to poll."""
    found = calendar_feeds.read(token)
    if found is None:
        abort(404)
    from app.mail.compose import sender_address

    organizer = sender_address(current_app.config["MAIL_DEFAULT_SENDER"]).addr_spec
    base = current_app.config["BASE_URL"].rstrip("/")
    events = [_event(e, organizer, base) for e in found.events]
    body = calendar.calendar(None, events, name=f"Interviews - {found.user_name}").to_ical()
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = 'inline; filename="interviews.ics"'
    return response
