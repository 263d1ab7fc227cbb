"""The dashboard job form's careers fields: department, openings, closing date, salary visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Job
from tests.web.conftest import post

FORM = {"title": "Roofer", "employment_type": "full_time", "status": "open", "salary_min": "40000"}


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_the_form_saves_the_careers_fields(world, as_user):
    client = as_user(world.recruiter)
    closes = (datetime.now(UTC) + timedelta(days=14)).replace(second=0, microsecond=0)
    data = {**FORM, "department": "Crafts", "headcount": "3", "closes_at": _local(closes), "salary_visible": "y"}
    assert post(client, "/dashboard/jobs/new", data).status_code == 302
    job = db.session.scalar(select(Job).where(Job.title == "Roofer"))
    assert (job.department, job.headcount, job.closes_at, job.salary_visible) == ("Crafts", 3, closes, True)

    edit = f"/dashboard/jobs/{job.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert f'value="{_local(closes)}"' in page and 'value="Crafts"' in page
    # An unticked box hides the salary; an emptied closing date clears it.
    assert post(client, edit, {**FORM, "department": "Crafts", "headcount": "3", "closes_at": ""}).status_code == 302
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.salary_visible is False and job.closes_at is None


def test_bad_careers_fields_are_shown_beside_their_fields(world, as_user):
    client = as_user(world.recruiter)
    past = datetime.now(UTC) - timedelta(days=1)
    response = post(client, "/dashboard/jobs/new", {**FORM, "headcount": "0", "closes_at": _local(past)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="headcount-error"' in html and 'id="closes_at-error"' in html
    assert "Must be in the future." in html and "from 1 to 10,000" in html
    response = post(client, "/dashboard/jobs/new", {**FORM, "department": "D" * 101, "headcount": "10001"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="department-error"' in html
    assert db.session.scalar(select(Job).where(Job.title == "Roofer")) is None


def test_editing_a_job_keeps_a_closing_date_with_seconds(world, as_user):
    client = as_user(world.recruiter)
    closes = datetime.now(UTC) + timedelta(days=3, seconds=17)
    db.session.execute(Job.__table__.update().where(Job.id == world.job.id).values(closes_at=closes))
    db.session.commit()
    data = {**FORM, "title": "Renamed", "closes_at": _local(closes)}
    assert post(client, f"/dashboard/jobs/{world.job.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, world.job.id).closes_at == closes
