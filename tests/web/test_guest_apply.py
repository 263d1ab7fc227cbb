"""Applying without an account, the private status page, staff adds and the privacy notice page."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Candidate, OutboxMessage, User
from app.services import applications
from tests.guests import apply_as_guest, mailed_links
from tests.web.conftest import PDF, csrf, login


def _form(client, job_id: int, query: str = "") -> str:
    return csrf(client, f"/jobs/{job_id}/apply{query}")


def _post(client, job_id: int, token: str, **fields):
    data = {
        "csrf_token": token,
        "full_name": "Gina Guest",
        "email": "gina@people.example",
        "phone": "+44 20 7946 0000",
        "cover_letter": "Hello team",
        "consent": "y",
        "resume": (io.BytesIO(PDF), "gina.pdf"),
        **fields,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/jobs/{job_id}/apply", data=data, content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _link(to: str) -> str:
    """The newest status link delivered to `to`."""
    return f"/status/{mailed_links(to)[-1]}"


def test_a_guest_applies_and_answers_are_the_same_for_a_repeat(client, factory):
    job = factory.tenant()["job"]
    page = client.get(f"/jobs/{job.id}/apply?utm_source=board&utm_campaign=spring").get_data(as_text=True)
    assert 'name="utm_source" type="hidden" value="board"' in page and "Privacy notice" in page
    assert 'class="trap-field"' in page and 'name="website"' in page
    token = _form(client, job.id, "?utm_source=board")
    first = _post(client, job.id, token, utm_source="board", referrer="news.example")
    assert first.status_code == 302 and first.headers["Location"] == f"/jobs/{job.id}/applied"
    again = _post(client, job.id, token, email="GINA@people.example", utm_source="board")
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "check your email" in client.get(first.headers["Location"]).get_data(as_text=True)
    application = db.session.scalars(select(Application)).one()
    assert (application.source, application.utm_source, application.referrer_host) == (
        "careers_page",
        "board",
        "news.example",
    )
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == "gina@people.example").order_by(OutboxMessage.id)
    )
    assert list(kinds) == ["application_received", "application_repeated"]


def test_a_refused_submission_keeps_what_was_typed_and_says_why_beside_the_field(client, factory):
    job = factory.tenant()["job"]
    token = _form(client, job.id)
    response = _post(client, job.id, token, consent=None, email="not-an-email", cover_letter="Kept letter")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="consent-error"' in html and "privacy notice" in html
    assert 'id="email-error"' in html and 'value="not-an-email"' in html and "Kept letter" in html
    assert "Choose your resume file again" in html
    assert _count(Application) == 0 and _count(Candidate) == 0


def test_the_honeypot_answers_like_a_success_and_writes_nothing(client, factory):
    job = factory.tenant()["job"]
    mail = _count(OutboxMessage)
    response = _post(client, job.id, _form(client, job.id), website="http://buy-now.example")
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}/applied"
    assert _count(Application) == 0 and _count(OutboxMessage) == mail


def test_too_many_applications_are_refused_beside_the_email(make_app, factory):
    app = make_app(APPLY_RATE_LIMIT_EMAIL="1 per hour")
    with app.app_context():
        client = app.test_client()
        tenant = factory.tenant()
        second = factory.job(tenant["recruiter"])
        token = _form(client, tenant["job"].id)
        assert _post(client, tenant["job"].id, token).status_code == 302
        refused = _post(client, second.id, token)
        assert refused.status_code == 429
        html = refused.get_data(as_text=True)
        assert 'id="email-error"' in html and "Too many applications" in html and 'value="Gina Guest"' in html
        db.session.remove()


def test_signed_in_candidates_get_their_details_filled_in(factory, as_user):
    job = factory.tenant()["job"]
    candidate = factory.candidate("Cara Candidate")
    client = as_user(candidate)
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'value="Cara Candidate"' in html and f'value="{candidate.email}"' in html and "readonly" in html


def test_the_status_page_timeline_withdraw_and_account(client, factory):
    tenant = factory.tenant()
    submission, token = apply_as_guest(tenant["job"].id, email="gina@people.example", name="Gina Guest")
    applications.move_stage(tenant["recruiter"], submission.application.id, "screening", note="Secret staff note")
    db.session.commit()
    page = client.get(f"/status/{token}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert "Screening" in html and "Secret staff note" not in html and tenant["recruiter"].full_name not in html
    assert client.get(f"/status/{'x' * 43}").status_code == 404
    # An account for the link's address, proven by the link.
    response = client.post(
        f"/status/{token}/account",
        data={
            "csrf_token": csrf(client, f"/status/{token}"),
            "full_name": "Gina Guest",
            "password": "gina's good password",
            "confirm": "gina's good password",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/me/applications"
    assert tenant["job"].title in client.get("/me/applications").get_data(as_text=True)
    user = db.session.scalars(select(User).where(User.email == "gina@people.example")).one()
    assert user.email_verified_at is not None
    # Withdrawing through the link.
    withdrawn = client.post(f"/status/{token}/withdraw", data={"csrf_token": csrf(client, f"/status/{token}")})
    assert withdrawn.status_code == 302
    assert db.session.get(Application, submission.application.id).stage == "withdrawn"


def test_staff_add_a_candidate_and_manage_the_link(factory, as_user):
    tenant = factory.tenant()
    job_id = tenant["job"].id
    recruiter = as_user(tenant["recruiter"])
    assert "Add candidate" in recruiter.get(f"/dashboard/jobs/{job_id}").get_data(as_text=True)
    url = f"/dashboard/jobs/{job_id}/candidates/new"
    refused = recruiter.post(url, data={"csrf_token": csrf(recruiter, url), "source": "referral", "full_name": "Ron"})
    assert refused.status_code == 422 and 'id="referrer-error"' in refused.get_data(as_text=True)
    added = recruiter.post(
        url,
        data={
            "csrf_token": csrf(recruiter, url),
            "full_name": "Ron Referred",
            "source": "referral",
            "referrer": "Sam Colleague",
            "github": "https://github.com/ron",
            "note": "Knows our stack.",
        },
    )
    assert added.status_code == 302
    record = db.session.scalars(select(Candidate).where(Candidate.full_name == "Ron Referred")).one()
    application = db.session.scalars(select(Application).where(Application.candidate_id == record.id)).one()
    page = recruiter.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert "Referral" in page and "Sam Colleague" in page and "No email" in page and "Knows our stack." in page
    manager = recruiter.application.test_client()
    login(manager, tenant["hiring_manager"])
    assert manager.get(url).status_code == 403

    # A guest's link: revoked from the application page, then a new one sent.
    submission, token = apply_as_guest(job_id, email="gina@people.example")
    db.session.commit()
    page_url = f"/dashboard/applications/{submission.application.id}"
    assert "Revoke link" in recruiter.get(page_url).get_data(as_text=True)
    revoke = recruiter.post(f"{page_url}/status-link/revoke", data={"csrf_token": csrf(recruiter, page_url)})
    assert revoke.status_code == 302
    assert recruiter.application.test_client().get(f"/status/{token}").status_code == 404
    recruiter.post(f"{page_url}/status-link", data={"csrf_token": csrf(recruiter, page_url)})
    new_link = _link("gina@people.example")
    assert new_link != f"/status/{token}"
    assert recruiter.application.test_client().get(new_link).status_code == 200


def test_admins_edit_the_privacy_notice_applicants_see(factory, as_user):
    tenant = factory.tenant()
    admin = as_user(tenant["admin"])
    page = admin.get("/dashboard/privacy-notice").get_data(as_text=True)
    assert "default text" in page
    saved = admin.post(
        "/dashboard/privacy-notice",
        data={"csrf_token": csrf(admin, "/dashboard/privacy-notice"), "text": "Acme keeps applications for 6 months."},
    )
    assert saved.status_code == 302
    assert "Version 1" in admin.get("/dashboard/privacy-notice").get_data(as_text=True)
    visitor = admin.application.test_client()
    assert "Acme keeps applications for 6 months." in visitor.get(f"/jobs/{tenant['job'].id}/apply").get_data(
        as_text=True
    )
    login(visitor, tenant["recruiter"])
    assert visitor.get("/dashboard/privacy-notice").status_code == 403
