"""Dashboard home and job management: create, edit, open, close; hiring managers read only."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Job
from app.services import applications
from tests.web.conftest import csrf, post

JOB_FORM = {
    "title": "Data Engineer",
    "location": "Lisbon",
    "remote": "y",
    "employment_type": "contract",
    "salary_min": "50000",
    "salary_max": "60000",
    "salary_currency": "eur",
    "description": "Pipelines.\nLots of them.",
    "status": "open",
}


def test_home_shows_counts_per_stage_and_recent_activity(world, as_user):
    applications.move_stage(world.recruiter, world.application.id, "screening")
    db.session.commit()
    html = as_user(world.hiring_manager).get("/dashboard/").get_data(as_text=True)
    assert world.job.title in html
    assert "Screening <strong>1</strong>" in html
    assert "Recent activity" in html and "Cara Candidate" in html
    assert world.other_job.title not in html and "Olga Other" not in html  # another company's


def test_recruiter_creates_an_open_job(world, as_user):
    client = as_user(world.recruiter)
    response = post(client, "/dashboard/jobs/new", JOB_FORM)
    assert response.status_code == 302
    job = db.session.scalar(select(Job).where(Job.title == "Data Engineer"))
    assert response.headers["Location"] == f"/dashboard/jobs/{job.id}"
    assert (job.company_id, job.status, job.remote, job.salary_currency) == (world.company.id, "open", True, "EUR")
    assert job.description == "Pipelines.\nLots of them."
    assert "Data Engineer" in client.get("/").get_data(as_text=True)  # on the public board


def test_job_form_errors_are_shown_beside_fields_with_input_kept(world, as_user):
    client = as_user(world.admin)
    bad = {**JOB_FORM, "title": "", "salary_min": "lots", "salary_max": "100", "salary_currency": "EURO"}
    response = post(client, "/dashboard/jobs/new", bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html
    assert 'id="salary_min-error"' in html
    assert 'value="lots"' in html and 'value="Lisbon"' in html

    bad = {**JOB_FORM, "salary_min": "90000", "salary_max": "100", "salary_currency": "E1"}
    html = post(client, "/dashboard/jobs/new", bad).get_data(as_text=True)
    assert "Must not be below the minimum." in html  # from the service, beside salary_max
    assert 'id="salary_max-error"' in html and 'id="salary_currency-error"' in html
    assert db.session.scalar(select(Job).where(Job.title == "Data Engineer")) is None


def test_edit_and_close_and_reopen(world, as_user):
    client = as_user(world.recruiter)
    edit_url = f"/dashboard/jobs/{world.job.id}/edit"
    assert f'value="{world.job.title}"' in client.get(edit_url).get_data(as_text=True)
    response = post(client, edit_url, {**JOB_FORM, "title": "Renamed job"})
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.get(Job, world.job.id)
    assert job.title == "Renamed job" and job.status == "open"  # the edit form leaves the status alone

    post(client, f"/dashboard/jobs/{job.id}/status", {"status": "closed"})
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "closed"
    assert client.get(f"/jobs/{job.id}").status_code == 200  # staff still see it
    post(client, f"/dashboard/jobs/{job.id}/status", {"status": "open"})
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "open"
    bad = post(client, f"/dashboard/jobs/{job.id}/status", {"status": "archived"}, follow_redirects=True)
    assert "Must be one of" in bad.get_data(as_text=True)


def test_hiring_manager_sees_jobs_read_only(world, as_user):
    client = as_user(world.hiring_manager)
    board = client.get(f"/dashboard/jobs/{world.job.id}").get_data(as_text=True)
    assert "Close job" not in board and "/edit" not in board
    assert 'name="to"' not in board  # no move buttons
    assert "New job" not in client.get("/dashboard/jobs").get_data(as_text=True)
    assert post(client, "/dashboard/jobs/new", JOB_FORM).status_code == 403
    assert post(client, f"/dashboard/jobs/{world.job.id}/edit", JOB_FORM).status_code == 403
    assert post(client, f"/dashboard/jobs/{world.job.id}/status", {"status": "closed"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Job, world.job.id).status == "open"


def test_another_companys_job_cannot_be_changed(world, as_user):
    client = as_user(world.other_admin)
    assert post(client, f"/dashboard/jobs/{world.job.id}/edit", JOB_FORM).status_code == 404
    assert post(client, f"/dashboard/jobs/{world.job.id}/status", {"status": "closed"}).status_code == 404


def test_job_posts_need_csrf(world, as_user):
    client = as_user(world.recruiter)
    assert client.post("/dashboard/jobs/new", data=JOB_FORM).status_code == 400
    assert client.post(f"/dashboard/jobs/{world.job.id}/status", data={"status": "closed"}).status_code == 400
    token = csrf(client, "/dashboard/jobs/new")
    assert client.post("/dashboard/jobs/new", data={**JOB_FORM, "csrf_token": token}).status_code == 302


def test_job_titles_and_descriptions_are_escaped_in_the_dashboard(world, as_user):
    client = as_user(world.recruiter)
    post(client, "/dashboard/jobs/new", {**JOB_FORM, "title": "<script>alert(1)</script>"})
    for url in ("/dashboard/", "/dashboard/jobs"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
