"""The pipeline pages in a real Chromium: a template edited with the up and down buttons, a job's
pipeline refusing to drop an occupied stage, rejecting with a listed reason, and phone widths."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Job, User
from app.services import applications, pipelines
from tests.e2e.test_hiring_flow import sign_in

pytestmark = pytest.mark.browser

NO_SIDEWAYS_PANNING = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_admin_builds_a_template_with_the_buttons_and_a_recruiter_uses_it(factory, new_page, page_errors,
                                                                          screenshot_dir):  # fmt: skip
    tenant = factory.tenant()
    admin_email, recruiter_email = tenant["admin"].email, tenant["recruiter"].email
    admin_id, recruiter_id = tenant["admin"].id, tenant["recruiter"].id
    db.session.remove()

    admin = new_page()
    sign_in(admin, admin_email)
    admin.get_by_role("link", name="Pipelines").click()
    expect(admin.get_by_role("heading", name="Stage templates")).to_be_visible()
    admin.get_by_role("link", name="New template").click()
    admin.get_by_label("Template name").fill("Engineering")
    # Rename the Standard screening stage, add a stage in the first empty row, move it up twice.
    admin.get_by_label("Stage 2: name").fill("Phone screen")
    admin.get_by_label("Stage 6: name").fill("Take-home")
    admin.get_by_label("Stage 6: category").select_option("screening")
    admin.get_by_label("Internal (stage 6)").check()
    admin.get_by_role("button", name="Move Take-home up").click()
    admin.get_by_role("button", name="Move Take-home up").click()
    admin.get_by_role("button", name="Move Take-home up").click()
    expect(admin.get_by_label("Stage 6: order")).to_have_value("3")  # renumbered with the rows
    admin.screenshot(path=os.path.join(screenshot_dir, "stage-template-editor.png"), full_page=True)
    admin.get_by_role("button", name="Save template").click()
    expect(admin.get_by_text("The template “Engineering” is added")).to_be_visible()
    engineering = next(t for t in pipelines.list_templates(db.session.get(User, admin_id)) if t.name == "Engineering")
    assert [s["name"] for s in engineering.stages] == ["Applied", "Phone screen", "Take-home", "Interview", "Offer",
                                                       "Hired"]  # fmt: skip
    db.session.remove()

    # A recruiter creates a job from it, then tries to drop a stage that holds an application.
    recruiter = new_page()
    sign_in(recruiter, recruiter_email)
    recruiter.goto("/dashboard/jobs/new")
    recruiter.get_by_label("Job title").fill("Backend Engineer")
    recruiter.get_by_label("Pipeline").select_option(label="Engineering")
    recruiter.get_by_role("button", name="Save job").click()
    expect(recruiter.get_by_text("Backend Engineer is saved")).to_be_visible()
    job_id = int(recruiter.url.rstrip("/").rsplit("/", 1)[1])
    candidate = factory.candidate("Cara Candidate")
    job = db.session.get(Job, job_id)
    job.status = "open"
    db.session.commit()
    application = factory.application(candidate, job)
    applications.move_stage(db.session.get(User, recruiter_id), application.id, "screening")  # renamed, same key
    db.session.commit()
    db.session.remove()

    recruiter.goto(f"/dashboard/jobs/{job_id}/edit")
    recruiter.get_by_role("link", name="Pipeline stages").click()
    recruiter.get_by_label("Remove stage 2").check()
    recruiter.get_by_role("button", name="Save pipeline").click()
    expect(recruiter.locator("#stage-screening")).to_contain_text("Phone screen holds 1 application")
    expect(recruiter.get_by_label("Remove stage 2")).not_to_be_checked()
    recruiter.screenshot(path=os.path.join(screenshot_dir, "job-pipeline-editor.png"), full_page=True)
    assert page_errors == []


def test_reject_with_a_listed_reason_and_phone_widths(factory, new_page, page_errors):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Bob Second"), tenant["job"])
    recruiter_email, admin_email = tenant["recruiter"].email, tenant["admin"].email
    application_id, job_id = application.id, tenant["job"].id
    db.session.remove()

    recruiter = new_page()
    sign_in(recruiter, recruiter_email)
    recruiter.goto(f"/dashboard/applications/{application_id}/reject")
    recruiter.get_by_label("Reason for rejecting").select_option(label="Position filled")
    recruiter.get_by_label("Private note").fill("Filled by an internal move.")
    recruiter.get_by_role("button", name="Reject application").click()
    expect(recruiter.get_by_text("Bob Second's application is rejected.")).to_be_visible()
    recruiter.goto(f"/dashboard/applications/{application_id}")
    expect(recruiter.locator(".activity")).to_contain_text("Position filled")
    expect(recruiter.locator(".activity")).to_contain_text("Filled by an internal move.")

    admin = new_page()
    admin.set_viewport_size({"width": 375, "height": 800})
    sign_in(admin, admin_email)
    for url in ("/dashboard/stage-templates", "/dashboard/stage-templates/new", f"/dashboard/jobs/{job_id}/pipeline",
                "/dashboard/rejection-reasons"):  # fmt: skip
        admin.goto(url)
        assert admin.evaluate(NO_SIDEWAYS_PANNING), url
    assert page_errors == []
