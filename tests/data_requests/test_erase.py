"""Erase me: confirmed by email, every company's record erased except one under a legal hold, the login closed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Candidate, DataRequest, User
from app.models.base import utcnow
from app.services import erasure
from tests.data_requests.conftest import mailed, subjects_to
from tests.guests import apply_as_guest
from tests.web.conftest import csrf, login


def _ask(app, client, person) -> str:
    assert login(client, person.user).status_code == 302
    response = client.post("/me/privacy/erase", data={"csrf_token": csrf(client, "/me/privacy")})
    assert response.status_code == 302
    (token,) = mailed(app, person.user.email, "erase-me")
    return token


def test_erasure_across_two_companies_keeps_the_one_under_legal_hold(app, client, person):
    held_tenant, erased_tenant = person.tenants
    held_app, erased_app = person.applications
    erasure.set_legal_hold(held_tenant["admin"], held_app.candidate_id, "Employment tribunal")
    db.session.commit()
    user_id, email = person.user.id, person.user.email
    token = _ask(app, client, person)
    assert db.session.get(Candidate, erased_app.candidate_id).anonymised_at is None  # nothing before confirming
    page = client.get(f"/erase-me/{token}")
    assert page.status_code == 200 and b"Erase my data now" in page.data
    done = client.post(f"/erase-me/{token}", data={"csrf_token": csrf(client, f"/erase-me/{token}")})
    assert done.status_code == 200
    assert b"legal obligation" in done.data
    assert held_tenant["admin"].full_name.encode() not in done.data
    db.session.expire_all()
    erased = db.session.get(Candidate, erased_app.candidate_id)
    held = db.session.get(Candidate, held_app.candidate_id)
    assert erased.anonymised_at is not None and erased.email is None
    assert held.anonymised_at is None and held.email == email and held.user_id is None
    user = db.session.get(User, user_id)
    assert (user.email, user.active, user.password_hash) == (f"erased-{user_id}@invalid", False, None)
    assert client.get("/me/applications").status_code == 302  # the session ended
    assert login(app.test_client(), email).status_code != 302  # signing in no longer works
    told = "A candidate erased their data"
    assert subjects_to(app, erased_tenant["admin"].email).count(told) == 1
    assert told not in subjects_to(app, held_tenant["admin"].email)
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.company_id).where(
        AuditEvent.action == "data_request.erased")).all()  # fmt: skip
    assert rows == [("data_request.erased", erased_tenant["company"].id)]
    assert client.get(f"/erase-me/{token}").status_code == 404  # used once


def test_an_expired_or_unknown_confirmation_link_erases_nothing(app, client, person):
    token = _ask(app, client, person)
    db.session.execute(db.update(DataRequest).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(f"/erase-me/{token}").status_code == 404
    assert client.post(f"/erase-me/{token}", data={"csrf_token": csrf(client, "/me/privacy")}).status_code == 404
    assert client.get(f"/erase-me/{'y' * 43}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Candidate, person.applications[0].candidate_id).anonymised_at is None
    assert db.session.get(User, person.user.id).active


def test_confirming_needs_the_csrf_token(app, client, person):
    token = _ask(app, client, person)
    assert client.post(f"/erase-me/{token}").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, person.user.id).active


def test_a_guest_erases_from_the_status_page(app, client, factory):
    tenant = factory.tenant()
    _submission, link = apply_as_guest(tenant["job"].id, email="guest.erase@people.example", name="Gus")
    db.session.commit()
    response = client.post(f"/status/{link}/erase", data={"csrf_token": csrf(client, f"/status/{link}")})
    assert response.status_code == 302
    (token,) = mailed(app, "guest.erase@people.example", "erase-me")
    other = app.test_client()
    done = other.post(f"/erase-me/{token}", data={"csrf_token": csrf(other, f"/erase-me/{token}")})
    assert done.status_code == 200 and b"legal obligation" not in done.data
    db.session.expire_all()
    candidate = db.session.scalars(select(Candidate).where(Candidate.company_id == tenant["company"].id)).one()
    assert candidate.anonymised_at is not None
    assert client.get(f"/status/{link}").status_code == 404  # the status link died with the record
