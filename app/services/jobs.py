"""Jobs: the public board and each company's own postings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select, update

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Job, JobStatus, User
from app.models.base import utcnow
from app.models.jobs import DEPARTMENT_MAX, EMPLOYMENT_TYPES, HEADCOUNT_MAX, JOB_STATUSES
from app.services.access import EDITORS, is_member, require_member, require_role
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

SALARY_MAX = 2_000_000_000  # fits the 32-bit column on every database

EDITABLE_FIELDS = (
    "title",
    "description",
    "location",
    "remote",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_visible",
    "department",
    "headcount",
    "closes_at",
    "status",
)


def _clean_job_fields(fields: dict, *, creating: bool, current: Job | None = None) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    check = Checker()
    for name in sorted(unknown):
        check.add(name, "Unknown field.")
    clean: dict = {}
    if "title" in fields or creating:
        clean["title"] = check.line("title", fields.get("title"), required=True, max_len=200)
    if "description" in fields:
        clean["description"] = check.text("description", fields["description"], max_len=20000) or ""
    if "location" in fields:
        clean["location"] = check.line("location", fields["location"], max_len=200) or ""
    if "remote" in fields:
        if not isinstance(fields["remote"], bool):
            check.add("remote", "Must be true or false.")
        clean["remote"] = fields["remote"]
    if "employment_type" in fields:
        clean["employment_type"] = check.choice(
            "employment_type", fields["employment_type"], EMPLOYMENT_TYPES, required=True
        )
    for key in ("salary_min", "salary_max"):
        if key in fields:
            value = fields[key]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                check.add(key, "Must be a whole number, zero or more.")
            elif value is not None and value > SALARY_MAX:
                check.add(key, f"Must be at most {SALARY_MAX:,}.")
            clean[key] = value
    if "salary_currency" in fields:
        currency = fields["salary_currency"]
        if currency is not None:
            currency = check.line("salary_currency", currency, max_len=3)
            if currency and not (len(currency) == 3 and currency.isalpha()):
                check.add("salary_currency", "Must be a three-letter currency code, such as EUR.")
            currency = currency.upper() if currency else None
        clean["salary_currency"] = currency
    if "salary_visible" in fields:
        if not isinstance(fields["salary_visible"], bool):
            check.add("salary_visible", "Must be true or false.")
        clean["salary_visible"] = fields["salary_visible"]
    if "department" in fields:
        clean["department"] = check.line("department", fields["department"], max_len=DEPARTMENT_MAX) or ""
    if "headcount" in fields:
        headcount = fields["headcount"]
        if isinstance(headcount, bool) or not isinstance(headcount, int) or not 1 <= headcount <= HEADCOUNT_MAX:
            check.add("headcount", f"Must be a whole number from 1 to {HEADCOUNT_MAX:,}.")
        clean["headcount"] = headcount
    if "closes_at" in fields:
        clean["closes_at"] = _check_closing_date(check, fields["closes_at"], current)
    if "status" in fields:
        clean["status"] = check.choice("status", fields["status"], JOB_STATUSES, required=True)
    low = clean.get("salary_min", current.salary_min if current else None)
    high = clean.get("salary_max", current.salary_max if current else None)
    if isinstance(low, int) and isinstance(high, int) and low > high and "salary_min" not in check.errors:
        check.add("salary_max", "Must not be below the minimum.")
    check.raise_if_any()
    return clean


def _check_closing_date(check: Checker, value, current: Job | None) -> datetime | None:
    """A timezone-aware time in the future; an unchanged date may stay as it is (even if passed)."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        check.add("closes_at", "Must be a date and time with a timezone.")
        return None
    if current is not None and current.closes_at == value:
        return value
    if value <= utcnow():
        check.add("closes_at", "Must be in the future.")
    return value


def _apply_status(job: Job, status: str) -> None:
    if status == job.status:
        return
    job.status = status
    if status == JobStatus.OPEN:
        job.opened_at = utcnow()
        job.closed_at = None
    elif status == JobStatus.CLOSED:
        job.closed_at = utcnow()


def create_job(
    actor: User,
    *,
    stage_template_id: int | None = None,
    pipeline: list | None = None,
    pipeline_allow_skip: bool | None = None,
    **fields,
) -> Job:
    """A job in the actor's own company (a recruiter or an admin).

    Its pipeline is copied from `stage_template_id`, given whole as `pipeline`,
    or copied from the company's default template.
    """
    from app.services import pipelines

    if not actor.is_staff:
        raise Forbidden("Only company staff can create jobs.")
    require_role(actor, *EDITORS, action="create jobs")
    clean = _clean_job_fields(fields, creating=True)
    status = clean.pop("status", JobStatus.DRAFT.value)
    copy = pipelines.copy_for_new_job(
        actor, template_id=stage_template_id, stages=pipeline, allow_skip=pipeline_allow_skip
    )
    job = Job(
        company_id=actor.company_id,
        created_by_id=actor.id,
        status=JobStatus.DRAFT.value,
        pipeline_stages=copy.stages,
        pipeline_allow_skip=copy.allow_skip,
        pipeline_template_id=copy.template_id,
        **clean,
    )
    _apply_status(job, status)
    db.session.add(job)
    db.session.flush()
    return job


