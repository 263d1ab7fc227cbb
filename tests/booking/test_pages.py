"""The candidate's booking page: times in their zone, a CSRF-protected POST per time, clear closed pages."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import BookingRequest, Interview
from app.services import booking
from tests.booking.helpers import offer
from tests.web.conftest import csrf, csrf_from

WINTER = ["2040-01-10T13:00:00+00:00", "2040-01-11T13:00:00+00:00"]


def _page(client, token, **query):
    response = client.get(f"/book/{token}", query_string=query)
    return response, response.get_data(as_text=True)


def test_times_show_in_the_zone_asked_for_else_the_planned_one(client, setup):
    _request, token = offer(setup, slots=WINTER, duration_minutes=60)
    response, html = _page(client, token, tz="Europe/Paris")
    assert response.status_code == 200
    assert "Tuesday 10 January 2040, <strong>14:00\N{EN DASH}15:00</strong>" in html
    _response, html = _page(client, token, tz="America/New_York")
    assert "Tuesday 10 January 2040, <strong>08:00\N{EN DASH}09:00</strong>" in html and "EST" in html
    assert '<option value="America/New_York" selected>' in html
    _response, html = _page(client, token, tz="Not/AZone")  # unknown: the zone they were planned in
    assert "<strong>14:00\N{EN DASH}15:00</strong>" in html and '<option value="Europe/Paris" selected>' in html
    assert 'src="/static/js/booking-tz.js"' in html and "<script>" not in html
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"


def test_picking_needs_the_csrf_token_then_confirms_in_the_candidates_zone(client, setup):
    request, token = offer(setup, slots=WINTER)
    slot_id = request.slots[1].id
    refused = client.post(f"/book/{token}", data={"slot_id": slot_id, "tz": "America/New_York"})
    assert refused.status_code == 400
    assert db.session.get(BookingRequest, request.id).status == "open"
    _response, html = _page(client, token)
    done = client.post(
        f"/book/{token}", data={"slot_id": slot_id, "tz": "America/New_York", "csrf_token": csrf_from(html)}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/book/{token}?tz=America/New_York")
    _response, html = _page(client, token, tz="America/New_York")
    assert "Your interview is booked" in html and "Wednesday 11 January 2040, 08:00\N{EN DASH}08:45" in html
    assert "An invitation for your calendar is on its way" in html
    assert 'name="slot_id"' not in html  # no more times to pick
    db.session.expire_all()
    assert db.session.get(BookingRequest, request.id).booked_slot_id == slot_id


def test_a_second_pick_gets_409_and_the_page_says_the_booking_is_done(client, setup):
    request, token = offer(setup, slots=WINTER)
    _response, html = _page(client, token)
    token_field = csrf_from(html)
    first = client.post(f"/book/{token}", data={"slot_id": request.slots[0].id, "csrf_token": token_field})
    assert first.status_code == 302
    late = client.post(f"/book/{token}", data={"slot_id": request.slots[1].id, "csrf_token": token_field})
    html = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "This slot was just taken." in html and "Your interview is booked" in html
    assert db.session.scalar(select(func.count(Interview.id))) == 1


def test_an_interviewer_busy_since_leaves_the_other_times_on_offer(client, setup):
    from app.services import interviews

    acme = setup["acme"]
    request, token = offer(setup, slots=WINTER)
    slot = request.slots[0]
    interviews.schedule(
        acme["admin"], setup["application"].id, starts_at=slot.starts_at, ends_at=slot.ends_at, timezone="UTC",
        title="Other", interviewer_ids=[acme["hiring_manager"].id],
    )  # fmt: skip
    db.session.commit()
    _response, html = _page(client, token)
    response = client.post(f"/book/{token}", data={"slot_id": slot.id, "csrf_token": csrf_from(html)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "This slot was just taken." in html
    assert len(re.findall(r'name="slot_id"', html)) == 2  # the remaining options
    assert db.session.get(BookingRequest, request.id).status == "open"


def test_withdrawn_expired_and_unknown_links(client, setup):
    request, token = offer(setup, slots=WINTER)
    booking.cancel(setup["acme"]["recruiter"], request.id)
    db.session.commit()
    response, html = _page(client, token)
    assert response.status_code == 410 and "withdrew these times" in html and 'name="slot_id"' not in html
    other, other_token = offer(setup, slots=WINTER, expires_at="2030-01-01T00:00:00+00:00")
    db.session.get(BookingRequest, other.id).expires_at = other.created_at
    db.session.commit()
    response, html = _page(client, other_token)
    assert response.status_code == 410 and "no longer on offer" in html
    assert client.get("/book/" + "a" * 43).status_code == 404
    assert client.get("/book/short").status_code == 404
    post = client.post("/book/" + "b" * 43, data={"slot_id": "1", "csrf_token": csrf(client)})
    assert post.status_code == 404


def test_a_bad_slot_is_a_message_not_an_error(client, setup):
    _request, token = offer(setup, slots=WINTER)
    _response, html = _page(client, token)
    response = client.post(f"/book/{token}", data={"slot_id": "x", "csrf_token": csrf_from(html)})
    assert response.status_code == 422 and "Pick one of the times below." in response.get_data(as_text=True)
    response = client.post(f"/book/{token}", data={"slot_id": "999999", "csrf_token": csrf_from(html)})
    assert response.status_code == 404
