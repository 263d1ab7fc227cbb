"""The booking API: offer, list, read, withdraw; problem+json, unknown fields, tenancy, roles."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import BookingRequest, OutboxMessage
from tests.api.conftest import assert_problem
from tests.booking.helpers import future, iso
from tests.factories import Factory


def _body(manager_id: int, **extra) -> dict:
    return {
        "slots": [{"starts_at": iso(future(30))}, {"starts_at": iso(future(31)), "ends_at": iso(future(31, 14))}],
        "timezone": "Europe/Paris",
        "interviewer_ids": [manager_id],
        "title": "Technical",
        **extra,
    }


def _setup():
    factory = Factory()
    acme, globex = factory.tenant(), factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    return acme, globex, application


def test_offer_list_read_and_withdraw(api, token):
    acme, _globex, application = _setup()
    url = f"/applications/{application.id}/booking-requests"
    created = api.request("POST", url, token=token(acme["recruiter"]), json=_body(acme["hiring_manager"].id))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "open" and len(body["slots"]) == 2 and body["duration_minutes"] == 60
    assert body["slots"][1]["ends_at"].startswith(iso(future(31, 14))[:16])
    assert "token" not in str(body).lower().replace("token_hash", "")
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "booking_offer")).one()
    assert mail.application_id == application.id

    manager = token(acme["hiring_manager"])
    listed = api.request("GET", url, token=manager)
    assert listed.status_code == 200 and [i["id"] for i in listed.get_json()["items"]] == [body["id"]]
    one = api.request("GET", f"/booking-requests/{body['id']}", token=manager)
    assert one.status_code == 200 and one.get_json()["title"] == "Technical"
    assert_problem(api.request("DELETE", f"/booking-requests/{body['id']}", token=manager), 403)
    recruiter = token(acme["recruiter"])
    assert api.request("DELETE", f"/booking-requests/{body['id']}", token=recruiter).status_code == 204
    assert_problem(api.request("DELETE", f"/booking-requests/{body['id']}", token=recruiter), 409)
    db.session.expire_all()
    assert db.session.get(BookingRequest, body["id"]).status == "cancelled"


def test_unknown_fields_bad_values_and_roles(api, token):
    acme, _globex, application = _setup()
    url = f"/applications/{application.id}/booking-requests"
    mine = token(acme["recruiter"])
    problem = assert_problem(api.request("POST", url, token=mine, json=_body(1, colour="red")), 422)
    assert "colour" in problem["errors"]
    bad_slot = _body(1, slots=[{"starts_at": "2040-01-01T10:00", "room": "x"}])
    assert "slots.0.room" in assert_problem(api.request("POST", url, token=mine, json=bad_slot), 422)["errors"]
    past = _body(acme["hiring_manager"].id, slots=[{"starts_at": "2001-01-01T10:00"}])
    problem = assert_problem(api.request("POST", url, token=mine, json=past), 422)
    assert problem["errors"]["slots"] == ["Time 1: must be in the future."]
    assert_problem(api.request("POST", url, token=mine, json=_body(1, slots=[])), 422)
    manager = token(acme["hiring_manager"])
    assert_problem(api.request("POST", url, token=manager, json=_body(acme["hiring_manager"].id)), 403)


def test_another_company_sees_nothing(api, token):
    acme, globex, application = _setup()
    url = f"/applications/{application.id}/booking-requests"
    created = api.request("POST", url, token=token(acme["recruiter"]), json=_body(acme["hiring_manager"].id))
    request_id = created.get_json()["id"]
    theirs = token(globex["admin"])
    assert_problem(api.request("GET", url, token=theirs), 404)
    assert_problem(api.request("POST", url, token=theirs, json=_body(globex["hiring_manager"].id)), 404)
    assert_problem(api.request("GET", f"/booking-requests/{request_id}", token=theirs), 404)
    assert_problem(api.request("DELETE", f"/booking-requests/{request_id}", token=theirs), 404)
    assert_problem(api.request("GET", "/booking-requests/999999", token=token(acme["admin"])), 404)