def get_job(viewer: User | None, job_id: int) -> Job:
    """Open jobs are public; drafts and closed jobs only for their company's staff."""
    job = db.session.get(Job, job_id)
    if job is None or (job.status != JobStatus.OPEN and not is_member(viewer, job.company_id)):
        raise NotFound("That job was not found.")
    return job


def get_job_page(viewer: User | None, job_id: int) -> Job:
    """A job for its public page: open jobs, and closed ones (the page says so, and it stays
    where search engines and shared links found it); drafts only for their company's staff."""
    job = db.session.get(Job, job_id)
    if job is None or (job.status == JobStatus.DRAFT and not is_member(viewer, job.company_id)):
        raise NotFound("That job was not found.")
    return job


def shows_salary(viewer: User | None, job: Job) -> bool:
    """The salary is published, or the viewer is the company's own staff."""
    return job.salary_visible or is_member(viewer, job.company_id)


def update_job(actor: User, job_id: int, **fields) -> Job:
    job = get_job(actor, job_id)
    if not is_member(actor, job.company_id):
        raise Forbidden("Only the company's own staff can change this job.")
    require_role(actor, *EDITORS, action="change jobs")
    clean = _clean_job_fields(fields, creating=False, current=job)
    status = clean.pop("status", None)
    closes_at = clean.get("closes_at", job.closes_at)
    if status == JobStatus.OPEN and job.status != JobStatus.OPEN and closes_at is not None and closes_at <= utcnow():
        raise ValidationFailed(
            "The closing date has passed.",
            errors={"closes_at": ["Move the closing date into the future (or clear it) to open the job again."]},
        )
    for key, value in clean.items():
        setattr(job, key, value)
    if status is not None:
        _apply_status(job, status)
    db.session.flush()
    return job


def close_due_jobs(now: datetime) -> list[int]:
    """Close every open job whose closing date is at or before `now`; the ids closed.

    One conditional UPDATE: a job closed meanwhile (or by a concurrent run) no
    longer matches `status = 'open'`, so running twice closes nothing twice.
    The caller commits (the CLI command, the periodic tick).
    """
    result = db.session.execute(
        update(Job)
        .where(Job.status == JobStatus.OPEN.value, Job.closes_at.is_not(None), Job.closes_at <= now)
        .values(status=JobStatus.CLOSED.value, closed_at=now, updated_at=now)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    closed = sorted(result.scalars())
    if closed:
        # Jobs already loaded in this session would otherwise keep their old status.
        for job in db.session.identity_map.values():
            if isinstance(job, Job) and job.id in closed:
                db.session.expire(job)
    return closed


def set_job_status(actor: User, job_id: int, status: str) -> Job:
    return update_job(actor, job_id, status=status)


def delete_job(actor: User, job_id: int) -> None:
    job = get_job(actor, job_id)
    if not is_member(actor, job.company_id):
        raise Forbidden("Only the company's own staff can delete this job.")
    require_role(actor, *EDITORS, action="delete jobs")
    if db.session.scalar(select(exists().where(Application.job_id == job.id))):
        raise Conflict("This job has applications; close it instead of deleting it.")
    db.session.delete(job)
    db.session.flush()


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_jobs(
    viewer: User | None,
    *,
    q: str | None = None,
    company_id: int | None = None,
    location: str | None = None,
    remote: bool | None = None,
    employment_type: str | None = None,
    status: str | None = None,
    updated_after: datetime | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[Job]:
    """Open jobs of every company; staff may ask for their own company's jobs by status."""
    check = Checker()
    if status is not None:
        check.choice("status", status, JOB_STATUSES)
    if employment_type is not None:
        check.choice("employment_type", employment_type, EMPLOYMENT_TYPES)
    check.raise_if_any()
    stmt = select(Job)
    if status is None:
        stmt = stmt.where(Job.status == JobStatus.OPEN.value)
    else:
        if viewer is None or not getattr(viewer, "is_staff", False):
            if status != JobStatus.OPEN:
                raise Forbidden("Only company staff can list draft or closed jobs.")
            stmt = stmt.where(Job.status == JobStatus.OPEN.value)
        else:
            stmt = stmt.where(Job.status == status, Job.company_id == viewer.company_id)
    if company_id is not None:
        stmt = stmt.where(Job.company_id == company_id)
    if q and q.strip():
        pattern = f"%{_escape_like(q.strip()[:100])}%"
        stmt = stmt.where(or_(Job.title.ilike(pattern, escape="\\"), Job.description.ilike(pattern, escape="\\")))
    if location and location.strip():
        stmt = stmt.where(Job.location.ilike(f"%{_escape_like(location.strip()[:100])}%", escape="\\"))
    if remote is not None:
        stmt = stmt.where(Job.remote.is_(remote))
    if employment_type is not None:
        stmt = stmt.where(Job.employment_type == employment_type)
    if updated_after is not None:
        stmt = stmt.where(Job.updated_at > updated_after)
    return paginate_desc(db.session, stmt, Job.id, limit=limit, cursor=cursor)


def list_company_jobs(actor: User, *, status: str | None = None) -> list[Job]:
    """All of the actor's company's jobs (any status), newest first."""
    require_member(actor, actor.company_id or -1, what="That company")
    stmt = select(Job).where(Job.company_id == actor.company_id)
    if status is not None:
        check = Checker()
        check.choice("status", status, JOB_STATUSES)
        check.raise_if_any()
        stmt = stmt.where(Job.status == status)
    return list(db.session.scalars(stmt.order_by(Job.id.desc())))
