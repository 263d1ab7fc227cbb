"""An admin edits an email template in the browser: an error beside its field with its line, a preview, a reset."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services import email_templates
from tests.e2e.test_hiring_flow import sign_in

pytestmark = pytest.mark.browser


def test_admin_fixes_a_template_previews_it_and_resets_it(factory, new_page, page_errors):
    tenant = factory.tenant()
    factory.application(factory.candidate("Grace Hopper"), tenant["job"])
    admin_email, company_id, job_title = tenant["admin"].email, tenant["company"].id, tenant["job"].title
    db.session.remove()

    page = new_page()
    sign_in(page, admin_email)
    page.get_by_role("link", name="Emails").click()
    page.get_by_role("link", name="Edit “Entered interview”").click()
    expect(page.get_by_role("heading", name="Merge fields")).to_be_visible()

    page.get_by_label("Text").fill("Hello {{ candidate.first_name }},\n\nYou are {{ candidate.age }}.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#text_body-error")).to_have_text("Line 3: candidate.age is not a merge field.")

    page.get_by_label("Text").fill("Hello {{ candidate.first_name }},\n\nSee you soon for {{ job.title }}.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-text")).to_contain_text(f"Hello Grace,\n\nSee you soon for {job_title}.")
    frame = page.frame_locator("iframe[title='The HTML email']")
    expect(frame.get_by_text("has moved to the interview stage")).to_be_visible()  # the default HTML, untouched
    page.get_by_label("HTML").fill("")  # without HTML, the HTML part is made from the text
    page.get_by_role("button", name="Preview").click()
    expect(frame.get_by_text(f"See you soon for {job_title}.")).to_be_visible()

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The template is saved")).to_be_visible()
    db.session.remove()
    assert "See you soon" in email_templates.effective(company_id, "stage_interview").text

    page.get_by_role("button", name="Reset to the default").click()
    expect(page.get_by_text("Back to the default template.")).to_be_visible()
    db.session.remove()
    assert "moved to the interview stage" in email_templates.effective(company_id, "stage_interview").text
    assert page_errors == []
