"""From interview to hire in Chromium: the candidate books a time offered by email, the interviewer fills the
scorecard, an offer is made, approved, sent and accepted, and only then is the candidate hired."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app.extensions import db
from app.mail.backends import sent_messages
from app.models import Application, Interview
from app.services import applications, interview_plans
from tests.e2e.conftest import QuietHandler
from tests.e2e.test_hiring_flow import sign_in
from tests.guests import apply_as_guest

pytestmark = pytest.mark.browser

CANDIDATE = "gina@people.example"
PLANNED_ZONE, CANDIDATE_ZONE = "Europe/Lisbon", "America/New_York"
SCORECARD = [
    {"name": "Skills", "attributes": ["Python", "System design"]},
    {"name": "Collaboration", "attributes": ["Communication"]},
]


@pytest.fixture
def served(make_app):
    """The app the live server runs: its memory backend keeps what it delivered (sent after each commit)."""
    return make_app()


@pytest.fixture
def live_server(app, served):
    """Overrides conftest's: the same, on `served`, with links in the emails pointing at this server."""
    server = make_server("127.0.0.1", 0, served, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    served.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield served.config["BASE_URL"]
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _mail(served, to: str, pattern: str) -> list:
    """The messages delivered to `to` whose subject or plain text matches `pattern`, oldest first."""
    found = []
    for message in sent_messages(served):
        if message["To"].addresses[0].addr_spec != to:
            continue
        text = message.get_body(("plain",)).get_content()
        if re.search(pattern, f"{message['Subject']}\n{text}"):
            found.append(message)
    return found


def _link(served, to: str, path: str) -> str:
    """The newest link to `path`/<token> in the mail to `to`, as a path on the live server."""
    messages = _mail(served, to, rf"/{path}/")
    assert messages, f"no mail with a /{path}/ link to {to}"
    text = messages[-1].get_body(("plain",)).get_content()
    return re.findall(rf"/{path}/[A-Za-z0-9_-]{{40,}}", text)[-1]


def _has_calendar(message) -> bool:
    return any(part.get_content_type() == "text/calendar" for part in message.walk())


def _step(page: Page, label: str, done: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_text(done)).to_be_visible()


def _move(page: Page, stage: str) -> None:
    """The application page's move button, then the confirmation (the move emails the candidate)."""
    page.get_by_role("button", name=f"Move Gina Guest to {stage}").click()
    expect(page.get_by_role("heading", name=f"Move Gina Guest to {stage}?")).to_be_visible()
    page.get_by_role("button", name="Move and send email").click()


def _current_stage(page: Page):
    return page.locator(".text-end", has_text="Current stage").locator(".stage-badge")


def test_booked_interview_scorecard_offer_and_hire(
    factory, served, new_page, page_errors, screenshot_dir
):  # fmt: skip
    company, admin = factory.company("Acme Robotics", hire_requires_offer=True)
    recruiter = factory.staff(company, admin, "recruiter")
    manager = factory.staff(company, admin, "hiring_manager")
    manager.full_name = "Hana Manager"
    job = factory.job(recruiter, title="Data Engineer", location="Lisbon")
    interview_plans.set_plan(
        recruiter,
        job.id,
        [{"name": "Technical interview", "stage": "interview", "duration_minutes": 45, "scorecard": SCORECARD}],
    )
    submission, _status_token = apply_as_guest(job.id, email=CANDIDATE, name="Gina Guest")
    application_id = submission.application.id
    for stage in ("screening", "interview"):
        applications.move_stage(recruiter, application_id, stage)
    db.session.commit()
    people = {"recruiter": recruiter.email, "manager": manager.email, "admin": admin.email}
    manager_name = manager.full_name
    db.session.remove()  # the browser's requests use their own connections from here

    # Two times a month from now, 15:30 and 17:00 in Lisbon; the candidate reads them in New York time.
    day = date.today() + timedelta(days=30)
    starts = [datetime(day.year, day.month, day.day, 15, 30), datetime(day.year, day.month, day.day, 17) + timedelta(1)]
    in_new_york = [s.replace(tzinfo=ZoneInfo(PLANNED_ZONE)).astimezone(ZoneInfo(CANDIDATE_ZONE)) for s in starts]

    # The recruiter offers the two times on the booking page, the hiring manager interviewing.
    staff = new_page()
    sign_in(staff, people["recruiter"])
    staff.goto(f"/dashboard/applications/{application_id}/booking")
    staff.get_by_label("Plan step").select_option(label="Technical interview (45 min)")  # brings the scorecard
    staff.get_by_label("Interview", exact=True).fill("Technical interview")
    staff.get_by_label("Interviewers").select_option(label=f"{manager_name} (hiring manager)")
    staff.get_by_label("Time zone of the times").select_option(PLANNED_ZONE)
    staff.get_by_role("textbox", name="Times offered").fill("\n".join(s.strftime("%Y-%m-%d %H:%M") for s in starts))
    staff.get_by_label("Length (minutes)").fill("45")
    staff.get_by_role("button", name="Offer these times").click()
    expect(staff.get_by_text(f"2 times offered: the link is on its way to {CANDIDATE}.")).to_be_visible()
    expect(staff.locator(".booking-status")).to_have_text("open")

    # The candidate opens the emailed link and sees the times in New York time.
    candidate = new_page()
    candidate.goto(f"{_link(served, CANDIDATE, 'book')}?tz={CANDIDATE_ZONE}")
    expect(candidate.get_by_role("heading", name="Technical interview")).to_be_visible()
    expect(candidate.get_by_label("Times are shown in")).to_have_value(CANDIDATE_ZONE)
    slots = candidate.locator(".booking-slot")
    expect(slots).to_have_count(2)
    for slot, at in zip(slots.all(), in_new_york, strict=True):
        end = at + timedelta(minutes=45)
        expect(slot).to_contain_text(f"{at:%A %d %B %Y}, {at:%H:%M}\u2013{end:%H:%M}")
        expect(slot).to_contain_text(at.strftime("%Z"))  # EST or EDT
    candidate.screenshot(path=f"{screenshot_dir}/booking.png", full_page=True)
    slots.first.click()
    booked = in_new_york[0]
    expect(candidate.locator(".booking-done")).to_contain_text("Your interview is booked")
    expect(candidate.locator(".booking-done")).to_contain_text(f"{booked:%H:%M}")
    expect(candidate.locator(".booking-zone")).to_contain_text(CANDIDATE_ZONE)

    interview = db.session.scalars(select(Interview).where(Interview.application_id == application_id)).one()
    stored = interview.starts_at if interview.starts_at.tzinfo else interview.starts_at.replace(tzinfo=UTC)
    assert stored == starts[0].replace(tzinfo=ZoneInfo(PLANNED_ZONE))
    assert interview.scorecard == SCORECARD
    assert CANDIDATE_ZONE in interview.notes
    interview_id = interview.id
    db.session.remove()
    for address in (CANDIDATE, people["manager"]):
        invites = [m for m in sent_messages(served) if m["To"].addresses[0].addr_spec == address and _has_calendar(m)]
        assert len(invites) == 1, address

    # The hiring manager fills in the scorecard from the application page.
    manager_page = new_page()
    sign_in(manager_page, people["manager"])
    manager_page.goto(f"/dashboard/applications/{application_id}")
    expect(manager_page.locator("#feedback-heading")).to_contain_text("0 of 1 in")
    manager_page.get_by_role("link", name="Give my feedback").click()
    expect(manager_page).to_have_url(re.compile(rf"/dashboard/interviews/{interview_id}/feedback$"))
    for group in SCORECARD:
        for attribute, rating in zip(group["attributes"], ("4", "3"), strict=False):
            manager_page.locator(f'input[name="rating-{group["name"]}/{attribute}"][value="{rating}"]').check()
    manager_page.locator("#rec-yes").check()
    manager_page.get_by_label("Notes").fill("Clear thinker; strong Python. Happy to hire.")
    manager_page.screenshot(path=f"{screenshot_dir}/scorecard.png", full_page=True)
    manager_page.get_by_role("button", name="Submit my feedback").click()
    expect(manager_page.get_by_text("Your feedback is saved.")).to_be_visible()
    expect(manager_page.locator("#feedback-heading")).to_contain_text("1 of 1 in")
    expect(manager_page.locator(".feedback-recommendation")).to_have_text("yes")

    # The recruiter makes the offer and submits it; the creator cannot approve it, the admin does.
    staff.goto(f"/dashboard/applications/{application_id}")
    expect(staff.locator(".feedback-averages")).to_contain_text("Skills/Python")
    staff.locator("#offer-link").click()
    staff.get_by_label("Salary (per year)").fill("72000")
    staff.get_by_label("Currency").fill("EUR")
    staff.get_by_label("Start date").fill((day + timedelta(days=30)).isoformat())
    staff.get_by_role("button", name="Save the offer").click()
    expect(staff.locator(".offer-status")).to_have_text("draft")
    _step(staff, "Submit for approval", "The offer awaits approval.")
    expect(staff.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    approver = new_page()
    sign_in(approver, people["admin"])
    approver.goto(f"/dashboard/applications/{application_id}/offer")
    expect(approver.locator(".offer-status")).to_have_text("awaiting approval")
    _step(approver, "Approve", "The offer is approved: it can be sent.")

    staff.reload()
    _step(staff, "Send to the candidate", "The offer is sent: the candidate gets an email")
    expect(staff.locator(".offer-status")).to_have_text("sent")

    # The recruiter moves Gina on to Offer; Hired is refused while the offer is unanswered.
    staff.goto(f"/dashboard/applications/{application_id}")
    _move(staff, "Offer")
    expect(_current_stage(staff)).to_have_text("Offer")
    _move(staff, "Hired")
    expect(staff.get_by_text("Hiring needs an accepted offer")).to_be_visible()
    expect(_current_stage(staff)).to_have_text("Offer")

    # The candidate reads the offer through the link in its email and accepts it.
    candidate.goto(_link(served, CANDIDATE, "status"))
    expect(candidate.locator("#offer-heading")).to_have_text("Your offer")
    candidate.get_by_role("button", name="Accept the offer").click()
    expect(candidate.get_by_text("You accepted the offer. The team has been told.")).to_be_visible()
    expect(candidate.locator("#offer .offer-status")).to_have_text("accepted")

    # Now the recruiter hires.
    staff.goto(f"/dashboard/applications/{application_id}")
    _move(staff, "Hired")
    expect(staff.get_by_text("Gina Guest moved to Hired.")).to_be_visible()
    expect(_current_stage(staff)).to_have_text("Hired")
    assert db.session.get(Application, application_id).stage == "hired"
    assert page_errors == []
