"""The candidate's booking page: the times offered, in the zone they choose; one POST books a time.

The token in the URL is the only key (looked up by its hash). Like the status
page, nothing here is cached or sent as a Referer. Times are shown in the zone
named by `?tz=` (the page's script fills it from the browser), else in the zone
the recruiter planned them in.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

from flask import redirect, render_template, request, url_for

from app.errors import Conflict
from app.extensions import db
from app.models import BookingRequest
from app.services import booking
from app.web.booking import bp
from app.web.booking.forms import PickForm


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The IANA zones people live in (Area/City), and UTC."""
    names = {n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix", "right"))}
    return ("UTC", *sorted(names))


def _zone(value: str | None, fallback: str) -> str:
    return value if value in zone_names() or (value and value == fallback) else fallback


def when(start: datetime, end: datetime, tz: str) -> dict[str, str]:
    """A time as the page writes it, in `tz`: day, start and end, zone abbreviation."""
    start, end = booking.local(start, tz), booking.local(end, tz)
    return {
        "day": start.strftime("%A %d %B %Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "abbr": start.strftime("%Z"),
        "iso": start.isoformat(),
    }


def _page(token: str, found: BookingRequest, tz: str, *, error: str | None = None, status: int = 200):
    slots = booking.open_slots(found)
    booked = found.booked_slot if found.status == "booked" else None
    return render_template(
        "booking/page.html",
        token=token,
        found=found,
        tz=tz,
        zones=zone_names(),
        slots=[(slot, when(slot.starts_at, slot.ends_at, tz)) for slot in slots],
        booked=when(booked.starts_at, booked.ends_at, tz) if booked else None,
        closed=booking.closed_reason(found),
        company=found.company.name,
        error=error,
    ), status


@bp.get("/<token>")
def page(token: str):
    found = booking.open_link(token)
    tz = _zone(request.args.get("tz"), found.timezone)
    status = 410 if found.effective_status in ("cancelled", "expired") else 200
    return _page(token, found, tz, status=status)


@bp.post("/<token>")
def pick(token: str):
    form = PickForm()
    found = booking.open_link(token)
    tz = _zone(form.tz.data, found.timezone)
    if not form.validate_on_submit() or not (form.slot_id.data or "").isdigit() or len(form.slot_id.data) > 10:
        return _page(token, found, tz, error="Pick one of the times below.", status=422)
    try:
        booking.pick(token, int(form.slot_id.data), candidate_timezone=tz)
    except Conflict as conflict:
        db.session.rollback()
        return _page(token, booking.open_link(token), tz, error=conflict.detail, status=409)
    return redirect(url_for("booking.page", token=token, tz=tz))
