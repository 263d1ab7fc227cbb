"""Form values the database cannot hold are refused beside their field, never a 500.

A 400-digit salary is a valid Python int but overflows the INTEGER column on
PostgreSQL; a NUL byte is refused by PostgreSQL in any text. `SafeForm`, the
base of every web form, checks both for every field.
"""

from __future__ import annotations

import inspect

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from app.extensions import db
from app.models import Job
from app.web.auth import forms as auth_forms
from app.web.dashboard import forms as dashboard_forms
from app.web.formtools import INT_MAX, NUL_MESSAGE, RANGE_MESSAGE, SafeForm
from tests.web.conftest import login, post
from tests.web.test_dashboard_jobs import JOB_FORM

HUGE = "9" * 400


def _job_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


@pytest.mark.parametrize("field", ["salary_min", "salary_max"])
@pytest.mark.parametrize("value", [HUGE, str(INT_MAX + 1), str(2**63)])
def test_a_huge_salary_is_refused_beside_the_field(world, as_user, field, value):
    client = as_user(world.recruiter)
    before = _job_count()
    response = post(client, "/dashboard/jobs/new", {**JOB_FORM, "salary_min": "", "salary_max": "", field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert RANGE_MESSAGE.replace("'", "&#39;") in html
    assert _job_count() == before


def test_a_huge_salary_on_the_edit_form_changes_nothing(world, as_user):
    client = as_user(world.recruiter)
    response = post(client, f"/dashboard/jobs/{world.job.id}/edit", {**JOB_FORM, "salary_max": HUGE})
    assert response.status_code == 422
    assert 'id="salary_max-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Job, world.job.id).salary_max is None


@pytest.mark.parametrize("field", ["title", "location", "description", "salary_currency"])
def test_a_nul_in_a_text_field_is_refused_beside_the_field(world, as_user, field):
    client = as_user(world.recruiter)
    before = _job_count()
    response = post(client, "/dashboard/jobs/new", {**JOB_FORM, field: "ab\x00c"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and NUL_MESSAGE in html
    assert _job_count() == before


def test_a_huge_version_in_a_move_is_refused_not_a_server_error(world, as_user):
    client = as_user(world.recruiter)
    url = f"/dashboard/applications/{world.application.id}/move"
    response = post(client, url, {"to": "screening", "version": HUGE})
    assert response.status_code == 302
    assert "could not be read" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/auth/login", {"email": "a\x00@example.com", "password": "x"}),
        ("/auth/login", {"email": "a@example.com", "password": "pass\x00word"}),
        ("/auth/register", {"full_name": "N\x00", "email": "n@example.com", "password": "p" * 10, "confirm": "p" * 10}),
        ("/auth/forgot-password", {"email": "x\x00@example.com"}),
    ],
)
def test_a_nul_in_an_account_form_is_refused_beside_the_field(client, url, data):
    response = post(client, url, data)
    assert response.status_code == 422
    assert NUL_MESSAGE in response.get_data(as_text=True)


def test_a_nul_in_the_team_and_note_forms(world, as_user):
    client = as_user(world.admin)
    response = post(client, "/dashboard/team/invite", {"full_name": "Ne\x00w", "email": "new@staff.example"})
    assert response.status_code == 422 and NUL_MESSAGE in response.get_data(as_text=True)
    response = post(client, f"/dashboard/applications/{world.application.id}/notes", {"body": "a\x00b"})
    assert response.status_code == 422 and NUL_MESSAGE in response.get_data(as_text=True)


def test_a_good_form_still_passes(world, as_user):
    client = as_user(world.recruiter)
    response = post(client, "/dashboard/jobs/new", {**JOB_FORM, "salary_max": "2000000000"})
    assert response.status_code == 302


def test_the_forms_of_the_account_and_dashboard_pages_are_safe_forms():
    for module in (auth_forms, dashboard_forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                assert issubclass(cls, SafeForm), cls


def test_login_still_works_after_a_refused_form(world, client):
    assert login(client, world.candidate, "x\x00").status_code == 422
    assert login(client, world.candidate).status_code == 302
