"""Applying from the job page, and a candidate's own applications."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate
from app.services import applications, jobs
from tests.web.conftest import PDF, csrf, post


def _apply(client, job, *, cover_letter="Hello there", resume=(PDF, "cv.pdf"), token=None):
    data = {"csrf_token": token or csrf(client, f"/jobs/{job.id}"), "cover_letter": cover_letter, "consent": "y"}
    if resume is not None:
        data["resume"] = (io.BytesIO(resume[0]), resume[1])
    return client.post(f"/jobs/{job.id}/apply", data=data, content_type="multipart/form-data")


def test_candidate_applies_with_a_pdf(factory, as_user):
    tenant = factory.tenant()
    candidate = factory.candidate()
    client = as_user(candidate)
    response = _apply(client, tenant["job"], cover_letter="Dear team,\n\nHire me.")
    assert response.status_code == 302
    application = db.session.scalar(
        select(Application).join(Candidate).where(Candidate.user_id == candidate.id, Candidate.email == candidate.email)
    )
    assert response.headers["Location"] == f"/me/applications/{application.id}"
    assert application.resume_content_type == "application/pdf" and application.resume_filename == "cv.pdf"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is on its way" in page
    assert "Dear team,\n\nHire me." in page  # shown as text, line breaks kept by CSS
    with client.get(f"/me/applications/{application.id}/resume") as download:
        assert download.status_code == 200
        assert download.data == PDF
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    # the job page now says so instead of offering the form again
    job_page = client.get(f"/jobs/{tenant['job'].id}").get_data(as_text=True)
    assert "You applied on" in job_page and 'name="cover_letter"' not in job_page


def test_a_resume_that_is_not_pdf_or_docx_is_refused_beside_the_field(factory, as_user):
    tenant = factory.tenant()
    client = as_user(factory.candidate())
    response = _apply(client, tenant["job"], cover_letter="Kept letter", resume=(b"MZ\x90\x00 not a pdf", "cv.pdf"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="resume-error"' in html and "Upload a PDF or DOCX file." in html
    assert "Kept letter" in html
    assert db.session.scalar(select(Application.id)) is None


def test_the_resume_is_required(factory, as_user):
    tenant = factory.tenant()
    client = as_user(factory.candidate())
    response = _apply(client, tenant["job"], resume=None)
    assert response.status_code == 422
    assert "Attach your resume" in response.get_data(as_text=True)


def test_applying_twice_says_so(factory, as_user):
    tenant = factory.tenant()
    candidate = factory.candidate()
    client = as_user(candidate)
    token = csrf(client, f"/jobs/{tenant['job'].id}")
    assert _apply(client, tenant["job"], token=token).status_code == 302
    again = _apply(client, tenant["job"], token=token)
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/me/applications/")
    assert "already applied" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_applying_to_a_job_that_closed_meanwhile_says_so(factory, as_user):
    tenant = factory.tenant()
    client = as_user(factory.candidate())
    token = csrf(client, f"/jobs/{tenant['job'].id}")
    jobs.set_job_status(tenant["recruiter"], tenant["job"].id, "closed")
    db.session.commit()
    response = _apply(client, tenant["job"], token=token)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "not open for applications" in client.get("/").get_data(as_text=True)


def test_staff_cannot_apply(factory, as_user):
    tenant = factory.tenant()
    staff = as_user(tenant["recruiter"])
    assert _apply(staff, tenant["job"]).status_code == 403
    assert "Staff accounts cannot apply" in staff.get(f"/jobs/{tenant['job'].id}").get_data(as_text=True)


def test_apply_without_csrf_is_rejected(factory, as_user):
    tenant = factory.tenant()
    client = as_user(factory.candidate())
    response = client.post(
        f"/jobs/{tenant['job'].id}/apply",
        data={"cover_letter": "x", "resume": (io.BytesIO(PDF), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Application.id)) is None


def test_my_applications_and_timeline_hide_staff_notes_and_reasons(factory, as_user):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"], cover_letter="<script>alert(1)</script>")
    recruiter = tenant["recruiter"]
    applications.move_stage(recruiter, application.id, "screening", note="Internal: strong profile")
    applications.move_stage(recruiter, application.id, "rejected", reason="Internal: salary too high")
    applications.add_note(recruiter, application.id, "Private staff note")
    db.session.commit()

    client = as_user(candidate)
    listing = client.get("/me/applications").get_data(as_text=True)
    assert tenant["job"].title in listing and "Rejected" in listing
    html = client.get(f"/me/applications/{application.id}").get_data(as_text=True)
    assert "Screening" in html and "Rejected" in html
    assert "Internal" not in html and "Private staff note" not in html
    assert recruiter.full_name not in html  # staff names stay inside the company
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "Withdraw my application" not in html  # final: nothing to withdraw


def test_withdraw(factory, as_user):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    client = as_user(candidate)
    page = client.get(f"/me/applications/{application.id}").get_data(as_text=True)
    assert "Withdraw my application" in page
    response = post(client, f"/me/applications/{application.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage == "withdrawn"
    again = post(client, f"/me/applications/{application.id}/withdraw", follow_redirects=True)
    assert "Cannot move from withdrawn" in again.get_data(as_text=True)


def test_another_candidates_application_is_not_found(factory, as_user):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    client = as_user(factory.candidate())
    assert client.get(f"/me/applications/{application.id}").status_code == 404
    assert post(client, f"/me/applications/{application.id}/withdraw").status_code == 404
    assert client.get(f"/me/applications/{application.id}/resume").status_code == 404


def test_my_applications_page_with_a_cursor(factory, as_user):
    tenant = factory.tenant()
    candidate = factory.candidate()
    for _ in range(22):
        factory.application(candidate, factory.job(tenant["recruiter"]))
    client = as_user(candidate)
    html = client.get("/me/applications").get_data(as_text=True)
    assert html.count('href="/me/applications/') == 20
    assert "Older applications" in html
    cursor_url = html.split('href="/me/applications?cursor=')[1].split('"')[0]
    older = client.get(f"/me/applications?cursor={cursor_url}").get_data(as_text=True)
    assert older.count('href="/me/applications/') == 2
