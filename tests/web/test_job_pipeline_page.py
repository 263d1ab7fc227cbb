"""A job's own pipeline in the dashboard, and choosing a template for a new job."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Job
from app.services import applications, pipelines
from tests.plugins.statements import BUDGET
from tests.web.conftest import csrf, login, post
from tests.web.test_dashboard_jobs import JOB_FORM
from tests.web.test_stage_templates import rows, value_of

STANDARD = [("Applied", "applied"), ("Screening", "screening"), ("Interview", "interview"), ("Offer", "offer"),
            ("Hired", "hired")]  # fmt: skip


def page_of(job) -> str:
    return f"/dashboard/jobs/{job.id}/pipeline"


def kept(stages, **changes) -> list[tuple]:
    """The Standard rows with their keys (each stage keeps its key), changed by name: (name, category, extra)."""
    out = []
    for name, category in stages:
        extra = {"key": category}
        extra.update(changes.get(name, {}))
        out.append((extra.pop("name", name), extra.pop("category", category), extra))
    return out


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _pipeline(job_id: int) -> list[tuple]:
    return [(s["key"], s["name"], s["category"]) for s in _job(job_id).pipeline_stages]


def test_the_page_lists_the_stages_with_their_applications_and_is_linked_from_the_job(world, as_user):
    applications.move_stage(world.recruiter, world.application.id, "screening")
    db.session.commit()
    client = as_user(world.recruiter)
    edit = client.get(f"/dashboard/jobs/{world.job.id}/edit").get_data(as_text=True)
    assert f'href="{page_of(world.job)}"' in edit
    response = client.get(page_of(world.job))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="csrf_token"' in html and "js/stage-rows.js" in html
    assert [value_of(html, f"stages-{n}-key") for n in range(5)] == list(pipelines.workflow.PIPELINE)
    screening = html[html.index('id="stage-screening"') :].split("</li>", 1)[0]
    assert re.search(r">1<span class=\"visually-hidden\"> applications", screening)
    assert "Rejected: 0 · Withdrawn: 0" in html


def test_recruiter_renames_adds_and_reorders_stages_keys_kept(world, as_user):
    client = as_user(world.recruiter)
    version = _job(world.job.id).pipeline_version
    stages = kept(STANDARD, Screening={"name": "Phone screen", "position": 3}, Applied={"position": 1},
                  Interview={"position": 5}, Offer={"position": 7}, Hired={"position": 8})  # fmt: skip
    stages.insert(2, ("Take-home", "screening", {"position": 4}))
    stages.insert(3, ("Résumé review", "screening", {"position": 2}))
    stages.insert(5, ("Onsite", "interview", {"position": 6, "internal": True}))
    response = post(client, page_of(world.job), rows(stages, allow_skip="y", version=str(version)))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _pipeline(world.job.id) == [
        ("applied", "Applied", "applied"),
        ("resume_review", "Résumé review", "screening"),
        ("screening", "Phone screen", "screening"),
        ("take_home", "Take-home", "screening"),
        ("interview", "Interview", "interview"),
        ("onsite", "Onsite", "interview"),
        ("offer", "Offer", "offer"),
        ("hired", "Hired", "hired"),
    ]
    job = _job(world.job.id)
    assert job.pipeline_allow_skip is True and job.pipeline_version == version + 1
    assert job.pipeline_stages[5]["internal"] is True
    assert "The pipeline is saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    # The application is where it was, and moves through the new stages.
    applications.move_stage(world.recruiter, world.application.id, "take_home")
    db.session.commit()


def test_removing_a_stage_that_holds_applications_says_how_many_beside_it(world, as_user, factory):
    applications.move_stage(world.recruiter, world.application.id, "screening")
    second = factory.application(factory.candidate("Sam Second"), world.job)
    applications.move_stage(world.recruiter, second.id, "screening")
    db.session.commit()
    client = as_user(world.admin)
    before = _pipeline(world.job.id)
    stages = kept(STANDARD, Screening={"remove": True}, Interview={"name": "Interviews"})
    response = post(client, page_of(world.job), rows(stages))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    row = html[html.index('id="stage-screening"') :].split("</li>", 1)[0]
    assert "Screening holds 2 applications: move them to another stage first. Nothing was changed." in row
    assert 'name="stages-1-remove" type="checkbox" value="y">' in row  # unticked again
    assert "Stages that hold applications cannot be removed: 2 in Screening (screening)." in html
    assert value_of(html, "stages-2-name") == "Interviews"  # the rest of the input is kept
    assert _pipeline(world.job.id) == before
    # An occupied stage keeps its category too.
    stages = kept(STANDARD, Screening={"category": "interview"})
    response = post(client, page_of(world.job), rows(stages))
    assert response.status_code == 409
    assert re.search(r'id="stages-1-category-error"[^>]*>This stage holds applications: keep its category\.',
                     response.get_data(as_text=True))  # fmt: skip
    assert _pipeline(world.job.id) == before
    # An empty stage goes.
    applications.move_stage(world.recruiter, world.application.id, "interview")
    applications.move_stage(world.recruiter, second.id, "interview")
    db.session.commit()
    response = post(client, page_of(world.job), rows(kept(STANDARD, Screening={"remove": True})))
    assert response.status_code == 302
    assert [key for key, _name, _category in _pipeline(world.job.id)] == ["applied", "interview", "offer", "hired"]


def test_validation_errors_and_a_stale_save_are_shown_beside_the_fields(world, as_user):
    client = as_user(world.recruiter)
    stages = kept(STANDARD, Interview={"name": ""}, Offer={"category": ""})
    response = post(client, page_of(world.job), rows(stages))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="stages-2-name-error"[^>]*>A name of 1 to 60 characters is required\.', html)
    assert re.search(r'id="stages-3-category-error"[^>]*>Must be one of:', html)
    response = post(client, page_of(world.job), rows(kept(STANDARD, Screening={"key": "Not A Key!"})))
    assert response.status_code == 422
    assert "Lower-case letters, digits and underscores" in response.get_data(as_text=True)
    stale = post(client, page_of(world.job), rows(kept(STANDARD, Screening={"name": "Call"}), version="999"))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "The pipeline changed meanwhile; reload it and try again." in html
    assert value_of(html, "stages-1-name") == "Call"
    assert _pipeline(world.job.id)[1] == ("screening", "Screening", "screening")


def test_hiring_managers_read_only(world, as_user):
    client = as_user(world.hiring_manager)
    response = client.get(page_of(world.job))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Interview" in html
    assert 'name="stages-0-name"' not in html and "Recruiters and admins can change this pipeline." in html
    assert post(client, page_of(world.job), rows(kept(STANDARD, Screening={"name": "Mine"}))).status_code == 403
    assert _pipeline(world.job.id)[1][1] == "Screening"


def test_other_companies_candidates_and_visitors_are_kept_out(world, as_user, app):
    outsider = as_user(world.other_admin)
    assert outsider.get(page_of(world.job)).status_code == 404
    assert post(outsider, page_of(world.job), rows(kept(STANDARD, Screening={"name": "Mine"}))).status_code == 404
    candidate = app.test_client()
    login(candidate, world.candidate)
    assert candidate.get(page_of(world.job)).status_code == 403
    visitor = app.test_client()
    response = visitor.get(page_of(world.job))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    recruiter = app.test_client()
    login(recruiter, world.recruiter)
    assert recruiter.post(page_of(world.job), data=rows(kept(STANDARD))).status_code == 400  # no CSRF token
    assert _pipeline(world.job.id)[1][1] == "Screening"


# -- A new job's template --------------------------------------------------------------------------


def test_a_new_job_copies_the_chosen_template(world, as_user):
    quick = pipelines.create_template(world.admin, name="Quick hire", allow_skip=True, stages=[
        {"name": "New", "category": "applied"}, {"name": "Chat", "category": "interview", "internal": True},
        {"name": "Offer", "category": "offer"}, {"name": "Hired", "category": "hired"}])  # fmt: skip
    db.session.commit()
    client = as_user(world.recruiter)
    form = client.get("/dashboard/jobs/new").get_data(as_text=True)
    standard = pipelines.list_templates(world.admin)[0]
    assert re.search(rf'<option selected value="{standard.id}">Standard \(default\)</option>', form)
    assert f'<option value="{quick.id}">Quick hire</option>' in form
    response = post(client, "/dashboard/jobs/new", {**JOB_FORM, "stage_template_id": str(quick.id)})
    assert response.status_code == 302
    job = db.session.scalar(select(Job).where(Job.title == JOB_FORM["title"]))
    assert [s["key"] for s in job.pipeline_stages] == ["new", "chat", "offer", "hired"]
    assert (job.pipeline_allow_skip, job.pipeline_template_id) == (True, quick.id)
    # Without a choice: the default.
    post(client, "/dashboard/jobs/new", {**JOB_FORM, "title": "Plain"})
    plain = db.session.scalar(select(Job).where(Job.title == "Plain"))
    assert plain.pipeline_template_id == standard.id and len(plain.pipeline_stages) == 5


@pytest.mark.parametrize("chosen", ["other", "999999", "nope"])
def test_another_companys_or_an_unknown_template_is_refused_beside_the_field(world, as_user, chosen):
    theirs = pipelines.list_templates(world.other_admin)[0]
    db.session.commit()
    value = {"other": str(theirs.id)}.get(chosen, chosen)
    response = post(as_user(world.recruiter), "/dashboard/jobs/new", {**JOB_FORM, "stage_template_id": value})
    if chosen == "nope":  # not an id at all: as if none was chosen
        assert response.status_code == 302
        return
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="stage_template_id-error"[^>]*>Not a template of your company\.', html)
    assert db.session.scalar(select(Job).where(Job.title == JOB_FORM["title"])) is None


def test_the_edit_form_has_no_template_choice(world, as_user):
    html = as_user(world.recruiter).get(f"/dashboard/jobs/{world.job.id}/edit").get_data(as_text=True)
    assert 'name="stage_template_id"' not in html


def test_pages_stay_within_the_statement_budget(world, as_user, count_statements, factory):
    for _ in range(3):
        applications.move_stage(world.recruiter, factory.application(factory.candidate(), world.job).id, "screening")
    db.session.commit()
    client = as_user(world.recruiter)
    token = csrf(client)
    url = page_of(world.job)
    db.session.remove()
    for method, data in (
        ("GET", None),
        ("POST", rows(kept(STANDARD, Screening={"name": "Call"}))),
        ("POST", rows(kept(STANDARD, Screening={"remove": True}))),  # 409
        ("POST", rows(kept(STANDARD, Offer={"name": ""}))),  # 422
    ):
        with count_statements() as log:
            response = client.open(url, method=method, data={"csrf_token": token, **data} if data else None)
        assert response.status_code in (200, 302, 409, 422)
        assert log.count <= BUDGET, f"{method} {url}\n{log.report()}"
        db.session.remove()


def test_each_stages_email_settings_are_edited_and_kept(world, as_user):
    client = as_user(world.recruiter)
    version = _job(world.job.id).pipeline_version
    stages = kept(STANDARD, Screening={"email": "off"},
                  Interview={"email_template": "stage_offer", "email_delay_minutes": "30"})  # fmt: skip
    response = post(client, page_of(world.job), rows(stages, version=str(version)))
    assert response.status_code == 302, response.get_data(as_text=True)
    by_key = {stage["key"]: stage for stage in _job(world.job.id).pipeline_stages}
    assert by_key["screening"]["email"] is False and "email_template" not in by_key["screening"]
    assert (by_key["interview"]["email_template"], by_key["interview"]["email_delay_minutes"]) == ("stage_offer", 30)
    assert "email" not in by_key["offer"]  # left at the default
    html = client.get(page_of(world.job)).get_data(as_text=True)
    assert value_of(html, "stages-2-email_delay_minutes") == "30"  # shown again as saved
    assert re.search(r'<option selected value="off">|<option value="off" selected', html)
    bad = kept(STANDARD, Offer={"email_delay_minutes": "-5"})
    response = post(client, page_of(world.job), rows(bad, version=str(_job(world.job.id).pipeline_version)))
    assert response.status_code == 422 and "A whole number of minutes" in response.get_data(as_text=True)
