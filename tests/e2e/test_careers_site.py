"""The careers site in a real Chromium: the logo loads, the JobPosting data is readable, the CSP is not offended."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services import companies, jobs, logos
from tests.careers.images import png

pytestmark = pytest.mark.browser


def test_job_page_careers_page_and_closed_job_in_a_browser(factory, new_page, page_errors):
    tenant = factory.tenant()
    admin = tenant["admin"]
    companies.update_company(admin, tenant["company"].id, description="We make things.", website="https://acme.example")
    logos.set_logo(admin, tenant["company"].id, logos.LogoUpload("logo.png", png(32, 32)))
    job = factory.job(tenant["recruiter"], title="Crane Operator </script>", location="Oslo, Norway")
    closed = factory.job(tenant["recruiter"], title="Old Role")
    jobs.set_job_status(tenant["recruiter"], closed.id, "closed")
    db.session.commit()
    job_id, closed_id, slug = job.id, closed.id, tenant["company"].slug
    db.session.remove()

    page = new_page()
    page.goto(f"/jobs/{job_id}")
    expect(page.get_by_role("heading", name="Crane Operator </script>")).to_be_visible()
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "JobPosting" and data["title"] == "Crane Operator </script>"
    assert data["jobLocation"]["address"]["addressCountry"] == "Norway"
    logo = page.locator("img.company-logo").first
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 32

    page.goto(f"/companies/{slug}")
    expect(page.get_by_text("We make things.")).to_be_visible()
    expect(page.get_by_role("link", name="Crane Operator </script>")).to_be_visible()

    page.goto(f"/jobs/{closed_id}")
    expect(page.get_by_text("This position is closed.").first).to_be_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 0
    assert page_errors == []  # no script error, no Content-Security-Policy refusal
