"""The README's pictures, taken by the browser on the demo data.

Set SCREENSHOT_DIR=docs/screenshots to refresh the committed images; otherwise
they go to a temporary directory and the test still checks the pages.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import DEMO_PASSWORD, seed_demo_data
from app.extensions import db
from app.models import Job, User
from app.services import applications
from app.services import questions as question_service
from app.services.resumes import ResumeUpload
from tests.e2e.test_hiring_flow import sign_in
from tests.web.conftest import PDF

pytestmark = pytest.mark.browser

COVER_LETTER = (
    "Dear Acme team,\n\n"
    "I have spent the last six years building the kind of backend your robots talk to: "
    "queues, schedulers and a lot of Python.\n\n"
    "I would love to bring that to Acme Robotics.\n\n"
    "Linus"
)


def _png(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def test_screenshots_of_board_pipeline_and_application(new_page, page_errors, screenshot_dir):
    seed_demo_data()
    job = db.session.scalar(select(Job).where(Job.title == "Senior Backend Engineer (Python)"))
    recruiter = db.session.scalar(select(User).where(User.email == "recruiter@acme.example"))
    linus = db.session.scalar(select(User).where(User.email == "linus@example.com"))
    application = applications.apply(
        linus, job.id, cover_letter=COVER_LETTER, resume=ResumeUpload("linus-torvalds-cv.pdf", PDF), consent=True
    )
    for spec in (
        {"kind": "yes_no", "label": "Do you have a work permit for the EU?", "required": True,
         "knockout": {"op": "is", "value": False}},
        {"kind": "number", "label": "Years of Python in production", "help_text": "Whole years, roughly."},
        {"kind": "multiple_choice", "label": "Which of these have you run in production?",
         "options": ["PostgreSQL", "Redis", "Kubernetes"]},
    ):  # fmt: skip
        question_service.add_question(recruiter, job.id, spec)
    applications.move_stage(recruiter, application.id, "screening", note="Strong CV; booked a first call.")
    applications.move_stage(recruiter, application.id, "interview", note="Great first call.")
    db.session.commit()
    job_id, application_id = job.id, application.id
    db.session.remove()
    paths = {
        name: os.path.join(screenshot_dir, f"{name}.png")
        for name in ("job-board", "pipeline-board", "application-page", "guest-apply", "question-editor")
    }

    visitor = new_page()
    visitor.goto("/")
    expect(visitor.get_by_role("link", name="Senior Backend Engineer (Python)")).to_be_visible()
    visitor.screenshot(path=paths["job-board"], full_page=True)

    visitor.goto(f"/jobs/{job_id}")
    visitor.get_by_role("link", name="Apply now").click()
    expect(visitor.get_by_text("Do you have a work permit for the EU?").first).to_be_visible()
    visitor.get_by_label("Full name").fill("Grace Hopper")
    visitor.get_by_label("Email").fill("grace@example.com")
    visitor.screenshot(path=paths["guest-apply"], full_page=True)

    staff = new_page()
    sign_in(staff, "recruiter@acme.example", DEMO_PASSWORD)
    staff.goto(f"/dashboard/jobs/{job_id}")
    expect(staff.locator("[data-stage=interview]")).to_contain_text("Linus Torvalds")
    staff.mouse.move(0, 0)
    staff.screenshot(path=paths["pipeline-board"], full_page=True)

    staff.goto(f"/dashboard/jobs/{job_id}/questions")
    expect(staff.get_by_text("Which of these have you run in production?").first).to_be_visible()
    staff.screenshot(path=paths["question-editor"], full_page=True)

    staff.goto(f"/dashboard/applications/{application_id}")
    staff.get_by_label("Add a note").fill("Pairing session went well: clear about trade-offs, asks good questions.")
    staff.get_by_role("button", name="Add note").click()
    expect(staff.get_by_text("Note added.")).to_be_visible()
    staff.goto(f"/dashboard/applications/{application_id}")  # without the flash message
    expect(staff.locator(".note-body")).to_contain_text("Pairing session went well")
    expect(staff.get_by_role("link", name="Resume")).to_be_visible()
    staff.screenshot(path=paths["application-page"], full_page=True)

    for path in paths.values():
        data = _png(path)
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    assert page_errors == []
