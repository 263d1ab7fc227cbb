"""Jobs: the public board and each company's own postings."""

from __future__ import annotations

from flask import current_app
from marshmallow import RAISE

from app.api.auth import caller, jwt_required
from app.api.core import BEARER, ID, OPTIONAL_BEARER, Blueprint
from app.api.lists import LINK_HEADER, no_content, page_response
from app.api.render import job_out
from app.api.schemas.jobs import JobIn, JobListArgs, JobOut, JobPage, JobPatch
from app.public_cache import cached_for_anonymous
from app.services import jobs

blp = Blueprint("api_jobs", __name__, url_prefix="/api/v1", tag="Jobs", description="Jobs")

JOB = f"/jobs/<{ID}:job_id>"


@blp.get("/jobs")
@cached_for_anonymous("jobs")
@jwt_required(optional=True)
@blp.arguments(JobListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, JobPage, headers=LINK_HEADER)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=OPTIONAL_BEARER)
def list_jobs(**args):
    """Open jobs of every company, newest first; staff may add `status=` for their own company's jobs."""
    viewer = caller()
    return page_response(
        jobs.list_jobs(viewer, **args), lambda job: job_out(job, salary=jobs.shows_salary(viewer, job))
    )


@blp.post("/jobs")
@jwt_required()
@blp.arguments(JobIn)
@blp.response(201, JobOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.doc(security=BEARER)
def create_job(data):
    """A job in the caller's company (recruiters and admins)."""
    return jobs.create_job(caller(), **data)


@blp.get(JOB)
@cached_for_anonymous("jobs")
@jwt_required(optional=True)
@blp.response(200, JobOut)
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=OPTIONAL_BEARER)
def get_job(job_id: int):
    """An open job, or any job of the caller's own company."""
    viewer = caller()
    job = jobs.get_job(viewer, job_id)
    return current_app.json.response(job_out(job, salary=jobs.shows_salary(viewer, job)))


@blp.patch(JOB)
@jwt_required()
@blp.arguments(JobPatch)
@blp.response(200, JobOut)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.doc(security=BEARER)
def update_job(data, job_id: int):
    """Change fields or the status (draft, open, closed)."""
    return jobs.update_job(caller(), job_id, **data)


@blp.delete(JOB)
@jwt_required()
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The job has applications: close it instead.")
@blp.doc(security=BEARER)
def delete_job(job_id: int):
    """Delete a job that has no applications."""
    jobs.delete_job(caller(), job_id)
    return no_content()
