"""Scheduling rules in the service: times and zones, interviewers of the company, roles, sequence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.services import interviews
from tests.factories import Factory


@pytest.fixture
def setup(app):
    factory = Factory()
    acme = factory.tenant()
    other = factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    return {"acme": acme, "other": other, "application": application}


def _schedule(setup, **fields):
    acme = setup["acme"]
    values = {
        "starts_at": "2030-03-01T14:30",
        "ends_at": "2030-03-01T15:15",
        "timezone": "Europe/Paris",
        "title": "Technical",
        "interviewer_ids": [acme["hiring_manager"].id],
    } | fields
    interview = interviews.schedule(acme["recruiter"], setup["application"].id, **values)
    db.session.commit()
    return interview


def test_times_read_in_the_zone_and_stored_in_utc(setup):
    interview = _schedule(setup)
    assert interview.starts_at == datetime(2030, 3, 1, 13, 30, tzinfo=UTC)
    assert interview.ends_at == datetime(2030, 3, 1, 14, 15, tzinfo=UTC)
    assert interview.sequence == 0 and interview.uid.startswith("interview-")
    assert interview.interviewer_ids == [setup["acme"]["hiring_manager"].id]


def test_bad_times_zone_and_interviewers_are_field_errors(setup):
    with pytest.raises(ValidationFailed) as caught:
        _schedule(
            setup,
            ends_at="2030-03-01T14:00",
            timezone="Mars/Olympus",
            interviewer_ids=[setup["other"]["recruiter"].id],
        )
    errors = caught.value.errors
    assert "timezone" in errors and "interviewer_ids" in errors
    with pytest.raises(ValidationFailed) as caught:
        _schedule(setup, ends_at="2030-03-01T14:00+01:00", starts_at="2030-03-01T14:30+01:00")
    assert caught.value.errors["ends_at"] == ["Must be after the start."]


def test_roles_and_tenancy(setup):
    with pytest.raises(Forbidden):
        interviews.schedule(
            setup["acme"]["hiring_manager"],
            setup["application"].id,
            starts_at="2030-03-01T10:00Z",
            ends_at="2030-03-01T11:00Z",
            timezone="UTC",
            title="x",
            interviewer_ids=[setup["acme"]["hiring_manager"].id],
        )
    interview = _schedule(setup)
    with pytest.raises(NotFound):
        interviews.get_interview(setup["other"]["admin"], interview.id)
    assert interviews.get_interview(setup["acme"]["hiring_manager"], interview.id).id == interview.id


def test_reschedule_raises_sequence_and_cancel_is_final(setup):
    interview = _schedule(setup)
    uid = interview.uid
    interviews.reschedule(setup["acme"]["recruiter"], interview.id, {"notes": "Bring the laptop"})
    assert interview.sequence == 0  # notes are for interviewers only: no new invite
    interviews.reschedule(setup["acme"]["recruiter"], interview.id, {"starts_at": "2030-03-01T16:00"}, version=2)
    assert (interview.sequence, interview.uid) == (1, uid)
    assert interview.starts_at == datetime(2030, 3, 1, 15, 0, tzinfo=UTC)
    with pytest.raises(Conflict):
        interviews.reschedule(setup["acme"]["recruiter"], interview.id, {"title": "x"}, version=1)
    interviews.cancel(setup["acme"]["recruiter"], interview.id)
    assert (interview.status, interview.sequence, interview.reminder_due_at) == ("cancelled", 2, None)
    with pytest.raises(Conflict):
        interviews.cancel(setup["acme"]["recruiter"], interview.id)
