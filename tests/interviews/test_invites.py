"""Invites over real SMTP through the RQ worker: the MIME shape calendars need, and the .ics read back
with icalendar and, independently, with vobject."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import vobject
from icalendar import Calendar

from app.extensions import db
from app.services import interviews
from tests.mail.conftest import work


def _received(smtp_server, to: str) -> list:
    """The invites (messages with a calendar part) sent to `to`, in order."""
    return [
        message
        for _sender, rcpts, message in smtp_server.messages
        if to in rcpts and any(p.get_content_type() == "text/calendar" for p in message.walk())
    ]


def _parts(message) -> list:
    return [part for part in message.walk() if not part.is_multipart()]


def _ics(message) -> Calendar:
    (part,) = [p for p in _parts(message) if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def _event(message):
    (event,) = _ics(message).walk("VEVENT")
    return event


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def _setup(factory):
    acme = factory.tenant()
    candidate = factory.candidate("Ada Lovelace")
    application = factory.application(candidate, acme["job"])
    return acme, candidate, application


def _schedule(acme, application, **fields):
    values = {
        "starts_at": "2030-03-01T14:30",
        "ends_at": "2030-03-01T15:15",
        "timezone": "Europe/Paris",
        "title": "Technical",
        "interviewer_ids": [acme["hiring_manager"].id],
        "location": "Room 4",
        "video_url": "https://meet.example.com/abc",
        "notes": "SECRET-NOTE: ask about the gap\nsecond line",
    } | fields
    interview = interviews.schedule(acme["recruiter"], application.id, **values)
    db.session.commit()
    return interview


def test_invites_are_calendar_invitations_and_the_candidate_never_gets_the_notes(mail_app, factory, smtp_server):
    acme, candidate, application = _setup(factory)
    interview = _schedule(acme, application)
    assert work(mail_app)

    (to_candidate,) = _received(smtp_server, candidate.email)
    (to_manager,) = _received(smtp_server, acme["hiring_manager"].email)
    for message in (to_candidate, to_manager):
        assert message.get_content_type() == "multipart/mixed"
        alternative = message.get_payload()[0]
        assert alternative.get_content_type() == "multipart/alternative"
        kinds = [part.get_content_type() for part in alternative.get_payload()]
        assert kinds == ["text/plain", "text/html", "text/calendar"]
        calendar_part = alternative.get_payload()[2]
        assert calendar_part.get_param("method") == "REQUEST"
        assert calendar_part.get_content_charset() == "utf-8"
        (attachment,) = [p for p in _parts(message) if p.get_filename() == "invite.ics"]
        assert attachment.get_content_type() == "application/ics"
        assert Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"

    cal = _ics(to_candidate)
    assert cal["METHOD"] == "REQUEST" and cal["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = _event(to_candidate)
    assert str(event["UID"]) == interview.uid and event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2030, 3, 1, 13, 30, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2030, 3, 1, 14, 15, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Room 4" and str(event["URL"]) == "https://meet.example.com/abc"
    assert "https://meet.example.com/abc" in str(event["DESCRIPTION"])
    assert (
        str(event["ORGANIZER"]).startswith("mailto:") and event["ORGANIZER"].params["CN"] == acme["recruiter"].full_name
    )
    attendees = {str(a).removeprefix("mailto:"): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {candidate.email, acme["hiring_manager"].email}
    assert attendees[candidate.email]["ROLE"] == "REQ-PARTICIPANT"
    assert attendees[candidate.email]["PARTSTAT"] == "NEEDS-ACTION" and "RSVP" in attendees[candidate.email]
    assert "DTSTAMP" in event and str(event["STATUS"]) == "CONFIRMED"

    # The notes are the interviewers': in their email and their calendar copy, nowhere in the candidate's.
    assert "SECRET-NOTE" not in to_candidate.as_string()
    assert "SECRET-NOTE" in _text(to_manager) and "second line" in _html(to_manager)
    assert "SECRET-NOTE" in str(_event(to_manager)["DESCRIPTION"])
    assert "14:30-15:15 (Europe/Paris)" in _text(to_candidate)


def test_reschedule_keeps_the_uid_raises_the_sequence_and_cancel_matches(mail_app, factory, smtp_server):
    acme, candidate, application = _setup(factory)
    interview = _schedule(acme, application)
    interviews.reschedule(
        acme["recruiter"],
        interview.id,
        {"starts_at": "2030-03-02T09:00", "timezone": "America/New_York", "interviewer_ids": [acme["admin"].id]},
    )
    db.session.commit()
    interviews.cancel(acme["recruiter"], interview.id, reason="The role is filled.")
    db.session.commit()
    assert work(mail_app)

    invite, update, cancel = _received(smtp_server, candidate.email)
    first, moved, cancelled = (_event(m) for m in (invite, update, cancel))
    assert {str(e["UID"]) for e in (first, moved, cancelled)} == {interview.uid}
    assert [e["SEQUENCE"] for e in (first, moved, cancelled)] == [0, 1, 2]
    assert moved["DTSTART"].params["TZID"] == "America/New_York"
    assert moved.decoded("DTSTART").astimezone(UTC) == datetime(2030, 3, 2, 14, 0, tzinfo=UTC)
    assert moved.decoded("DTEND").astimezone(UTC) == datetime(2030, 3, 2, 14, 45, tzinfo=UTC)  # length kept
    assert _ics(cancel)["METHOD"] == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert "The role is filled." in _text(cancel)
    assert update["Subject"].startswith("Updated:") and cancel["Subject"].startswith("Cancelled:")

    # The manager was taken off at the reschedule: a CANCEL of the same UID naming only them.
    dropped = _received(smtp_server, acme["hiring_manager"].email)
    assert [_ics(m)["METHOD"] for m in dropped] == ["REQUEST", "CANCEL"]
    off = _event(dropped[1])
    assert (str(off["UID"]), off["SEQUENCE"]) == (interview.uid, 1)
    assert [str(a) for a in [off["ATTENDEE"]]] == [f"mailto:{acme['hiring_manager'].email}"]
    # The admin joined: the update, then the cancellation.
    assert [_ics(m)["METHOD"] for m in _received(smtp_server, acme["admin"].email)] == ["REQUEST", "CANCEL"]


def test_a_second_parser_reads_the_invite(mail_app, factory, smtp_server):
    acme, candidate, application = _setup(factory)
    interview = _schedule(acme, application, title="Café chat", location="Zürich, 2nd floor")
    assert work(mail_app)
    (message,) = _received(smtp_server, candidate.email)
    (attachment,) = [p for p in _parts(message) if p.get_filename() == "invite.ics"]
    parsed = vobject.readOne(attachment.get_content().decode("utf-8"))
    assert parsed.method.value == "REQUEST"
    event = parsed.vevent
    assert event.uid.value == interview.uid and int(event.sequence.value) == 0
    assert event.summary.value.startswith("Café chat")
    assert event.location.value == "Zürich, 2nd floor"
    assert event.dtstart.value.astimezone(UTC) == datetime(2030, 3, 1, 13, 30, tzinfo=UTC)
    assert event.dtstart.value.utcoffset() == timedelta(hours=1)  # read from the VTIMEZONE: CET in March
    assert {a.value for a in event.attendee_list} == {
        f"mailto:{candidate.email}",
        f"mailto:{acme['hiring_manager'].email}",
    }
    assert event.organizer.value.startswith("mailto:")
