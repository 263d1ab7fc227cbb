"""The API's door onto private status links: staff revoke one or send a new one, never see it."""

from __future__ import annotations

from sqlalchemy import select

from app.models import OutboxMessage
from app.services import applying
from app.services.candidates import CandidateDetails
from tests.api.conftest import assert_problem
from tests.guests import apply_as_guest, mailed_links


def _links_mailed_to(_db, address: str) -> list[str]:
    return mailed_links(address)


def _guest(db, job_id: int, email: str = "gina@people.example") -> tuple[int, str]:
    submission, token = apply_as_guest(job_id, email=email)
    db.session.commit()
    return submission.application.id, token


def test_staff_revoke_a_link_and_it_stops_working(api, client, world, token, db):
    acme = world["acme"]
    application_id, link = _guest(db, acme["job"].id)
    assert client.get(f"/status/{link}").status_code == 200
    revoked = api.delete(f"/applications/{application_id}/status-link", token=token(acme["recruiter"]))
    assert revoked.status_code == 204 and revoked.get_data() == b""
    assert client.get(f"/status/{link}").status_code == 404
    # Nothing left to revoke.
    again = api.delete(f"/applications/{application_id}/status-link", token=token(acme["admin"]))
    assert_problem(again, 409)


def test_staff_send_a_new_link_by_email_and_the_old_one_stops_working(api, client, world, token, db):
    acme = world["acme"]
    application_id, old = _guest(db, acme["job"].id)
    response = api.post(f"/applications/{application_id}/status-link", token=token(acme["admin"]))
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.get_json()["status"] == "sent"
    links = _links_mailed_to(db, "gina@people.example")
    assert links[0] == old and len(links) == 2  # the confirmation, then the new link
    new = links[-1]
    assert new != old and new not in response.get_data(as_text=True)  # staff never see it
    assert client.get(f"/status/{old}").status_code == 404
    assert client.get(f"/status/{new}").status_code == 200
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == "gina@people.example").order_by(OutboxMessage.id)
    )
    assert list(kinds) == ["application_received", "status_link"]

    # A revoked link can be replaced too: the person gets a working one again.
    assert api.delete(f"/applications/{application_id}/status-link", token=token(acme["recruiter"])).status_code == 204
    assert api.post(f"/applications/{application_id}/status-link", token=token(acme["recruiter"])).status_code == 202
    assert client.get(f"/status/{_links_mailed_to(db, 'gina@people.example')[-1]}").status_code == 200


def test_hiring_managers_are_forbidden_and_other_companies_see_nothing(api, client, world, token, db):
    acme, globex = world["acme"], world["globex"]
    application_id, link = _guest(db, acme["job"].id)
    path = f"/applications/{application_id}/status-link"
    for method in ("POST", "DELETE"):
        assert_problem(api.request(method, path, token=token(acme["hiring_manager"])), 403)
        for outsider in (globex["admin"], globex["recruiter"], world["ada"]):
            assert_problem(api.request(method, path, token=token(outsider)), 404)
        assert_problem(api.request(method, "/applications/999999/status-link", token=token(acme["admin"])), 404)
        assert api.request(method, path).status_code == 401
    # Nothing changed: the link works and no mail went out.
    assert client.get(f"/status/{link}").status_code == 200
    assert _links_mailed_to(db, "gina@people.example") == [link]


def test_a_person_without_an_email_gets_no_link(api, world, token, db):
    acme = world["acme"]
    added = applying.add_candidate(
        acme["recruiter"], acme["job"].id, details=CandidateDetails(full_name="No Mail"), source="sourced"
    )
    db.session.commit()
    problem = assert_problem(api.post(f"/applications/{added.id}/status-link", token=token(acme["recruiter"])), 409)
    assert "email" in problem["detail"]
