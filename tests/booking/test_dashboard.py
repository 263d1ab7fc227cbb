"""The application's booking page: offer times, see the requests and their status, withdraw a link."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import BookingRequest
from tests.booking.helpers import future, offer
from tests.web.conftest import csrf, login


def _lines(*days: int) -> str:
    return "\n".join(future(d).strftime("%Y-%m-%d %H:%M") for d in days)


def test_a_recruiter_offers_times_and_sees_them_on_the_page(client, setup):
    acme, application = setup["acme"], setup["application"]
    login(client, acme["recruiter"])
    page = client.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert f'href="/dashboard/applications/{application.id}/booking"' in page and "Offer interview slots" in page
    page = client.get(f"/dashboard/applications/{application.id}/booking").get_data(as_text=True)
    assert "Offer interview slots" in page and "No times offered yet." in page
    assert f'<option value="{acme["hiring_manager"].id}">' in page and 'src="/static/js/booking-tz.js"' in page
    response = client.post(
        f"/dashboard/applications/{application.id}/booking-requests",
        data={
            "csrf_token": csrf(client),
            "title": "Technical",
            "interviewer_ids": [str(acme["hiring_manager"].id)],
            "timezone": "Europe/Paris",
            "slots": _lines(30, 31),
            "duration_minutes": "45",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{application.id}/booking")
    found = db.session.scalars(select(BookingRequest)).one()
    assert (found.title, found.timezone, len(found.slots)) == ("Technical", "Europe/Paris", 2)
    page = client.get(f"/dashboard/applications/{application.id}/booking").get_data(as_text=True)
    assert "Technical" in page and ">open<" in page and "Withdraw link" in page
    assert found.token_hash not in page


def test_bad_input_is_shown_beside_the_field(client, setup):
    acme, application = setup["acme"], setup["application"]
    login(client, acme["recruiter"])
    response = client.post(
        f"/dashboard/applications/{application.id}/booking-requests",
        data={
            "csrf_token": csrf(client),
            "title": "Technical",
            "interviewer_ids": [str(acme["hiring_manager"].id)],
            "timezone": "Europe/Paris",
            "slots": "2001-01-01 10:00\nnot a time",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="slots-error"' in html and "Time 1: must be in the future." in html
    assert db.session.scalars(select(BookingRequest)).first() is None


def test_withdrawing_a_link_and_what_a_hiring_manager_may_do(client, setup):
    acme, application = setup["acme"], setup["application"]
    request, _token = offer(setup)
    login(client, acme["hiring_manager"])
    page = client.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert "See interview times" in page and "Offer interview slots" not in page
    page = client.get(f"/dashboard/applications/{application.id}/booking").get_data(as_text=True)
    assert "Technical" in page and "Offer interview slots" not in page and "Withdraw link" not in page
    refused = client.post(f"/dashboard/booking-requests/{request.id}/cancel", data={"csrf_token": csrf(client)})
    assert refused.status_code == 403
    client.get("/auth/logout")
    other = client.application.test_client()
    login(other, setup["other"]["admin"])
    assert (
        other.post(f"/dashboard/booking-requests/{request.id}/cancel", data={"csrf_token": csrf(other)}).status_code
        == 404
    )
    recruiter = client.application.test_client()
    login(recruiter, acme["recruiter"])
    done = recruiter.post(f"/dashboard/booking-requests/{request.id}/cancel", data={"csrf_token": csrf(recruiter)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(BookingRequest, request.id).status == "cancelled"


def test_a_plan_step_gives_the_booked_interview_its_scorecard(client, setup):
    from app.services import interview_plans

    acme, application = setup["acme"], setup["application"]
    scorecard = [{"name": "Skills", "attributes": ["Python"]}]
    _job, (step,) = interview_plans.set_plan(
        acme["recruiter"], application.job_id, [{"name": "Technical", "scorecard": scorecard}]
    )
    db.session.commit()
    login(client, acme["recruiter"])
    page = client.get(f"/dashboard/applications/{application.id}/booking").get_data(as_text=True)
    assert f'<option value="{step.id}">Technical (60 min)</option>' in page
    fields = {"title": "Technical", "interviewer_ids": [str(acme["hiring_manager"].id)], "timezone": "Europe/Paris"}
    response = client.post(
        f"/dashboard/applications/{application.id}/booking-requests",
        data={"csrf_token": csrf(client), **fields, "slots": _lines(30), "kind_id": str(step.id + 1000)},
    )
    assert response.status_code == 422 and "Not a step of this job&#39;s interview plan." in response.get_data(
        as_text=True
    )
    response = client.post(
        f"/dashboard/applications/{application.id}/booking-requests",
        data={"csrf_token": csrf(client), **fields, "slots": _lines(30), "kind_id": str(step.id)},
    )
    assert response.status_code == 302
    assert db.session.scalars(select(BookingRequest)).one().kind_id == step.id
