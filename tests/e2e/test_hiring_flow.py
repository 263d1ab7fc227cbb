"""The whole hiring flow in a real Chromium: apply, move to hired, reject with a reason, follow the timeline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Candidate
from tests.factories import PASSWORD
from tests.web.conftest import PDF

pytestmark = pytest.mark.browser

STAGES = ("Screening", "Interview", "Offer", "Hired")


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Welcome back")).to_be_visible()


def test_candidate_applies_recruiter_hires_and_rejects(factory, new_page, page_errors):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], title="Platform Engineer", location="Berlin", remote=True)
    bob = factory.candidate("Bob Second")
    factory.application(bob, job, cover_letter="Hello, I am Bob.")
    job_id, recruiter_email, bob_email = job.id, tenant["recruiter"].email, bob.email
    db.session.remove()  # the browser's requests use their own connections from here

    # A candidate finds the job, registers and applies with a PDF.
    candidate = new_page()
    candidate.goto("/")
    candidate.get_by_role("link", name="Platform Engineer").click()
    expect(candidate.get_by_role("heading", name="Platform Engineer")).to_be_visible()
    candidate.get_by_role("link", name="Sign in to apply").click()
    candidate.get_by_role("link", name="Create an account").click()
    candidate.get_by_label("Full name").fill("Eve Example")
    candidate.get_by_label("Email").fill("eve@example.com")
    candidate.get_by_label("Password", exact=True).fill("eve's good password")
    candidate.get_by_label("Repeat the password").fill("eve's good password")
    candidate.get_by_role("button", name="Create account").click()
    expect(candidate).to_have_url(re.compile(rf"/jobs/{job_id}$"))  # back on the job, signed in
    expect(candidate.get_by_label("Full name")).to_have_value("Eve Example")  # filled in from the account
    candidate.get_by_label("Cover letter").fill("Dear team,\n\nI run Kubernetes in my sleep.\n\nEve")
    candidate.get_by_label("Resume").set_input_files(
        files=[{"name": "eve-cv.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    candidate.get_by_label("I have read the privacy notice").check()
    candidate.get_by_role("button", name="Send application").click()
    expect(candidate.get_by_text("is on its way")).to_be_visible()
    expect(candidate.locator(".timeline")).to_contain_text("Applied")

    # A recruiter moves the application through every stage from the pipeline board.
    recruiter = new_page()
    sign_in(recruiter, recruiter_email)
    recruiter.get_by_role("link", name="Jobs", exact=True).click()
    recruiter.get_by_role("link", name="Platform Engineer").first.click()
    expect(recruiter.locator("[data-stage=applied]")).to_contain_text("Eve Example")
    eve = recruiter.locator(".board-card", has_text="Eve Example")
    for label in STAGES:
        eve.locator("summary").click()
        eve.get_by_label("Move Eve Example to").select_option(label=label)
        eve.get_by_role("button", name="Move", exact=True).click()
        expect(recruiter.get_by_role("dialog")).to_contain_text(f"Moving Eve Example to {label} emails them.")
        recruiter.get_by_role("button", name="Move and send email").click()
        expect(recruiter.locator("#board-toast")).to_contain_text(f"Eve Example moved to {label}.")
        expect(recruiter.locator(f"[data-stage={label.lower()}]")).to_contain_text("Eve Example")
    expect(eve.locator(".move-menu")).to_have_count(0)  # hired is final: nothing left to move to

    # The second application is rejected with a reason.
    bob = recruiter.locator(".board-card", has_text="Bob Second")
    bob.locator("summary").click()
    bob.get_by_label("Move Bob Second to").select_option(label="Reject…")
    bob.get_by_role("button", name="Move", exact=True).click()
    recruiter.get_by_role("button", name="Reject application").click()  # no reason yet
    expect(recruiter.locator("#reason-error")).to_contain_text("A reason is required")
    recruiter.get_by_label("Other, say why").fill("Looking for more production Kubernetes experience.")
    recruiter.get_by_role("button", name="Reject application").click()
    expect(recruiter.get_by_text("Bob Second's application is rejected.")).to_be_visible()
    expect(recruiter.locator("[data-stage=rejected]")).to_contain_text("Bob Second")

    # The recruiter's application page has the resume and the whole history.
    recruiter.get_by_role("link", name="Eve Example").click()
    expect(recruiter.locator(".cover-letter")).to_contain_text("I run Kubernetes in my sleep.")
    with recruiter.expect_download() as download:
        recruiter.get_by_role("link", name="Resume").click()
    assert download.value.suggested_filename == "eve-cv.pdf"

    # The candidate sees the timeline, every step to hired.
    candidate.goto("/me/applications")
    candidate.get_by_role("link", name="Platform Engineer").click()
    timeline = candidate.locator(".timeline .stage-badge")
    expect(timeline).to_have_text(["Applied", "Screening", "Interview", "Offer", "Hired"])

    # The rejected candidate sees the outcome but not the internal reason.
    rejected = new_page()
    sign_in(rejected, bob_email)
    rejected.get_by_role("link", name="Platform Engineer").click()
    expect(rejected.locator(".timeline")).to_contain_text("Rejected")
    expect(rejected.get_by_text("Kubernetes experience")).to_have_count(0)

    db.session.expire_all()
    stages = dict(db.session.execute(select(Candidate.email, Application.stage).join(Application.candidate)).all())
    assert stages == {"eve@example.com": "hired", bob_email: "rejected"}
    assert page_errors == []  # no script errors, nothing refused by the Content-Security-Policy
