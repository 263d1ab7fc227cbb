"""The careers site: company logos, and what search engines and job boards read about open jobs.

Logos are PNG or JPEG, checked by their bytes (the name and the declared type
are ignored). SVG is refused: an SVG is a document that can carry scripts and
external references, and no sanitiser is kept in this project; PNG and JPEG
cover logos. A logo's key is new for every upload, so its public URL never
changes meaning and can be cached for a year.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from flask import Flask, current_app, url_for
from markupsafe import escape
from sqlalchemy import select

from app.after_commit import run_after_commit
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Company, Job, JobStatus, User
from app.services import resumes
from app.services.companies import require_company_admin

PNG = "image/png"
JPEG = "image/jpeg"
LOGO_TYPES = (PNG, JPEG)
LOGO_MAX_BYTES = 512 * 1024  # the default of the LOGO_MAX_BYTES setting
KEY_RE = re.compile(r"^[0-9a-f]{32}$")
_OLD_LOGOS = "careers_old_logo_keys"


@dataclass(frozen=True)
class LogoUpload:
    filename: str
    data: bytes


class LogoFiles:
    """Where logo bytes live, by key: `put`, `get`, `delete`.

    Today the resumes' upload directory through `resumes.path_for` (which
    accepts only hex keys, so no path can be smuggled in); the same three calls
    map one to one onto a storage backend with put/get/delete.
    """

    def put(self, key: str, data: bytes) -> None:
        path = resumes.path_for(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "xb") as handle:
            handle.write(data)

    def get(self, key: str) -> bytes | None:
        try:
            with open(resumes.path_for(key), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        resumes.discard(key)


logo_files = LogoFiles()


def sniff_logo(data: bytes) -> str | None:
    """PNG (signature and a sane IHDR) or JPEG (start of image and a marker), from the bytes alone."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return PNG if width > 0 and height > 0 else None
    if data.startswith(b"\xff\xd8\xff") and len(data) > 4:
        return JPEG
    return None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def check_logo(upload: LogoUpload) -> str:
    """The logo's type; a ValidationFailed on the `logo` field otherwise."""
    limit = int(current_app.config.get("LOGO_MAX_BYTES", LOGO_MAX_BYTES))
    if not upload.data:
        message = "The file is empty."
    elif len(upload.data) > limit:
        message = f"Must be at most {limit // 1024} KB."
    elif _looks_like_svg(upload.data):
        message = "SVG logos are not accepted (they can carry scripts); upload a PNG or JPEG."
    else:
        content_type = sniff_logo(upload.data)
        if content_type is not None:
            return content_type
        message = "Upload a PNG or JPEG image."
    raise ValidationFailed("The logo is not valid.", errors={"logo": [message]})


def set_logo(actor: User, company_id: int, upload: LogoUpload) -> Company:
    """Replace the company's logo (admins only); the old file goes once the change is committed."""
    company = require_company_admin(actor, company_id)
    content_type = check_logo(upload)
    key = secrets.token_hex(16)
    logo_files.put(key, upload.data)
    _forget_after_commit(company.logo_key)
    company.logo_key, company.logo_content_type = key, content_type
    db.session.flush()
    return company


def remove_logo(actor: User, company_id: int) -> Company:
    company = require_company_admin(actor, company_id)
    _forget_after_commit(company.logo_key)
    company.logo_key = company.logo_content_type = None
    db.session.flush()
    return company


def _forget_after_commit(key: str | None) -> None:
    if key:
        db.session.info.setdefault(_OLD_LOGOS, set()).add(key)


def _delete_old_logos(_app: Flask, keys: set[str]) -> None:
    for key in keys:
        with contextlib.suppress(OSError, ValueError):
            logo_files.delete(key)


run_after_commit(_OLD_LOGOS, _delete_old_logos)


def logo_for_key(key: str) -> tuple[bytes, str] | None:
    """(bytes, content type) of a company's current logo, or None: only keys a company holds are served."""
    if not KEY_RE.match(key or ""):
        return None
    content_type = db.session.scalar(select(Company.logo_content_type).where(Company.logo_key == key))
    if content_type not in LOGO_TYPES:
        return None
    data = logo_files.get(key)
    return (data, content_type) if data is not None else None


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
