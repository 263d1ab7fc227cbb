"""A visitor applies without an account in Chromium; the confirmation arrives by SMTP with a private link
that shows the timeline, and shows the recruiter's move."""

from __future__ import annotations

import re
import threading
import time

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from tests.e2e.conftest import QuietHandler
from tests.e2e.test_hiring_flow import sign_in
from tests.web.conftest import PDF

pytestmark = pytest.mark.browser


@pytest.fixture
def mailing_server(app, make_app, smtp_server):
    """The app served on a free port, sending its mail to a local aiosmtpd server."""
    served = make_app(MAIL_BACKEND="smtp", SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    server = make_server("127.0.0.1", 0, served, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="mailing-server", daemon=True)
    thread.start()
    served.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield served.config["BASE_URL"]
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _mail_to(smtp_server, address: str):
    """The message to `address`, once the server has it (sent after the request's commit)."""
    for _ in range(200):
        for _sender, rcpts, message in smtp_server.messages:
            if rcpts == [address]:
                return message
        time.sleep(0.05)
    raise AssertionError(f"no mail to {address}; got {[m[1] for m in smtp_server.messages]}")


def test_a_visitor_applies_and_follows_the_application_by_its_private_link(
    factory, browser, mailing_server, smtp_server, page_errors
):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], title="Data Engineer", location="Lisbon")
    job_id, recruiter_email = job.id, tenant["recruiter"].email
    db.session.remove()
    smtp_server.messages.clear()  # the staff invitations

    def open_page():
        context = browser.new_context(base_url=mailing_server, viewport={"width": 1360, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        return page

    # An anonymous visitor arrives from a campaign and applies with a PDF, without an account.
    visitor = open_page()
    visitor.goto(f"/jobs/{job_id}?utm_source=newsletter&utm_campaign=autumn")
    visitor.get_by_role("link", name="Apply now").click()
    expect(visitor.get_by_role("heading", name="Apply for Data Engineer")).to_be_visible()
    visitor.get_by_label("Full name").fill("Gina Guest")
    visitor.get_by_label("Email").fill("gina@people.example")
    visitor.get_by_label("Resume").set_input_files(
        files=[{"name": "gina-cv.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    visitor.get_by_role("button", name="Send application").click()  # the consent box is not ticked yet
    expect(visitor.locator("#consent-error")).to_contain_text("privacy notice")
    expect(visitor.get_by_label("Full name")).to_have_value("Gina Guest")  # kept as typed
    expect(visitor.locator("#resume-error")).to_contain_text("Choose your resume file again")
    visitor.get_by_label("Resume").set_input_files(
        files=[{"name": "gina-cv.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    visitor.get_by_label("I have read the privacy notice").check()
    visitor.get_by_role("button", name="Send application").click()
    expect(visitor.get_by_role("heading", name="Thank you: check your email")).to_be_visible()

    # The confirmation comes through the outbox and SMTP, with the private link.
    confirmation = _mail_to(smtp_server, "gina@people.example")
    assert "Data Engineer" in confirmation["Subject"]
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/status/[A-Za-z0-9_-]{40,}", text).group(0)

    visitor.goto(link)
    expect(visitor.locator(".current-stage")).to_contain_text("Applied")
    expect(visitor.locator(".timeline .stage-badge")).to_have_text(["Applied"])

    # A recruiter moves the card on the pipeline board; the source is on the application page.
    recruiter = open_page()
    sign_in(recruiter, recruiter_email)
    recruiter.goto(f"/dashboard/jobs/{job_id}")
    expect(recruiter.locator("[data-stage=applied]")).to_contain_text("Gina Guest")
    gina = recruiter.locator(".board-card", has_text="Gina Guest")
    gina.locator("summary").click()
    gina.get_by_label("Move Gina Guest to").select_option(label="Screening")
    gina.get_by_role("button", name="Move", exact=True).click()
    recruiter.get_by_role("dialog").get_by_role("button", name="Move and send email").click()
    expect(recruiter.get_by_text("Gina Guest moved to Screening.")).to_be_visible()
    recruiter.get_by_role("link", name="Gina Guest", exact=True).click()
    expect(recruiter.locator(".application-origin")).to_contain_text("newsletter")
    expect(recruiter.locator(".application-origin")).to_contain_text("autumn")

    # The private link shows the move.
    visitor.goto(link)
    expect(visitor.locator(".current-stage")).to_contain_text("Screening")
    expect(visitor.locator(".timeline .stage-badge")).to_have_text(["Applied", "Screening"])
    assert page_errors == []
