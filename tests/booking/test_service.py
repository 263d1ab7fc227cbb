"""Offering times, withdrawing them, and the candidate's pick: the rules in the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.mail.compose import LINK_REMOVED
from app.models import BookingRequest, Interview, User
from app.models.base import utcnow
from app.services import booking, interviews
from tests.booking.helpers import ZONE, future, iso, offer, offer_mail


def test_offer_stores_utc_times_a_hashed_token_and_mails_the_link(setup):
    request, token = offer(setup, slots=[{"starts_at": "2040-01-10T14:00"}, "2040-01-11T09:30"])
    assert [s.starts_at.hour for s in request.slots] == [13, 8]  # Paris in winter is UTC+1
    assert [(s.ends_at - s.starts_at).seconds // 60 for s in request.slots] == [45, 45]
    assert request.status == "open" and request.expires_at == request.slots[-1].starts_at
    assert token not in request.token_hash and len(request.token_hash) == 64
    mail = offer_mail()  # sent here and now (no Redis): our copy has lost the link
    assert mail.to_address == setup["application"].candidate.email and mail.status == "sent"
    assert mail.context["times"] == ["Tue 10 Jan 2040 14:00", "Wed 11 Jan 2040 09:30"]
    assert mail.context["link"] == LINK_REMOVED and token not in mail.text_body


def test_kind_fills_title_duration_and_interviewers(setup):
    acme = setup["acme"]
    kind = interviews.InterviewKind(
        company_id=acme["company"].id, job_id=acme["job"].id, name="Phone screen", duration_minutes=30,
        default_interviewer_ids=[acme["recruiter"].id], location="Room 1",
    )  # fmt: skip
    db.session.add(kind)
    db.session.commit()
    request, _ = offer(setup, kind_id=kind.id, title=None, interviewer_ids=None, duration_minutes=None)
    assert (request.title, request.duration_minutes, request.location) == ("Phone screen", 30, "Room 1")
    assert request.interviewer_ids == [acme["recruiter"].id]


def test_bad_times_are_field_errors(setup):
    past = utcnow() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        offer(
            setup,
            slots=[iso(past), iso(future(40)), iso(future(40) + timedelta(minutes=30)), "soon"],
            interviewer_ids=[setup["other"]["recruiter"].id],
        )
    errors = caught.value.errors
    assert "Time 1: must be in the future." in errors["slots"]
    assert any(m.startswith("Two times overlap") for m in errors["slots"])
    assert any(m.startswith("Time 4:") for m in errors["slots"])
    assert "interviewer_ids" in errors
    with pytest.raises(ValidationFailed) as caught:
        offer(setup, slots=[iso(future(40 + n)) for n in range(21)])
    assert caught.value.errors["slots"] == ["Offer at most 20 times."]
    with pytest.raises(ValidationFailed) as caught:
        offer(setup, slots=[], timezone="Mars/Olympus")
    assert set(caught.value.errors) >= {"timezone"}
    with pytest.raises(ValidationFailed) as caught:
        offer(setup, expires_at=iso(future(90)))
    assert caught.value.errors["expires_at"] == ["Must be no later than the start of the last time offered."]


def test_only_recruiters_and_admins_of_the_company_offer(setup):
    with pytest.raises(Forbidden):
        offer(setup, actor=setup["acme"]["hiring_manager"])
    with pytest.raises(NotFound):
        offer(setup, actor=setup["other"]["admin"])
    request, _ = offer(setup, actor=setup["acme"]["admin"])
    with pytest.raises(NotFound):
        booking.get_request(setup["other"]["admin"], request.id)
    with pytest.raises(NotFound):
        booking.list_for_application(setup["other"]["recruiter"], setup["application"].id)
    assert booking.get_request(setup["acme"]["hiring_manager"], request.id).id == request.id


def test_a_time_an_interviewer_already_has_is_refused(setup):
    acme = setup["acme"]
    interviews.schedule(
        acme["recruiter"], setup["application"].id, starts_at=future(50), timezone="UTC",
        ends_at=future(50) + timedelta(hours=1), title="Earlier", interviewer_ids=[acme["hiring_manager"].id],
    )  # fmt: skip
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        offer(setup, slots=[iso(future(50) + timedelta(minutes=30))])
    assert "already has an interview" in caught.value.detail


def test_pick_books_the_slot_schedules_the_interview_and_releases_the_others(setup):
    request, token = offer(setup)
    picked = request.slots[1]
    booking.pick(token, picked.id, candidate_timezone="America/New_York")
    db.session.commit()
    db.session.expire_all()
    request = db.session.get(BookingRequest, request.id)
    assert request.status == "booked" and request.booked_slot_id == picked.id
    assert [s.status for s in request.slots] == ["released", "booked", "released"]
    interview = db.session.get(Interview, request.interview_id)
    assert (interview.starts_at, interview.ends_at) == (picked.starts_at, picked.ends_at)
    assert interview.timezone == ZONE and interview.title == "Technical"
    assert interview.interviewer_ids == [setup["acme"]["hiring_manager"].id]
    assert interview.organizer_id == setup["acme"]["recruiter"].id
    assert "America/New_York" in interview.notes
    with pytest.raises(Conflict) as caught:
        booking.pick(token, request.slots[0].id)
    assert caught.value.detail.startswith(booking.TAKEN)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Interview.id))) == 1


def test_the_interview_is_scheduled_as_an_admin_when_the_recruiter_has_left(setup):
    request, token = offer(setup)
    db.session.get(User, setup["acme"]["recruiter"].id).active = False
    db.session.commit()
    booking.pick(token, request.slots[0].id)
    db.session.commit()
    assert db.session.get(Interview, request.interview_id).organizer_id == setup["acme"]["admin"].id


def test_pick_refuses_a_time_the_interviewer_took_since(setup):
    acme = setup["acme"]
    request, token = offer(setup)
    slot = request.slots[0]
    interviews.schedule(
        acme["admin"], setup["application"].id, starts_at=slot.starts_at, ends_at=slot.ends_at, timezone="UTC",
        title="Other", interviewer_ids=[acme["hiring_manager"].id],
    )  # fmt: skip
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        booking.pick(token, slot.id)
    assert "calendar" in caught.value.detail
    db.session.rollback()
    assert db.session.get(BookingRequest, request.id).status == "open"  # the claim went with the rollback
    booking.pick(token, request.slots[1].id)
    db.session.commit()


def test_withdrawn_expired_and_unknown_links(setup):
    request, token = offer(setup)
    with pytest.raises(Forbidden):
        booking.cancel(setup["acme"]["hiring_manager"], request.id)
    booking.cancel(setup["acme"]["recruiter"], request.id)
    db.session.commit()
    assert [s.status for s in request.slots] == ["released"] * 3
    with pytest.raises(Conflict) as caught:
        booking.pick(token, request.slots[0].id)
    assert "withdrew" in caught.value.detail
    db.session.rollback()
    with pytest.raises(Conflict):
        booking.cancel(setup["acme"]["recruiter"], request.id)
    db.session.rollback()
    with pytest.raises(NotFound):
        booking.open_link("x" * 43)
    with pytest.raises(NotFound):
        booking.pick("short", 1)


def test_expiry_closes_the_link_and_the_tick_marks_it(setup):
    request, token = offer(setup, expires_at=iso(future(1)))
    other, _ = offer(setup)
    db.session.get(BookingRequest, request.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert request.effective_status == "expired" and booking.open_slots(request) == []
    with pytest.raises(Conflict) as caught:
        booking.pick(token, request.slots[0].id)
    assert "no longer on offer" in caught.value.detail
    db.session.rollback()
    assert booking.expire_due() == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(BookingRequest, request.id).status == "expired"
    assert db.session.get(BookingRequest, other.id).status == "open"


def test_a_slot_of_another_request_is_not_found(setup):
    _first, token = offer(setup)
    second, _ = offer(setup, slots=[iso(future(60))])
    with pytest.raises(NotFound):
        booking.pick(token, second.slots[0].id)
