"""The API's applying for guests and staff adds, and the privacy notice."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.models import Application, Candidate, OutboxMessage
from tests.api.conftest import ApiClient, assert_problem, pdf_bytes


def _guest(email="ana@people.example", **extra):
    data = {
        "candidate.full_name": "Ana Guest",
        "candidate.email": email,
        "candidate.links.linkedin": "https://www.linkedin.com/in/ana",
        "consent": "true",
        "utm_source": "newsletter",
        "referrer_url": "https://blog.example/post",
        "resume": (io.BytesIO(pdf_bytes("Ana")), "ana.pdf"),
        **extra,
    }
    return {"data": {k: v for k, v in data.items() if v is not None}, "content_type": "multipart/form-data"}


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_guest_applies_and_the_answer_does_not_tell_who_applied_before(api, world, db):
    path = f"/jobs/{world['acme']['job'].id}/applications"
    first = api.post(path, **_guest())
    again = api.post(path, **_guest(email="ANA@people.example"))
    assert first.status_code == again.status_code == 202
    assert first.get_json() == again.get_json() == {"status": "received", "detail": first.get_json()["detail"]}
    assert _count(db, Application) == 1
    application = db.session.scalars(select(Application)).one()
    assert application.consented_at is not None and application.consent_notice_version == 0
    assert (application.source, application.utm_source, application.referrer_host) == (
        "api",
        "newsletter",
        "blog.example",
    )
    record = db.session.get(Candidate, application.candidate_id)
    assert record.links == {"linkedin": "https://www.linkedin.com/in/ana"} and record.user_id is None
    sent = list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.to_address == "ana@people.example")
            .order_by(OutboxMessage.id)
        )
    )
    assert sent == ["application_received", "application_repeated"]


def test_guest_input_problems_are_422_with_errors_and_write_nothing(api, world, db):
    path = f"/jobs/{world['acme']['job'].id}/applications"
    problem = assert_problem(api.post(path, **_guest(consent=None, resume=None)), 422)
    assert {"consent", "resume"} <= set(problem["errors"])
    problem = assert_problem(api.post(path, **_guest(**{"candidate.links.myspace": "https://x.example"})), 422)
    assert "candidate.links.myspace" in problem["errors"]
    problem = assert_problem(api.post(path, **_guest(**{"candidate.links.github": "javascript:alert(1)"})), 422)
    assert "links.github" in problem["errors"]
    problem = assert_problem(api.post(path, json={"candidate": {"full_name": "A", "email": "a@b.example"}}), 422)
    assert "consent" in problem["errors"] and "resume" in problem["errors"]
    assert _count(db, Application) == 0 and _count(db, Candidate) == 0


def test_guest_applying_is_rate_limited(app_with):
    from app.extensions import db
    from tests.factories import Factory

    app = app_with(APPLY_RATE_LIMIT_IP="2 per hour")
    api = ApiClient(app.test_client())
    job = Factory().tenant()["job"]
    path = f"/jobs/{job.id}/applications"
    assert api.post(path, **_guest(email="one@people.example")).status_code == 202
    assert api.post(path, **_guest(email="two@people.example")).status_code == 202
    problem = assert_problem(api.post(path, **_guest(email="three@people.example")), 429)
    assert problem["type"] == "/problems/too-many-requests"
    assert _count(db, Application) == 2


def test_staff_add_people_through_the_api(api, world, token, db):
    acme = world["acme"]
    path = f"/jobs/{acme['job'].id}/applications"
    body = {
        "candidate": {"full_name": "Rita Referred", "phone": "+49 30 1234"},
        "source": "referral",
        "referrer": "Sam Colleague",
        "note": "Worked together at Initech.",
    }
    response = api.post(path, json=body, token=token(acme["recruiter"]))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["source"] == "referral" and created["origin"]["referrer_name"] == "Sam Colleague"
    assert created["candidate"]["email"] is None and created["candidate"]["full_name"] == "Rita Referred"
    notes = api.get(f"/applications/{created['id']}/notes", token=token(acme["hiring_manager"])).get_json()
    assert [note["body"] for note in notes] == ["Worked together at Initech."]
    assert_problem(api.post(path, json=body, token=token(acme["hiring_manager"])), 403)
    assert_problem(api.post(path, json={**body, "source": "careers_page"}, token=token(acme["admin"])), 422)


def test_the_privacy_notice(api, world, token):
    acme, globex = world["acme"], world["globex"]
    path = f"/companies/{acme['company'].id}/privacy-notice"
    default = api.get(path).get_json()
    assert default["version"] == 0 and acme["company"].name in default["text"]
    first = api.request("PUT", path, json={"text": "We keep your data safe."}, token=token(acme["admin"]))
    second = api.request("PUT", path, json={"text": "Version two."}, token=token(acme["admin"]))
    assert (first.get_json()["version"], second.get_json()["version"]) == (1, 2)
    assert api.get(path).get_json()["text"] == "Version two."
    assert_problem(api.request("PUT", path, json={"text": "x"}, token=token(acme["recruiter"])), 403)
    assert_problem(api.request("PUT", path, json={"text": "x"}, token=token(globex["admin"])), 404)
    assert_problem(api.request("PUT", path, json={"text": ""}, token=token(acme["admin"])), 422)
    assert_problem(api.request("PUT", path, json={"text": "x", "version": 9}, token=token(acme["admin"])), 422)
    assert_problem(api.get("/companies/999999/privacy-notice"), 404)
