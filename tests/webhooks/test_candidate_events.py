"""candidate.created and candidate.updated: written with the change, delivered to the company's endpoints only."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate, Event, WebhookDelivery
from app.services import candidate_profiles, webhooks
from tests.api.conftest import assert_problem, pdf_bytes
from tests.mail.conftest import work

PUBLIC = "https://93.184.215.14/hooks"


def _endpoint(admin, *types: str, url: str = PUBLIC) -> tuple[int, str]:
    made = webhooks.create_endpoint(admin, url=url, event_types=list(types))
    db.session.commit()
    return made.endpoint.id, made.secret


def _types(endpoint_id: int) -> list[str]:
    db.session.expire_all()
    stmt = (
        select(Event.type)
        .join(WebhookDelivery, WebhookDelivery.event_id == Event.id)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id)
    )
    return list(db.session.scalars(stmt))


def _guest_apply(api, job_id: int, email: str, name: str = "Ana Guest"):
    data = {"candidate.full_name": name, "candidate.email": email, "consent": "true",
            "resume": (io.BytesIO(pdf_bytes(name)), "cv.pdf")}  # fmt: skip
    return api.post(f"/jobs/{job_id}/applications", data=data, content_type="multipart/form-data")


def _payloads(kind: str) -> list[dict]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event.payload).where(Event.type == kind).order_by(Event.id)))


def test_a_guest_apply_sends_candidate_created_once_to_its_company_only(api, world, factory):
    acme, globex = world["acme"], world["globex"]
    second_job = factory.job(acme["recruiter"])
    mine, _ = _endpoint(acme["admin"], "candidate.created")
    theirs, _ = _endpoint(globex["admin"], "candidate.created", "candidate.updated")
    everything, _ = _endpoint(acme["admin"])

    assert _guest_apply(api, acme["job"].id, "ana@people.example").status_code == 202
    assert _types(mine) == ["candidate.created"]
    assert _types(everything) == ["candidate.created", "application.created"]  # one INSERT, the person first
    assert _types(theirs) == []
    (payload,) = _payloads("candidate.created")
    record = db.session.scalars(select(Candidate).where(Candidate.email == "ana@people.example")).one()
    assert payload == {
        "id": record.id,
        "full_name": "Ana Guest",
        "email": "ana@people.example",
        "phone": None,
        "location": None,
        "links": {},
        "source": "api",
        "version": 1,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }

    # The same person again (another job, or the same one): their record is found, not made.
    for job_id in (acme["job"].id, second_job.id):
        assert _guest_apply(api, job_id, "ANA@people.example").status_code == 202
    assert _types(mine) == ["candidate.created"]
    assert db.session.scalar(select(db.func.count()).select_from(Application)) == 2


def test_staff_adding_a_new_person_sends_candidate_created(api, world, token):
    acme = world["acme"]
    endpoint_id, _ = _endpoint(acme["admin"], "candidate.created")
    response = api.post(
        f"/jobs/{acme['job'].id}/applications",
        token=token(acme["recruiter"]),
        json={"candidate": {"full_name": "Found Person"}, "source": "sourced"},
    )
    assert response.status_code == 201, response.get_json()
    assert _types(endpoint_id) == ["candidate.created"]
    assert _payloads("candidate.created")[0]["full_name"] == "Found Person"


def test_a_profile_patch_sends_candidate_updated_with_the_new_details(api, world, token):
    acme, globex = world["acme"], world["globex"]
    assert _guest_apply(api, acme["job"].id, "bo@people.example", "Bo").status_code == 202
    record = db.session.scalars(select(Candidate).where(Candidate.email == "bo@people.example")).one()
    mine, _ = _endpoint(acme["admin"], "candidate.updated")
    theirs, _ = _endpoint(globex["admin"])
    recruiter = token(acme["recruiter"])

    edited = api.patch(f"/candidates/{record.id}", token=recruiter, json={"location": "Lisbon", "version": 1})
    assert edited.status_code == 200, edited.get_json()
    assert _types(mine) == ["candidate.updated"] and _types(theirs) == []
    (payload,) = _payloads("candidate.updated")
    assert (payload["id"], payload["location"], payload["version"]) == (record.id, "Lisbon", 2)
    assert payload["full_name"] == edited.get_json()["full_name"] == "Bo"

    # Nothing changed, or the edit was refused: no event.
    assert api.patch(f"/candidates/{record.id}", token=recruiter, json={"location": "Lisbon"}).status_code == 200
    assert_problem(api.patch(f"/candidates/{record.id}", token=recruiter, json={"location": "x", "version": 1}), 409)
    assert_problem(api.patch(f"/candidates/{record.id}", token=token(acme["hiring_manager"]), json={"location": "y"}),
                   403)  # fmt: skip
    assert _types(mine) == ["candidate.updated"]

    # The profile form goes through the same service.
    candidate_profiles.update(acme["recruiter"], record.id, full_name="Bo Brave")
    db.session.commit()
    assert _types(mine) == ["candidate.updated", "candidate.updated"]
    assert _payloads("candidate.updated")[-1]["full_name"] == "Bo Brave"


def test_candidate_created_reaches_the_receiver_signed(hook_app, factory, receiver):
    tenant = factory.tenant()
    made = webhooks.create_endpoint(tenant["admin"], url=receiver.url, event_types=["candidate.created"])
    db.session.commit()
    candidate = factory.candidate("Grace Hopper")
    assert hook_app.test_client().post(f"/_test/apply/{tenant['job'].id}/{candidate.id}").status_code == 201
    work(hook_app)
    (verified,) = receiver.verified(made.secret)
    assert verified["type"] == "candidate.created"
    assert verified["data"]["full_name"] == "Grace Hopper" and verified["data"]["email"] == candidate.email
