"""iCalendar (RFC 5545) for interview invites and calendar feeds, written with the `icalendar` library.

An invite is an iTIP message (RFC 5546): `METHOD:REQUEST` to add or update the event,
`METHOD:CANCEL` to remove it, the same `UID` for the interview's whole life and a
`SEQUENCE` raised on every change, so the calendar replaces its copy rather than adding
one. Times are written in the interview's own zone (`DTSTART;TZID=...`) with the
matching `VTIMEZONE`, made from the system's zoneinfo for the years concerned only.

The request stores a JSON snapshot of the event (`event_snapshot`); the worker turns it
into text here, so the request never pays for it and every retry sends the same event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//ATS//Interviews//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
METHODS = (REQUEST, CANCEL)


def _when(value: str, tz: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(ZoneInfo(tz))


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = value
    return address


def event(snapshot: dict[str, Any], organizer_email: str, *, cancelled: bool = False) -> Event:
    """One VEVENT from an event snapshot (see app/services/interview_invites.event_snapshot)."""
    tz = snapshot["timezone"]
    ev = Event()
    ev.add("uid", snapshot["uid"])
    ev.add("sequence", int(snapshot["sequence"]))
    ev.add("dtstamp", datetime.fromisoformat(snapshot["stamp"]))
    ev.add("dtstart", _when(snapshot["starts_at"], tz))
    ev.add("dtend", _when(snapshot["ends_at"], tz))
    ev.add("summary", snapshot["summary"])
    if snapshot.get("location"):
        ev.add("location", snapshot["location"])
    if snapshot.get("video_url"):
        ev.add("url", snapshot["video_url"])
    if snapshot.get("description"):
        ev.add("description", snapshot["description"])
    ev.add("status", "CANCELLED" if cancelled or snapshot.get("cancelled") else "CONFIRMED")
    ev.add("transp", "OPAQUE")
    ev.add("organizer", _address(organizer_email, snapshot.get("organizer_name") or ""))
    for attendee in snapshot.get("attendees", []):
        ev.add(
            "attendee",
            _address(
                attendee["email"],
                attendee.get("name") or "",
                role=attendee.get("role", "REQ-PARTICIPANT"),
                partstat="NEEDS-ACTION",
                rsvp="FALSE",
                cutype="INDIVIDUAL",
            ),
        )
    return ev


def calendar(method: str | None, events: Iterable[Event], *, name: str | None = None) -> Calendar:
    """A VCALENDAR around the events, with the VTIMEZONE of every zone they use (years they span only)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    first: date | None = None
    last: date | None = None
    for ev in events:
        cal.add_component(ev)
        start, end = ev.decoded("dtstart").date(), ev.decoded("dtend").date()
        first = start if first is None or start < first else first
        last = end if last is None or end > last else last
    if first is not None and last is not None:
        cal.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1))
    return cal


def invite(snapshot: dict[str, Any], organizer_email: str) -> bytes:
    """The .ics of one invite: REQUEST or CANCEL, as the snapshot's method says."""
    method = snapshot["method"]
    if method not in METHODS:
        raise ValueError(f"not an invite method: {method!r}")
    ev = event(snapshot, organizer_email, cancelled=method == CANCEL)
    return calendar(method, [ev]).to_ical()
