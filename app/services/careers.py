"""The careers site: what search engines and job boards read about open jobs.

Absolute links (from BASE_URL), locations split for addresses, the feeds' rows
in one query, and the schema.org JobPosting of a job page. Logos live in
`app/services/logos.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import current_app, url_for
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models import Company, Job, JobStatus

# -- Absolute links ---------------------------------------------------------------------------------------------
# Public answers are cached and shared between visitors, so absolute links come from
# the BASE_URL setting, never from the request's Host header.


def absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def logo_url(company: Company, *, external: bool = True) -> str | None:
    if not company.logo_key:
        return None
    path = url_for("jobs.logo", key=company.logo_key)
    return absolute(path) if external else path


def job_url(job_id: int, source: str | None = None) -> str:
    """The job page's absolute URL; feeds add `utm_source` so applications from them can be attributed."""
    return with_source(absolute(url_for("jobs.job", job_id=job_id)), source)


def with_source(url: str, source: str | None) -> str:
    """`url` with `?utm_source=source` (job pages take no other query string)."""
    return f"{url}?{urlencode({'utm_source': source})}" if source else url


def careers_url(slug: str) -> str:
    return absolute(url_for("jobs.company", slug=slug))


# -- Where a job is ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    city: str
    country: str


def split_location(location: str | None) -> Place:
    """ "Berlin, Germany" -> city Berlin, country Germany; "Berlin" -> city only.

    The location is free text; its last comma-separated part is taken as the
    country when there are two or more parts, the first as the city.
    """
    parts = [part.strip() for part in (location or "").split(",") if part.strip()]
    if not parts:
        return Place("", "")
    if len(parts) == 1:
        return Place(parts[0], "")
    return Place(parts[0], parts[-1])


# -- The feeds' rows -------------------------------------------------------------------------------------------------


FEED_LIMIT = 50_000  # a sitemap holds at most 50,000 URLs


@dataclass(frozen=True)
class FeedJob:
    """One open job as the feeds and the sitemap need it (plain columns, no ORM objects)."""

    id: int
    title: str
    description: str
    location: str
    remote: bool
    employment_type: str
    salary_min: int | None
    salary_max: int | None
    salary_currency: str | None
    salary_visible: bool
    department: str
    opened_at: datetime | None
    created_at: datetime
    updated_at: datetime
    closes_at: datetime | None
    company_name: str
    company_slug: str
    company_website: str | None

    @property
    def posted_at(self) -> datetime:
        return self.opened_at or self.created_at

    @property
    def public_salary(self) -> bool:
        return self.salary_visible and (self.salary_min is not None or self.salary_max is not None)


_FEED_COLUMNS = (
    Job.id,
    Job.title,
    Job.description,
    Job.location,
    Job.remote,
    Job.employment_type,
    Job.salary_min,
    Job.salary_max,
    Job.salary_currency,
    Job.salary_visible,
    Job.department,
    Job.opened_at,
    Job.created_at,
    Job.updated_at,
    Job.closes_at,
    Company.name,
    Company.slug,
    Company.website,
)


def open_jobs_for_feeds(company_id: int | None = None) -> list[FeedJob]:
    """Every open job (of one company), newest first, in one query."""
    stmt = (
        select(*_FEED_COLUMNS)
        .join(Company, Company.id == Job.company_id)
        .where(Job.status == JobStatus.OPEN.value)
        .order_by(Job.id.desc())
        .limit(FEED_LIMIT)
    )
    if company_id is not None:
        stmt = stmt.where(Job.company_id == company_id)
    return [FeedJob(*row) for row in db.session.execute(stmt)]


# -- schema.org JobPosting ------------------------------------------------------------------------------------------

# schema.org's employmentType vocabulary (as Google for Jobs reads it).
SCHEMA_EMPLOYMENT_TYPES = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "contract": "CONTRACTOR",
    "internship": "INTERN",
    "temporary": "TEMPORARY",
}


def description_html(text: str | None) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return str(escape(text or "")).replace("\r\n", "\n").replace("\n", "<br>\n")


def _where(location: str, remote: bool) -> dict:
    """jobLocation, and for remote jobs jobLocationType and applicantLocationRequirements.

    "Remote work is possible" with a city and a country is both: the office
    (jobLocation) and the country applicants may work from. A remote job's
    single-part location names the country or region applicants must be in.
    """
    place = split_location(location)
    where: dict = {}
    if remote:
        where["jobLocationType"] = "TELECOMMUTE"
        region = place.country or place.city
        if region:
            where["applicantLocationRequirements"] = {"@type": "Country", "name": region}
        if not place.country:
            return where
    if place.city or place.country:
        address = {"@type": "PostalAddress"}
        if place.city:
            address["addressLocality"] = place.city
        if place.country:
            address["addressCountry"] = place.country
        where["jobLocation"] = {"@type": "Place", "address": address}
    return where


def job_posting(job: Job) -> dict | None:
    """The JobPosting structured data of an open job's page; None for any other job.

    Google for Jobs' required fields (title, description, datePosted,
    hiringOrganization, jobLocation or TELECOMMUTE with applicant location
    requirements) and its recommended ones (validThrough, employmentType,
    baseSalary when published, identifier, directApply).
    """
    if job.status != JobStatus.OPEN:
        return None
    company = job.company
    organization: dict = {"@type": "Organization", "name": company.name}
    if company.website:
        organization["sameAs"] = company.website
    if company.logo_key:
        organization["logo"] = logo_url(company)
    posting: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": description_html(job.description) or str(escape(job.title)),
        "datePosted": (job.opened_at or job.created_at).isoformat(timespec="seconds"),
        "hiringOrganization": organization,
        "identifier": {"@type": "PropertyValue", "name": company.name, "value": str(job.id)},
        "employmentType": SCHEMA_EMPLOYMENT_TYPES.get(job.employment_type, "OTHER"),
        "directApply": True,
        "url": job_url(job.id),
    }
    if job.closes_at is not None:
        posting["validThrough"] = job.closes_at.isoformat(timespec="seconds")
    if job.headcount > 1:
        posting["totalJobOpenings"] = job.headcount
    posting.update(_where(job.location, job.remote))
    if job.public_salary and job.salary_currency:
        value: dict = {"@type": "QuantitativeValue", "unitText": "YEAR"}
        if job.salary_min is not None:
            value["minValue"] = job.salary_min
        if job.salary_max is not None:
            value["maxValue"] = job.salary_max
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": job.salary_currency, "value": value}
    return posting
