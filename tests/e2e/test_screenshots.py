"""The README's pictures, taken by the browser on the demo data.

Set SCREENSHOT_DIR=docs/screenshots to refresh the committed images; otherwise
they go to a temporary directory and the test still checks the pages.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from app.demo import DEMO_PASSWORD, seed_demo_data
from app.extensions import db
from app.models import Application, Job, User
from app.models.base import utcnow
from app.services import applications, applying, jobs
from app.services import questions as question_service
from app.services.candidates import CandidateDetails
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


# The pipeline-board picture: a job whose company shaped its own pipeline.
CUSTOM_PIPELINE = [
    {"name": "Applied", "category": "applied"},
    {"name": "Phone screen", "category": "screening"},
    {"name": "Take-home", "category": "screening"},
    {"name": "Technical interview", "category": "interview"},
    {"name": "Onsite", "category": "interview"},
    {"name": "Offer", "category": "offer"},
    {"name": "Hired", "category": "hired"},
]
SCREEN, TAKE_HOME, TECH, ONSITE = "phone_screen", "take_home", "technical_interview", "onsite"
# (demo candidate, moves from Applied, days in the last stage, a resume?, fails the knockout?)
PLACES = [
    ("ada@example.com", [SCREEN, TAKE_HOME, TECH, ONSITE, "offer"], 1, True, False),
    ("alan@example.com", [SCREEN, TAKE_HOME, TECH, ONSITE], 3, True, False),
    ("grace@example.com", [SCREEN, TAKE_HOME, TECH], 2, True, False),
    ("edsger@example.com", [SCREEN, TAKE_HOME], 6, False, False),
    ("barbara@example.com", [SCREEN], 1, True, False),
    ("margaret@example.com", [SCREEN], 4, True, False),
    ("ken@example.com", [SCREEN, "rejected"], 2, False, False),
    ("linus@example.com", [], 0, True, True),
]


def _custom_pipeline_job(recruiter: User) -> int:
    """An open job on the custom pipeline, its applicants spread over the stages (days in stage varied)."""
    job = jobs.create_job(
        recruiter,
        title="Platform Engineer",
        description="Run the platform our robots' software ships on.",
        location="Berlin",
        remote=True,
        employment_type="full_time",
        status="open",
        pipeline=CUSTOM_PIPELINE,
    )
    permit = question_service.add_question(
        recruiter,
        job.id,
        {"kind": "yes_no", "label": "Work permit for the EU?", "required": True,
         "knockout": {"op": "is", "value": False}},
    )  # fmt: skip
    now = utcnow()
    for email, moves, days, resume, knocked_out in PLACES:
        person = db.session.scalar(select(User).where(User.email == email))
        application = applications.apply(
            person,
            job.id,
            cover_letter=f"Dear Acme team,\n\nI would love to run your platform.\n\n{person.full_name}",
            resume=ResumeUpload(f"{person.full_name.split()[0].lower()}-cv.pdf", PDF) if resume else None,
            answers={str(permit.id): not knocked_out},
            consent=True,
        )
        for stage in moves:
            applications.move_stage(
                recruiter,
                application.id,
                stage,
                reason="Went with a stronger take-home." if stage == "rejected" else None,
            )
        db.session.execute(
            update(Application)
            .where(Application.id == application.id)
            .values(stage_entered_at=now - timedelta(days=days, hours=2))
        )
    applying.add_candidate(
        recruiter,
        job.id,
        details=CandidateDetails(full_name="Rita Referred", email="rita@example.com"),
        source="referral",
        referrer="Alice Admin",
    )
    return job.id


# The candidate-search picture: what interviewers wrote, found and highlighted.
SEARCH_NOTES = {
    "ada@example.com": "Ran Kafka and PostgreSQL at scale; walked us through a partition rebalancing outage.",
    "alan@example.com": "Strong on PostgreSQL query plans; less hands-on with Kafka, keen to learn.",
    "grace@example.com": "Built the Kafka consumers for a payments pipeline; great on idempotency.",
    "barbara@example.com": "Mostly MySQL so far, read up on PostgreSQL replication before the call.",
}


def _search_notes(job_id: int) -> None:
    """Notes on a few applications of the job, indexed as the worker would (the sweep)."""
    from app.models import Candidate
    from app.search.tasks import sweep

    recruiter = db.session.scalar(select(User).where(User.email == "recruiter@acme.example"))
    for email, body in SEARCH_NOTES.items():
        application_id = db.session.scalar(
            select(Application.id)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(Application.job_id == job_id, Candidate.email == email)
        )
        applications.add_note(recruiter, application_id, body)
    db.session.commit()
    sweep()
    db.session.commit()
    db.session.remove()


# The tag-management picture: the company's words, how many candidates carry each.
TAGS = {
    "ada@example.com": ["Senior", "Python", "Kafka"],
    "alan@example.com": ["Senior", "Python"],
    "grace@example.com": ["Python", "Kafka", "Relocating"],
    "barbara@example.com": ["Python"],
    "edsger@example.com": ["Senior", "Silver medalist"],
}
# The import picture: a spreadsheet's columns, recognised by their names ("Notes" is not a field).
IMPORT_CSV = [
    "Full name,E-mail,Phone number,LinkedIn,Tags,Job,Notes",
    "Katherine Johnson,katherine@example.com,+1 757 555 0100,linkedin.com/in/kjohnson,Python;Senior,"
    "Platform Engineer,Met at PyCon",
    "Dennis Ritchie,dennis@example.com,+1 908 555 0142,,C,Platform Engineer,Referred by Ken",
    "Frances Allen,frances@example.com,,linkedin.com/in/fallen,Compilers,,Keep for later",
    "Radia Perlman,radia@example.com,+1 978 555 0199,,Networking;Senior,Platform Engineer,",
]


def _tags_and_import() -> int:
    """Tags on a few demo candidates, and a CSV uploaded for import (waiting for its mapping): its id."""
    from app.models import Candidate
    from app.services import candidate_imports
    from app.services import tags as tag_service

    recruiter = db.session.scalar(select(User).where(User.email == "recruiter@acme.example"))
    for email, names in TAGS.items():
        candidate_id = db.session.scalar(
            select(Candidate.id).where(Candidate.company_id == recruiter.company_id, Candidate.email == email)
        )
        for name in names:
            tag_service.tag_candidate(recruiter, candidate_id, name)
    tag_service.create_tag(recruiter, name="Open source")
    data = ("\r\n".join(IMPORT_CSV) + "\r\n").encode()
    row = candidate_imports.upload(recruiter, filename="candidates-from-old-ats.csv", data=data)
    db.session.commit()
    import_id = row.id
    db.session.remove()
    return import_id


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
    board_job_id = _custom_pipeline_job(recruiter)
    db.session.commit()
    job_id, application_id = job.id, application.id
    db.session.remove()
    paths = {
        name: os.path.join(screenshot_dir, f"{name}.png")
        for name in (
            "job-board", "pipeline-board", "application-page", "guest-apply", "question-editor", "reports",
            "candidate-search", "candidate-import", "tags",
        )
    }  # fmt: skip

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
    staff.set_viewport_size({"width": 1920, "height": 1000})  # nine columns side by side
    staff.goto(f"/dashboard/jobs/{board_job_id}")
    expect(staff.locator("[data-stage=technical_interview]")).to_contain_text("Grace Hopper")
    expect(staff.locator("[data-stage=applied]")).to_contain_text("Rita Referred")
    expect(staff.locator("[data-stage=applied] .knockout-flag")).to_contain_text("Work permit for the EU?")
    staff.mouse.move(0, 0)
    staff.screenshot(path=paths["pipeline-board"], full_page=True)
    staff.set_viewport_size({"width": 1360, "height": 900})
    staff.goto(f"/dashboard/jobs/{job_id}")
    expect(staff.locator("[data-stage=interview]")).to_contain_text("Linus Torvalds")

    staff.goto(f"/dashboard/jobs/{job_id}/questions")
    expect(staff.get_by_text("Which of these have you run in production?").first).to_be_visible()
    staff.screenshot(path=paths["question-editor"], full_page=True)

    staff.goto(f"/dashboard/applications/{application_id}")
    staff.locator("#notes textarea").fill("Pairing session went well: clear about trade-offs, asks good questions.")
    staff.get_by_role("button", name="Add note").click()
    expect(staff.get_by_text("Note added.")).to_be_visible()
    staff.goto(f"/dashboard/applications/{application_id}")  # without the flash message
    expect(staff.locator(".note-body")).to_contain_text("Pairing session went well")
    expect(staff.get_by_role("link", name="Resume")).to_be_visible()
    staff.screenshot(path=paths["application-page"], full_page=True)

    staff.get_by_role("link", name="Reports").click()
    expect(staff.locator("#funnel-title")).to_have_text("Applications reaching each stage")
    staff.screenshot(path=paths["reports"], full_page=True)

    _search_notes(board_job_id)
    staff.goto("/dashboard/candidates?q=kafka+or+postgresql")
    expect(staff.locator("mark").first).to_be_visible()
    staff.screenshot(path=paths["candidate-search"], full_page=True)

    import_id = _tags_and_import()
    staff.goto(f"/dashboard/candidates/imports/{import_id}")
    expect(staff.locator("#import-preview")).to_contain_text("Katherine Johnson")
    expect(staff.locator("#map_phone")).to_have_value("Phone number")
    staff.screenshot(path=paths["candidate-import"], full_page=True)

    staff.goto("/dashboard/tags")
    expect(staff.locator("#tag-list")).to_contain_text("Silver medalist")
    staff.screenshot(path=paths["tags"], full_page=True)

    for path in paths.values():
        data = _png(path)
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    assert page_errors == []
