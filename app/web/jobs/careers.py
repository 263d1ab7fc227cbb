"""The careers site's public pieces on the web door: company logos, the job posting data, public salaries."""

from __future__ import annotations

from flask import Response, abort

from app.models import Job
from app.services import careers, logos
from app.web.helpers import salary_range
from app.web.jobs import bp

# A logo's URL holds a key that is new for every upload, so its bytes never change.
LOGO_CACHE_CONTROL = "public, max-age=31536000, immutable"


@bp.get("/logos/<key>")
def logo(key: str):
    found = logos.logo_for_key(key)
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = LOGO_CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.app_template_global("job_posting")
def job_posting(job: Job) -> dict | None:
    """schema.org JobPosting data for the job page (None unless the job is open)."""
    return careers.job_posting(job)


@bp.app_template_global("logo_path")
def logo_path(company) -> str | None:
    """The logo's path on this site (pages stay free of absolute URLs)."""
    return careers.logo_url(company, external=False)


@bp.app_template_filter("public_salary")
def public_salary(job: Job) -> str:
    """The salary as anyone may see it: empty when the company keeps it unpublished."""
    return salary_range(job) if job.salary_visible else ""
