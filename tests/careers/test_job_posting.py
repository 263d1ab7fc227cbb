"""The job page's schema.org JobPosting data, read back as a search engine would; closed and draft jobs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Job
from app.services import careers, companies, jobs, logos
from tests.careers.images import png

BASE = "https://jobs.example.org"
SCRIPT_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def site(make_app):
    """An app whose public address is BASE."""
    made = make_app(BASE_URL=BASE)
    with made.app_context():
        yield made


def _postings(html: str) -> list[dict]:
    return [json.loads(block) for block in SCRIPT_RE.findall(html)]


def _posting(client, job_id: int, **kwargs) -> dict:
    response = client.get(f"/jobs/{job_id}", **kwargs)
    assert response.status_code == 200
    (posting,) = _postings(response.get_data(as_text=True))
    return posting


def test_an_on_site_job_with_a_published_salary_and_a_closing_date(site, factory):
    company, admin = factory.company("Acme & Sons")
    companies.update_company(admin, company.id, website="https://acme.example")
    logos.set_logo(admin, company.id, logos.LogoUpload("logo.png", png()))
    db.session.commit()
    closes = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    job = factory.job(
        admin, title="Senior Welder", description="Weld <steel>.\nSafety first & always.", location="Lyon, France",
        employment_type="contract", salary_min=40_000, salary_max=55_000, salary_currency="EUR", closes_at=closes,
        headcount=3, department="Workshop",
    )  # fmt: skip
    posting = _posting(site.test_client(), job.id)
    assert posting["@context"] == "https://schema.org/" and posting["@type"] == "JobPosting"
    assert posting["title"] == "Senior Welder"
    assert posting["description"] == "Weld &lt;steel&gt;.<br>\nSafety first &amp; always."
    assert datetime.fromisoformat(posting["datePosted"]) == job.opened_at.replace(microsecond=0)
    assert datetime.fromisoformat(posting["validThrough"]) == closes
    assert posting["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Acme & Sons",
        "sameAs": "https://acme.example",
        "logo": f"{BASE}/logos/{company.logo_key}",
    }
    assert posting["jobLocation"] == {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "Lyon", "addressCountry": "France"},
    }
    assert "jobLocationType" not in posting and "applicantLocationRequirements" not in posting
    assert posting["employmentType"] == "CONTRACTOR"
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 40_000, "maxValue": 55_000, "unitText": "YEAR"},
    }
    assert posting["identifier"] == {"@type": "PropertyValue", "name": "Acme & Sons", "value": str(job.id)}
    assert posting["directApply"] is True
    assert posting["url"] == f"{BASE}/jobs/{job.id}"
    assert posting["totalJobOpenings"] == 3


def test_a_remote_job_without_a_published_salary(site, factory):
    _, admin = factory.company()
    job = factory.job(
        admin, title="Remote Writer", location="Germany", remote=True, employment_type="part_time",
        salary_min=30_000, salary_currency="EUR", salary_visible=False,
    )  # fmt: skip
    client = site.test_client()
    posting = _posting(client, job.id)
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "Germany"}
    assert "jobLocation" not in posting
    assert posting["employmentType"] == "PART_TIME"
    assert "baseSalary" not in posting and "validThrough" not in posting
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": job.company.name}
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "30,000" not in html  # nor on the page itself


def test_a_remote_job_with_an_office_names_both(site, factory):
    _, admin = factory.company()
    job = factory.job(admin, location="Berlin, Germany", remote=True, employment_type="internship")
    posting = _posting(site.test_client(), job.id)
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"]["name"] == "Germany"
    assert posting["jobLocation"]["address"]["addressLocality"] == "Berlin"
    assert posting["employmentType"] == "INTERN"


@pytest.mark.parametrize(("ours", "theirs"), list(careers.SCHEMA_EMPLOYMENT_TYPES.items()))
def test_employment_types_use_schema_orgs_words(site, factory, ours, theirs):
    _, admin = factory.company()
    job = factory.job(admin, employment_type=ours)
    assert _posting(site.test_client(), job.id)["employmentType"] == theirs
    assert theirs in {"FULL_TIME", "PART_TIME", "CONTRACTOR", "INTERN", "TEMPORARY"}


def test_job_text_cannot_close_the_script_element(site, factory):
    _, admin = factory.company("</script><script>alert(1)</script>")
    job = factory.job(admin, title="</script><img src=x onerror=alert(1)>", description="]]> & <!-- -->")
    html = site.test_client().get(f"/jobs/{job.id}").get_data(as_text=True)
    block = SCRIPT_RE.search(html).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    posting = json.loads(block)
    assert posting["title"] == "</script><img src=x onerror=alert(1)>"
    assert posting["hiringOrganization"]["name"] == "</script><script>alert(1)</script>"
    assert html.count("<script") == html.count("</script>")


def test_links_come_from_base_url_not_the_host_header(site, factory):
    _, admin = factory.company()
    job = factory.job(admin)
    posting = _posting(site.test_client(), job.id, headers={"Host": "evil.example"})
    assert posting["url"] == f"{BASE}/jobs/{job.id}"
    assert "evil.example" not in json.dumps(posting)


def test_a_closed_job_says_so_with_no_data_and_no_apply_form(site, factory, as_user):
    tenant = factory.tenant()
    job = tenant["job"]
    jobs.set_job_status(tenant["recruiter"], job.id, "closed")
    db.session.commit()
    anonymous = site.test_client().get(f"/jobs/{job.id}")
    assert anonymous.status_code == 200
    html = anonymous.get_data(as_text=True)
    assert "This position is closed" in html
    assert _postings(html) == []
    assert "Create an account to apply" not in html and 'action="/jobs/' not in html
    candidate = as_user(factory.candidate())
    html = candidate.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "This position is closed" in html and 'enctype="multipart/form-data"' not in html


def test_a_job_closed_by_its_date_says_so_too(site, factory):
    tenant = factory.tenant()
    job = factory.job(tenant["recruiter"], closes_at=datetime.now(UTC) + timedelta(hours=1))
    jobs.close_due_jobs(datetime.now(UTC) + timedelta(hours=2))
    db.session.commit()
    html = site.test_client().get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "This position is closed" in html and _postings(html) == []


def test_drafts_stay_not_found_outside_the_company(site, factory, as_user):
    tenant = factory.tenant()
    draft = factory.job(tenant["recruiter"], status="draft")
    assert site.test_client().get(f"/jobs/{draft.id}").status_code == 404
    assert as_user(factory.tenant()["admin"]).get(f"/jobs/{draft.id}").status_code == 404
    assert db.session.get(Job, draft.id).status == "draft"


def test_the_page_shows_department_openings_and_closing_date(site, factory):
    _, admin = factory.company()
    closes = datetime(2031, 3, 14, 17, 0, tzinfo=UTC)
    job = factory.job(admin, department="Finance", headcount=4, closes_at=closes)
    html = site.test_client().get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Finance" in html and "4 openings" in html and "Apply by 14 Mar 2031, 17:00 UTC" in html
